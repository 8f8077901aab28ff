"""One back-off rule for everything tried again later: emails and webhook deliveries
wait base x 2^(n-1) seconds after the n-th failure, at most the cap, spread by +-20 %."""

import datetime as dt

import pytest
import time_machine

from cspo_tracker.outbox import services as outbox
from cspo_tracker.outbox.models import OutboundEmail
from cspo_tracker.retry import backoff
from tests.factories import CredentialFactory, PractitionerFactory
from tests.webhooks.conftest import subscribe
from webhooks import delivery as webhook_delivery
from webhooks.models import WebhookDelivery
from webhooks.transport import Response

T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


def test_the_wait_doubles_up_to_the_cap_with_a_spread_of_twenty_percent():
    for n in range(1, 14):
        expected = min(60 * 2 ** (n - 1), 6 * 3600)
        delay = backoff(n, base=60, cap=6 * 3600).total_seconds()
        assert 0.8 * expected <= delay <= 1.2 * expected
    assert len({backoff(3, base=60, cap=3600).total_seconds() for _ in range(20)}) > 1


@pytest.mark.django_db
def test_emails_that_failed_together_come_back_spread_out(settings, monkeypatch):
    with time_machine.travel(T0, tick=False):
        for i in range(20):
            outbox.store(template="t", to=f"p{i}@example.org", subject="s", body_text="b")

    def refused(self, *args, **kwargs):
        raise ConnectionRefusedError("smtp down")

    monkeypatch.setattr("django.core.mail.backends.locmem.EmailBackend.send_messages", refused)
    with time_machine.travel(T0, tick=False):
        assert outbox.deliver_due() == (0, 20)
    waits = [
        (at - T0).total_seconds()
        for at in OutboundEmail.objects.values_list("next_attempt_at", flat=True)
    ]
    base = settings.OUTBOX_RETRY_BASE_SECONDS
    assert all(0.8 * base <= wait <= 1.2 * base for wait in waits)
    assert len(set(waits)) > 1, "not all twenty back in the same second"


@pytest.mark.django_db
def test_a_failed_webhook_attempt_waits_by_the_same_rule(settings):
    settings.WEBHOOKS_ALLOW_HTTP = settings.WEBHOOKS_ALLOW_PRIVATE_TARGETS = True
    holder = PractitionerFactory()
    subscribe(holder, "http://127.0.0.1:8799/never")
    with time_machine.travel(T0, tick=False):
        CredentialFactory(holder=holder)  # commit callbacks not run: nothing sent yet
        delivery = WebhookDelivery.objects.get()
        failure = Response(status_code=503, error="", duration_ms=5)
        for _ in range(3):
            webhook_delivery.record_attempt(delivery_id=delivery.pk, response=failure, now=T0)
    delivery.refresh_from_db()
    expected = settings.WEBHOOKS_RETRY_BASE_SECONDS * 4
    wait = (delivery.next_attempt_at - T0).total_seconds()
    assert 0.8 * expected <= wait <= 1.2 * expected
