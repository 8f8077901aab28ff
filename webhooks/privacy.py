"""Webhooks in the privacy registries (cspo_tracker/privacy).

An event's payload names the practitioner it is about (name, email). Events whose
deliveries are all finished (delivered, or given up after WEBHOOKS_RETRY_HOURS) are
pruned with their deliveries and attempt log RETENTION_WEBHOOKS_DAYS after they
happened. A person's archive has their subscriptions (never the signing secret) and
what was delivered to them; an erasure deletes their subscriptions and every event
about them, also the ones on their way to an organisation.
"""

from django.db.models import Q, TextField
from django.db.models.functions import Cast
from django.utils.translation import gettext_lazy

from cspo_tracker.privacy import erasure, export, retention

from .models import OrganisationConsent, WebhookDelivery, WebhookEvent, WebhookSubscription


def finished_events():
    return WebhookEvent.objects.exclude(deliveries__status=WebhookDelivery.Status.PENDING)


def _subscriptions(person):
    subscriptions = WebhookSubscription.objects.filter(owner_id=person.user_id).order_by("pk")
    for subscription in subscriptions.iterator(chunk_size=200):
        yield {
            "id": subscription.pk,
            "url": subscription.url,
            "description": subscription.description,
            "events": subscription.events,
            "active": subscription.active,
            "disabled_at": subscription.disabled_at,
            "disabled_reason": subscription.disabled_reason,
            "created_at": subscription.created_at,
        }


def _deliveries(person):
    deliveries = (
        WebhookDelivery.objects.filter(subscription__owner_id=person.user_id)
        .select_related("event")
        .order_by("created_at", "pk")
    )
    for delivery in deliveries.iterator(chunk_size=500):
        yield {
            "subscription": delivery.subscription_id,
            "event_id": delivery.event.msg_id,
            "type": delivery.event.type,
            "payload": delivery.event.payload,
            "status": delivery.status,
            "attempts": delivery.attempts,
            "last_status_code": delivery.last_status_code,
            "delivered_at": delivery.delivered_at,
            "created_at": delivery.created_at,
        }


def _consents(person):
    consents = OrganisationConsent.objects.filter(practitioner__user_id=person.user_id)
    for consent in consents.select_related("organisation").order_by("pk"):
        yield {"organisation": consent.organisation.name, "given_at": consent.given_at}


def export_entries(person):
    yield export.Rows("webhooks/subscriptions.json", _subscriptions(person))
    yield export.Rows("webhooks/organisation_consents.json", _consents(person))
    yield export.Rows("webhooks/deliveries.json", _deliveries(person))


def erase(person):
    WebhookSubscription.objects.filter(owner_id=person.user_id).delete()
    OrganisationConsent.objects.filter(practitioner__user_id=person.user_id).delete()
    about = Q(pk__in=[])
    for email in person.emails:
        about |= Q(payload_text__icontains=email)
    WebhookEvent.objects.annotate(payload_text=Cast("payload", TextField())).filter(about).delete()


def register():
    retention.register_rule(
        retention.Rule(
            kind="webhook_events",
            setting="RETENTION_WEBHOOKS_DAYS",
            prunable=finished_events,
            age_field="created_at",
        )
    )
    export.register_part(
        "webhooks",
        export_entries,
        order=60,
        describes=gettext_lazy(
            "your webhook subscriptions (without their secrets), what was "
            "delivered to them, and the organisations you let receive your events"
        ),
    )
    erasure.register_step("webhooks", erase, order=30)
