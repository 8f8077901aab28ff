"""Reads for the webhook pages and the API: fixed query counts."""

from django.db.models import Count, Exists, OuterRef, Prefetch, Q

from certifications.models import Organisation
from seus.models import SeuEntry

from .models import DeliveryAttempt, OrganisationConsent, WebhookDelivery, WebhookSubscription


def manageable_by(by):
    """The subscriptions `by` manages (webhooks.services.can_manage): a user's own, and
    every organisation-level one for staff; an Organisation's own."""
    if isinstance(by, Organisation):
        mine = Q(organisation=by)
    else:
        mine = Q(owner=by)
        if by.is_staff:
            mine |= Q(scope=WebhookSubscription.Scope.ORGANISATION)
    return WebhookSubscription.objects.filter(mine).select_related("owner", "organisation")


def people_known_to(organisation_ids, practitioner_ids):
    """{organisation id: {practitioner ids}}: whose events and data each organisation's
    webhooks may receive, among `practitioner_ids`. An organisation hears about the
    people it reported itself (an SEU through the provider API) and those who gave it
    their consent (OrganisationConsent), never about strangers: a practitioner's name,
    email and credentials are not every API client's business. One query."""
    known = {}
    if not organisation_ids or not practitioner_ids:
        return known
    organisation_ids, practitioner_ids = set(organisation_ids), set(practitioner_ids)
    reported = SeuEntry.objects.filter(
        reported_by__in=organisation_ids, practitioner__in=practitioner_ids
    ).values_list("reported_by", "practitioner")
    consented = OrganisationConsent.objects.filter(
        organisation__in=organisation_ids, practitioner__in=practitioner_ids
    ).values_list("organisation", "practitioner")
    pairs = reported.order_by().union(consented.order_by())
    for organisation_id, practitioner_id in pairs:
        known.setdefault(organisation_id, set()).add(practitioner_id)
    return known


def organisations_for_consent(practitioner):
    """The active organisations a practitioner may let hear about them, each with
    `consented` (True when they have), by name: one query."""
    given = OrganisationConsent.objects.filter(
        practitioner=practitioner, organisation=OuterRef("pk")
    )
    return Organisation.objects.filter(is_active=True).annotate(consented=Exists(given))


def subscriptions_for(by):
    return manageable_by(by).annotate(
        pending=Count("deliveries", filter=Q(deliveries__status="pending")),
        failed=Count("deliveries", filter=Q(deliveries__status="failed")),
    )


def deliveries_for(subscription, *, limit=50):
    """The latest deliveries with their event and attempt log (two queries)."""
    return list(
        WebhookDelivery.objects.filter(subscription=subscription)
        .select_related("event")
        .prefetch_related(
            Prefetch("attempt_log", queryset=DeliveryAttempt.objects.order_by("attempted_at", "pk"))
        )
        .order_by("-created_at", "-pk")[:limit]
    )
