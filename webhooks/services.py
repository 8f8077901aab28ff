"""Writes for webhook subscriptions: create (secret shown once), delete, turn on and
off, redeliver. Keyword-only, one transaction each; the SSRF rules are in
webhooks/guard.py, checked here on create and again on every delivery."""

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from certifications.models import Organisation
from cspo_tracker import publishing

from . import guard, signing
from .events import DELIVER_TASK
from .models import EVENT_NAMES, OrganisationConsent, WebhookDelivery, WebhookSubscription

MAX_SUBSCRIPTIONS = 20


def validate_target(url):
    """Raise ValidationError({"url": reason}) unless webhooks may be sent to `url`."""
    try:
        guard.check_target(url)
    except guard.TargetRefused as refused:
        raise ValidationError({"url": str(refused)}) from refused


@transaction.atomic
def create_subscription(
    *,
    url,
    events,
    owner=None,
    organisation=None,
    scope=WebhookSubscription.Scope.OWN,
    description="",
):
    """Subscribe `url` to `events` for a user `owner` or an `organisation` (whose
    subscriptions receive the events of the people it reported). Returns the subscription; its
    `secret` is shown once, on the page or API response that follows."""
    url = (url or "").strip()
    events = sorted(set(events or []))
    if organisation is not None:
        owner, scope = None, WebhookSubscription.Scope.ORGANISATION
    errors = {}
    if not events:
        errors["events"] = _("Choose at least one event.")
    unknown = [e for e in events if e not in EVENT_NAMES]
    if unknown:
        errors["events"] = _("Unknown event type: %(types)s.") % {"types": ", ".join(unknown)}
    if scope not in WebhookSubscription.Scope.values:
        errors["scope"] = _("Choose whose events this webhook receives.")
    elif scope == WebhookSubscription.Scope.ORGANISATION and not (
        organisation is not None or owner.is_staff
    ):
        errors["scope"] = _("Only staff can subscribe to every practitioner's events.")
    if len(url) > 2000:
        errors["url"] = _("The URL is too long (2000 characters at most).")
    else:
        try:
            validate_target(url)
        except ValidationError as error:
            errors.update(error.message_dict)
    mine = WebhookSubscription.objects.filter(owner=owner, organisation=organisation)
    if mine.count() >= MAX_SUBSCRIPTIONS:
        errors["url"] = _("There are %(count)s webhooks already; delete one first.") % {
            "count": MAX_SUBSCRIPTIONS
        }
    if errors:
        raise ValidationError(errors)
    return WebhookSubscription.objects.create(
        owner=owner,
        organisation=organisation,
        scope=scope,
        url=url,
        events=events,
        description=(description or "").strip()[:200],
        secret=signing.new_secret(),
    )


def can_manage(subscription, by):
    """`by` (a user, or an Organisation) manages its own subscriptions; any staff member
    manages the organisation-level ones."""
    if isinstance(by, Organisation):
        return subscription.organisation_id == by.pk
    return subscription.owner_id == by.pk or (
        by.is_staff and subscription.scope == WebhookSubscription.Scope.ORGANISATION
    )


def _check_manager(subscription, by):
    if not can_manage(subscription, by):
        raise PermissionDenied(_("Not your webhook."))


@transaction.atomic
def delete_subscription(*, subscription, by):
    _check_manager(subscription, by)
    subscription.delete()


@transaction.atomic
def set_active(*, subscription, active, by, now=None):
    """Turn a subscription off, or on again (its failing spell starts over and its
    pending deliveries go out at once)."""
    _check_manager(subscription, by)
    now = now or timezone.now()
    subscription = WebhookSubscription.objects.select_for_update().get(pk=subscription.pk)
    if subscription.active == active:
        return subscription
    if active:
        subscription.active, subscription.disabled_at = True, None
        subscription.disabled_reason, subscription.failing_since = "", None
    else:
        subscription.active, subscription.disabled_at = False, now
        subscription.disabled_reason = _("Turned off by its owner.")
    subscription.save()
    if active:
        pending = subscription.deliveries.filter(status=WebhookDelivery.Status.PENDING)
        pending.update(next_attempt_at=now, leased_until=None)
        publishing.publish_on_commit(
            DELIVER_TASK,
            pending.values_list("pk", flat=True),
            batch_size=settings.WEBHOOKS_BATCH_SIZE,
        )
    return subscription


@transaction.atomic
def redeliver(*, delivery, by, now=None):
    """Send a delivery again now (delivered, given up or waiting): same event, same id,
    so a receiver that has it already can drop it."""
    _check_manager(delivery.subscription, by)
    if not delivery.subscription.active:
        raise ValidationError(_("Turn the webhook on before redelivering."))
    now = now or timezone.now()
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        status=WebhookDelivery.Status.PENDING,
        next_attempt_at=now,
        leased_until=None,
        delivered_at=None,
        retry_until=now + timedelta(hours=settings.WEBHOOKS_RETRY_HOURS),
    )
    publishing.publish_on_commit(DELIVER_TASK, [delivery.pk], batch_size=1)


@transaction.atomic
def give_consent(*, practitioner, organisation):
    """Let `organisation`'s webhooks receive `practitioner`'s events from now on (events
    before it are not sent). Giving it twice changes nothing. Returns the consent."""
    if not organisation.is_active:
        raise ValidationError(_("This organisation no longer works with the tracker."))
    consent, _created = OrganisationConsent.objects.get_or_create(
        practitioner=practitioner, organisation=organisation
    )
    return consent


@transaction.atomic
def withdraw_consent(*, practitioner, organisation):
    """From now on `organisation` hears about `practitioner` only if it reported them.
    Withdrawing a consent never given changes nothing."""
    OrganisationConsent.objects.filter(
        practitioner=practitioner, organisation=organisation
    ).delete()
