"""Sending webhook deliveries: at least once, signed, retried with back-off.

1. A delivery row is written with its event (webhooks/events.py) and its id published
   after the commit to `webhooks.tasks.deliver_webhook`, WEBHOOKS_BATCH_SIZE ids a
   broker message.
2. `deliver_many` claims a batch's due rows by setting a lease (`leased_until`) in one
   short transaction, sends each outside any transaction, then records the attempts,
   in one transaction per WEBHOOKS_RECORD_EVERY_SECONDS of sending, of a few statements
   for the whole batch, committed without waiting for the disk (cspo_tracker/durability.py):
   round trips and commits per attempt were most of a delivery's cost. A worker killed before it
   recorded leaves the lease to run out: the periodic `deliver_due_webhooks` task
   (every minute) finds the rows due again and sends them (at least once, same id).
   After a network failure (timeout, refused), a batch skips the rest of that
   subscription's deliveries, leaving them due for the next run, so one dead receiver
   costs a batch one deadline, not one per delivery.
3. A 2xx is a success. Anything else (a 3xx included: redirects are not followed, a
   timeout, a refused address) is a failure, tried again after an exponential back-off
   with jitter (WEBHOOKS_RETRY_BASE_SECONDS doubling up to WEBHOOKS_RETRY_MAX_SECONDS,
   +-20 %) until WEBHOOKS_RETRY_HOURS after the event; then the delivery gives up.
4. A subscription whose attempts have all failed for WEBHOOKS_DISABLE_AFTER_HOURS is
   disabled and its owner emailed once (outbox key per failing spell).
5. A 410 Gone says the endpoint is gone for good (Standard Webhooks: "disable the
   endpoint"): the delivery is not retried, the subscription is disabled at once and its
   owner emailed, as in 4.
"""

import json
import logging
import time
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cspo_tracker import publishing, retry
from cspo_tracker.durability import commit_without_waiting_for_the_disk
from cspo_tracker.outbox import services as outbox

from . import signing, transport
from .events import DELIVER_TASK
from .models import DeliveryAttempt, WebhookDelivery, WebhookSubscription

logger = logging.getLogger(__name__)


def body_of(event):
    """The bytes sent for `event`: the same on every attempt."""
    return json.dumps(event.payload, sort_keys=True, separators=(",", ":")).encode()


def _due(now):
    return Q(status=WebhookDelivery.Status.PENDING, next_attempt_at__lte=now) & (
        Q(leased_until__isnull=True) | Q(leased_until__lte=now)
    )


def claim_many(delivery_ids, *, now=None):
    """Lease to this worker the deliveries among `delivery_ids` that are due, not leased
    (or whose lease ran out) and whose subscription is active; rows another worker is
    claiming are skipped. The lease covers every attempt of the batch at its deadline.
    Returns them, in id order (one transaction)."""
    now = now or timezone.now()
    ids = list(delivery_ids)
    seconds = max(
        settings.WEBHOOKS_LEASE_SECONDS, len(ids) * settings.WEBHOOKS_TIMEOUT_SECONDS + 30
    )
    with transaction.atomic():
        deliveries = list(
            WebhookDelivery.objects.select_for_update(of=("self",), skip_locked=True)
            .select_related("event", "subscription")
            .filter(_due(now), pk__in=ids, subscription__active=True)
            .order_by("pk")
        )
        leased_until = now + timedelta(seconds=seconds)
        WebhookDelivery.objects.filter(pk__in=[d.pk for d in deliveries]).update(
            leased_until=leased_until
        )
    for delivery in deliveries:
        delivery.leased_until = leased_until
    return deliveries


def claim(delivery_id, *, now=None):
    """`claim_many` for one delivery: it, or None."""
    claimed = claim_many([delivery_id], now=now)
    return claimed[0] if claimed else None


def send(delivery):
    """POST the claimed delivery once, signed with a fresh timestamp."""
    body = body_of(delivery.event)
    timestamp = int(timezone.now().timestamp())
    headers = signing.headers(
        delivery.subscription.secret,
        msg_id=delivery.event.msg_id,
        timestamp=timestamp,
        body=body,
    )
    return transport.post(delivery.subscription.url, body=body, headers=headers)


def deliver(delivery_id, *, now=None):
    """Claim, send and record one delivery. Returns the recorded attempt, or None when
    the delivery was not due, leased by another worker or its subscription inactive."""
    attempts = deliver_many([delivery_id], now=now)
    return attempts[0] if attempts else None


def deliver_many(delivery_ids, *, now=None):
    """Claim, send and record a batch (see the module's docstring). Returns the recorded
    attempts; deliveries not due, leased elsewhere, inactive or skipped have none."""
    claimed = claim_many(delivery_ids, now=now)
    attempts, sent, skipped, unreachable = [], [], [], set()
    recorded_at = time.monotonic()
    for delivery in claimed:
        if delivery.subscription_id in unreachable:
            skipped.append(delivery.pk)
            continue
        response = send(delivery)
        sent.append((delivery.pk, response))
        if response.status_code is None:
            unreachable.add(delivery.subscription_id)
        if time.monotonic() - recorded_at >= settings.WEBHOOKS_RECORD_EVERY_SECONDS:
            attempts += record_attempts(sent)
            sent, recorded_at = [], time.monotonic()
    attempts += record_attempts(sent)
    if skipped:  # due again at once: the next periodic run sends them
        WebhookDelivery.objects.filter(pk__in=skipped).update(leased_until=None)
    return attempts


def record_attempts(sent, *, now=None):
    """Log each (delivery id, response) attempt and move its delivery on, in one
    transaction (whose commit does not wait for the disk) and a handful of statements
    for the whole batch: the deliveries read and locked in one SELECT, the attempts
    written in one INSERT, the deliveries in one UPDATE, and the subscriptions whose
    attempts all succeeded cleared in one UPDATE. A failure rolls the batch's records
    back; the lease then resends."""
    if not sent:
        return []
    with commit_without_waiting_for_the_disk():
        return _record_attempts(sent, now=now)


def _record_attempts(sent, *, now):
    now = now or timezone.now()
    deliveries = WebhookDelivery.objects.select_for_update().in_bulk([pk for pk, _ in sent])
    attempts, outcomes = [], []
    for pk, response in sent:
        delivery = deliveries[pk]
        due_at = delivery.next_attempt_at  # when this attempt was due: a failing spell's start
        attempts.append(_move_on(delivery, response, now))
        outcomes.append((delivery, response, due_at))
    DeliveryAttempt.objects.bulk_create(attempts)
    WebhookDelivery.objects.bulk_update(deliveries.values(), MOVED_FIELDS)
    _track_subscriptions(outcomes, now=now)
    return attempts


def record_attempt(*, delivery_id, response, now=None):
    """`record_attempts` for one attempt: the recorded attempt."""
    return record_attempts([(delivery_id, response)], now=now)[0]


GONE = 410
MOVED_FIELDS = [
    "attempts",
    "last_status_code",
    "last_error",
    "leased_until",
    "status",
    "delivered_at",
    "next_attempt_at",
]


def _failure_reason(response):
    if response.status_code == GONE:
        return _("HTTP 410: the receiver is gone; the webhook was disabled")
    if response.status_code is None:
        return response.error
    if 300 <= response.status_code < 400:
        return _("HTTP %(status)s: redirects are not followed") % {"status": response.status_code}
    return f"HTTP {response.status_code}"


def _succeeded(response):
    return response.status_code is not None and 200 <= response.status_code < 300


def _move_on(delivery, response, now):
    """The attempt `response` makes (unsaved), and `delivery` moved on in memory:
    delivered, due again later, or given up."""
    ok = _succeeded(response)
    error = "" if ok else _failure_reason(response)
    delivery.attempts += 1
    delivery.last_status_code = response.status_code
    delivery.last_error = error[:500]
    delivery.leased_until = None
    if ok:
        delivery.status, delivery.delivered_at = WebhookDelivery.Status.DELIVERED, now
    elif response.status_code == GONE:
        delivery.status = WebhookDelivery.Status.FAILED
    elif delivery.status == WebhookDelivery.Status.PENDING:
        gives_up_at = delivery.retry_until or (
            delivery.created_at + timedelta(hours=settings.WEBHOOKS_RETRY_HOURS)
        )
        if now >= gives_up_at:
            delivery.status = WebhookDelivery.Status.FAILED
        else:
            delay = retry.backoff(
                delivery.attempts,
                base=settings.WEBHOOKS_RETRY_BASE_SECONDS,
                cap=settings.WEBHOOKS_RETRY_MAX_SECONDS,
            )
            delivery.next_attempt_at = min(now + delay, gives_up_at)
    return DeliveryAttempt(
        delivery=delivery,
        attempted_at=now,
        status_code=response.status_code,
        error=error[:500],
        duration_ms=response.duration_ms,
    )


def _track_subscriptions(outcomes, *, now):
    """A subscription whose attempts in the batch all succeeded ends its failing spell,
    if it had one, in one UPDATE for all of them. One with a failure among them is
    followed attempt by attempt, in order, as the failure may start a spell or disable
    it."""
    failing = {d.subscription_id for d, response, _due in outcomes if not _succeeded(response)}
    all_ok = {d.subscription_id for d, _response, _due in outcomes} - failing
    if all_ok:
        WebhookSubscription.objects.filter(pk__in=all_ok, failing_since__isnull=False).update(
            failing_since=None
        )
    for delivery, response, due_at in outcomes:
        if delivery.subscription_id in failing:
            _track_subscription(
                delivery.subscription_id,
                ok=_succeeded(response),
                gone=response.status_code == GONE,
                now=now,
                due_at=due_at,
            )


def _track_subscription(subscription_id, *, ok, now, due_at=None, gone=False):
    """A failing spell starts when its first failed attempt was due (the event's
    creation for a first attempt), not when a worker got to it: the last retry of an
    event comes WEBHOOKS_RETRY_HOURS after its creation, and must count as a spell of
    that length, or a subscription whose one event failed for 3 days stayed on.

    A success ends a spell with one UPDATE that matches nothing when there was none:
    the subscription row is locked only when a failure may change it."""
    if ok:
        WebhookSubscription.objects.filter(pk=subscription_id, failing_since__isnull=False).update(
            failing_since=None
        )
        return
    subscription = (
        WebhookSubscription.objects.select_for_update(of=("self",))
        .select_related("owner", "organisation")
        .get(pk=subscription_id)
    )
    if gone:
        if subscription.failing_since is None:
            subscription.failing_since = now
        if subscription.active:
            disable_failing(subscription, now=now, gone=True)
        return
    if subscription.failing_since is None:
        subscription.failing_since = min(due_at or now, now)
        subscription.save(update_fields=["failing_since"])
        return
    limit = timedelta(hours=settings.WEBHOOKS_DISABLE_AFTER_HOURS)
    if subscription.active and now - subscription.failing_since >= limit:
        disable_failing(subscription, now=now)


def disable_failing(subscription, *, now, gone=False):
    """Disable a subscription that has failed for too long, or whose receiver answered
    410 Gone, and tell its owner, once per failing spell."""
    hours = settings.WEBHOOKS_DISABLE_AFTER_HOURS
    subscription.active, subscription.disabled_at = False, now
    if gone:
        subscription.disabled_reason = _("The receiver answered 410 Gone.")
    else:
        subscription.disabled_reason = ngettext(
            "Every delivery failed for %(hours)s hour.",
            "Every delivery failed for %(hours)s hours.",
            hours,
        ) % {"hours": hours}
    subscription.save(update_fields=["active", "disabled_at", "disabled_reason", "failing_since"])
    logger.warning(
        "webhook subscription %s disabled: %s (failing since %s)",
        subscription.pk,
        subscription.disabled_reason,
        subscription.failing_since,
    )
    to = subscription.owner_email
    if not to:
        return  # an organisation without a contact address: staff see it in the admin
    outbox.enqueue(
        "webhook_disabled",
        {
            "subscription": subscription,
            "hours": hours,
            "gone": gone,
            "manage_url": settings.SITE_URL + reverse("webhooks:list"),
        },
        to=to,
        key=f"webhook_disabled:{subscription.pk}:{subscription.failing_since.isoformat()}",
    )


def due_ids(*, now=None, limit=500):
    now = now or timezone.now()
    return list(
        WebhookDelivery.objects.filter(_due(now), subscription__active=True)
        .order_by("next_attempt_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )


def publish_due(*, now=None, limit=500):
    """Hand every due delivery (new ones the broker never got, retries whose time has
    come, and leases that ran out) to the delivery task. Returns how many."""
    ids = due_ids(now=now, limit=limit)
    publishing.publish(DELIVER_TASK, ids, batch_size=settings.WEBHOOKS_BATCH_SIZE)
    return len(ids)
