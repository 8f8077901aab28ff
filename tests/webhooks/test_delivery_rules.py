"""Delivery rules at their edges (webhooks/delivery.py), without a network: attempts are
recorded from the answers a receiver would give, at the moments the test sets."""

import datetime as dt
import logging

import pytest
import time_machine
from django.urls import reverse

from cspo_tracker.outbox.models import OutboundEmail
from tests.factories import CredentialFactory
from webhooks import delivery as webhook_delivery
from webhooks.models import WebhookDelivery
from webhooks.transport import Response

from .conftest import subscribe

pytestmark = pytest.mark.django_db
T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
UNAVAILABLE = Response(status_code=503, error="", duration_ms=12)


@pytest.fixture
def waiting(subscriber, fake_dns, strict):
    """A practitioner's webhook with one delivery due at T0, not yet sent."""
    fake_dns["hooks.example.com"] = ["93.184.216.34"]
    subscription = subscribe(subscriber, "https://hooks.example.com/in")
    with time_machine.travel(T0, tick=False):
        CredentialFactory(holder=subscriber)  # not committed: nothing is sent
    return subscription, WebhookDelivery.objects.get()


def fail_at(delivery, moment):
    return webhook_delivery.record_attempt(
        delivery_id=delivery.pk, response=UNAVAILABLE, now=moment
    )


@pytest.mark.parametrize(
    ("hours", "reason"),
    [(72, "Every delivery failed for 72 hours."), (1, "Every delivery failed for 1 hour.")],
)
def test_a_webhook_failing_for_its_whole_limit_is_turned_off_with_the_reason_logged(
    waiting, settings, caplog, hours, reason
):
    settings.WEBHOOKS_DISABLE_AFTER_HOURS = hours
    subscription, delivery = waiting
    fail_at(delivery, T0)
    fail_at(delivery, T0 + dt.timedelta(hours=hours, seconds=-1))
    subscription.refresh_from_db()
    assert subscription.active
    with caplog.at_level(logging.WARNING, logger="webhooks.delivery"):
        fail_at(delivery, T0 + dt.timedelta(hours=hours))
    subscription.refresh_from_db()
    assert (subscription.active, subscription.disabled_reason) == (False, reason)
    assert subscription.disabled_at == T0 + dt.timedelta(hours=hours)
    assert [r.getMessage() for r in caplog.records] == [
        f"webhook subscription {subscription.pk} disabled: {reason} (failing since {T0})"
    ]
    (email,) = OutboundEmail.objects.filter(template="webhook_disabled")
    assert email.key == f"webhook_disabled:{subscription.pk}:{T0.isoformat()}"  # once a spell
    assert f"failed for {reason.split(' for ')[1][:-1]}, so we stopped" in email.body_text
    assert email.body_text.rstrip().endswith(settings.SITE_URL + reverse("webhooks:list"))


def test_a_delivery_is_claimed_only_once_it_is_due(waiting):
    _subscription, delivery = waiting
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        next_attempt_at=T0 + dt.timedelta(hours=1)
    )
    with time_machine.travel(T0, tick=False):
        assert webhook_delivery.claim(delivery.pk, now=T0) is None
        claimed = webhook_delivery.claim(delivery.pk, now=T0 + dt.timedelta(hours=1))
    assert claimed.pk == delivery.pk
    assert claimed.leased_until > T0 + dt.timedelta(hours=1)
