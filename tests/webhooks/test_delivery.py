"""Webhooks reach a real HTTP receiver, signed per Standard Webhooks (checked with the
`standardwebhooks` package), at least once, with the same id on every attempt."""

import datetime as dt

import pytest
import time_machine
from django.core import mail
from django.db import transaction
from standardwebhooks import Webhook

from cspo_tracker.outbox.models import OutboundEmail
from tests.factories import CredentialFactory
from webhooks import delivery as webhook_delivery
from webhooks import tasks
from webhooks.models import WebhookDelivery, WebhookEvent

from .conftest import subscribe

T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
pytestmark = pytest.mark.django_db


def at(moment):
    return time_machine.travel(moment, tick=True)


def issue(holder, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return CredentialFactory(holder=holder)


def verified(subscription, request):
    """The payload, as the standardwebhooks package verifies it (raises otherwise)."""
    return Webhook(subscription.secret).verify(request.body, request.headers)


def test_an_event_reaches_the_receiver_signed_after_the_commit(
    receiver, subscriber, django_capture_on_commit_callbacks
):
    subscription = subscribe(subscriber, receiver.url)
    with at(T0):
        credential = issue(subscriber, django_capture_on_commit_callbacks)
        (request,) = receiver.requests
        payload = verified(subscription, request)
    assert request.headers["webhook-id"].startswith("msg_")
    assert request.headers["webhook-id"] == WebhookEvent.objects.get().msg_id
    assert request.headers["Content-Type"] == "application/json"
    assert payload["type"] == "credential.issued"
    data = payload["data"]["credential"]
    assert data["certificate_number"] == credential.certificate_number
    assert data["status"] == "active"
    assert data["expires_on"] == credential.expires_on.isoformat()
    assert data["holder"]["email"] == subscriber.user.email
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == WebhookDelivery.Status.DELIVERED
    assert [a.status_code for a in delivery.attempt_log.all()] == [200]


def test_a_tampered_body_fails_the_reference_verification(
    receiver, subscriber, django_capture_on_commit_callbacks
):
    """The check can fail: the same headers with another body are refused."""
    from standardwebhooks.webhooks import WebhookVerificationError

    subscription = subscribe(subscriber, receiver.url)
    with at(T0):
        issue(subscriber, django_capture_on_commit_callbacks)
        (request,) = receiver.requests
        with pytest.raises(WebhookVerificationError):
            Webhook(subscription.secret).verify(request.body + b" ", request.headers)


def test_a_change_that_rolls_back_sends_nothing(receiver, subscriber):
    subscribe(subscriber, receiver.url)
    with pytest.raises(RuntimeError), transaction.atomic():
        CredentialFactory(holder=subscriber)
        assert WebhookDelivery.objects.count() == 1  # written in the same transaction
        raise RuntimeError("the change fails after the event was recorded")
    assert WebhookDelivery.objects.count() == 0
    assert receiver.requests == []


def test_a_receiver_failing_twice_gets_the_event_again_each_time_with_the_same_id(
    receiver, subscriber, django_capture_on_commit_callbacks
):
    subscription = subscribe(subscriber, receiver.url)
    receiver.answer(500, 500)
    payloads = []
    with at(T0):
        issue(subscriber, django_capture_on_commit_callbacks)
        payloads.append(verified(subscription, receiver.requests[-1]))
    first_retry = WebhookDelivery.objects.get().next_attempt_at
    assert dt.timedelta(seconds=48) <= first_retry - T0 <= dt.timedelta(seconds=73)
    with at(T0 + dt.timedelta(seconds=30)):
        tasks.deliver_due_webhooks.apply()  # not due yet: nothing sent
    assert len(receiver.requests) == 1
    with at(T0 + dt.timedelta(minutes=5)):
        tasks.deliver_due_webhooks.apply()
        payloads.append(verified(subscription, receiver.requests[-1]))
    with at(T0 + dt.timedelta(minutes=15)):
        tasks.deliver_due_webhooks.apply()
        payloads.append(verified(subscription, receiver.requests[-1]))
    with at(T0 + dt.timedelta(minutes=30)):
        tasks.deliver_due_webhooks.apply()  # delivered: never sent again

    assert len(receiver.requests) == 3
    assert len({r.headers["webhook-id"] for r in receiver.requests}) == 1
    assert payloads[0] == payloads[1] == payloads[2]
    assert len({r.headers["webhook-timestamp"] for r in receiver.requests}) == 3
    delivery = WebhookDelivery.objects.get()
    assert [a.status_code for a in delivery.attempt_log.all()] == [500, 500, 200]
    assert (delivery.status, delivery.attempts) == (WebhookDelivery.Status.DELIVERED, 3)
    subscription.refresh_from_db()
    assert subscription.failing_since is None  # the success ended the failing spell


def test_a_worker_killed_mid_delivery_leaves_it_to_the_periodic_run(receiver, subscriber, settings):
    subscribe(subscriber, receiver.url)
    with at(T0):
        CredentialFactory(holder=subscriber)  # commit callbacks not run: the broker lost it
        delivery = WebhookDelivery.objects.get()
        assert webhook_delivery.claim(delivery.pk) is not None  # a worker claims it ...
        # ... and dies before sending: no attempt, no result. The lease keeps others off.
        tasks.deliver_due_webhooks.apply()
        tasks.deliver_webhook.apply(args=[delivery.pk])
    assert receiver.requests == []
    with at(T0 + dt.timedelta(seconds=settings.WEBHOOKS_LEASE_SECONDS + 1)):
        tasks.deliver_due_webhooks.apply()  # the lease ran out: sent again
        tasks.deliver_due_webhooks.apply()
    assert len(receiver.requests) == 1
    delivery.refresh_from_db()
    assert delivery.status == WebhookDelivery.Status.DELIVERED
    assert delivery.leased_until is None


def test_a_subscription_failing_for_three_days_is_disabled_and_its_owner_emailed_once(
    receiver, subscriber, django_capture_on_commit_callbacks
):
    subscription = subscribe(subscriber, receiver.url)
    receiver.answer(*[503] * 100)
    with at(T0):
        issue(subscriber, django_capture_on_commit_callbacks)
    moment = T0
    while moment < T0 + dt.timedelta(hours=80):
        moment += dt.timedelta(minutes=30)
        with at(moment), django_capture_on_commit_callbacks(execute=True):
            tasks.deliver_due_webhooks.apply()
    subscription.refresh_from_db()
    assert not subscription.active
    assert T0 + dt.timedelta(hours=72) <= subscription.disabled_at <= T0 + dt.timedelta(hours=73)
    emails = OutboundEmail.objects.filter(template="webhook_disabled")
    assert emails.count() == 1
    assert [m.to for m in mail.outbox] == [[subscriber.user.email]]
    assert receiver.url in mail.outbox[0].body
    sent = len(receiver.requests)
    assert 12 <= sent <= 25  # 1, 2, 4 ... minutes, then every 6 hours, for 3 days
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == WebhookDelivery.Status.FAILED
    assert {a.status_code for a in delivery.attempt_log.all()} == {503}
    with at(moment + dt.timedelta(days=1)):
        tasks.deliver_due_webhooks.apply()
    assert len(receiver.requests) == sent  # disabled: nothing more


def test_one_event_failing_until_its_last_retry_disables_the_subscription_though_workers_lag(
    receiver, subscriber, django_capture_on_commit_callbacks
):
    """The spell starts when the event was due, not when a busy worker first tried it:
    the last retry, 72 hours after the event, closes a 72-hour spell."""
    subscription = subscribe(subscriber, receiver.url)
    receiver.answer(*[503] * 100)
    with time_machine.travel(T0, tick=False):
        CredentialFactory(holder=subscriber)  # the event; no worker picks it up yet
    # The first attempt comes 7 minutes late; the every-30-minutes run then keeps time.
    moments = [T0 + dt.timedelta(minutes=7)]
    moments += [T0 + dt.timedelta(minutes=30 * k) for k in range(1, 2 * 72 + 1)]
    for moment in moments:
        with (
            time_machine.travel(moment, tick=False),
            django_capture_on_commit_callbacks(execute=True),
        ):
            tasks.deliver_due_webhooks.apply()
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == WebhookDelivery.Status.FAILED  # given up at 72 h
    subscription.refresh_from_db()
    assert not subscription.active
    assert subscription.disabled_at == T0 + dt.timedelta(hours=72)


def test_a_410_gone_disables_the_webhook_at_once_and_tells_its_owner(
    receiver, subscriber, django_capture_on_commit_callbacks
):
    """Standard Webhooks: a 410 asks the sender to stop, so it is not retried."""
    subscription = subscribe(subscriber, receiver.url)
    receiver.answer(410)
    with at(T0), django_capture_on_commit_callbacks(execute=True):
        issue(subscriber, django_capture_on_commit_callbacks)
        issue(subscriber, django_capture_on_commit_callbacks)  # not sent: disabled
    subscription.refresh_from_db()
    assert not subscription.active
    assert subscription.disabled_reason == "The receiver answered 410 Gone."
    assert len(receiver.requests) == 1
    first = WebhookDelivery.objects.order_by("pk").first()
    assert first.status == WebhookDelivery.Status.FAILED
    with at(T0 + dt.timedelta(hours=2)):
        tasks.deliver_due_webhooks.apply()
    assert len(receiver.requests) == 1  # never retried
    assert [m.to for m in mail.outbox] == [[subscriber.user.email]]
    assert "410 Gone" in mail.outbox[0].body
    assert OutboundEmail.objects.filter(template="webhook_disabled").count() == 1


def test_a_batch_spends_one_deadline_on_a_dead_receiver_and_delivers_the_rest(
    receiver, slow_drip, subscriber, settings
):
    """After a timeout the batch skips that receiver's other deliveries (left due for
    the next run, with no attempt counted) instead of waiting a deadline for each."""
    import time

    settings.WEBHOOKS_TIMEOUT_SECONDS = 1
    dead = subscribe(subscriber, slow_drip(interval=30, lines=1).url)
    alive = subscribe(subscriber, receiver.url)
    for _ in range(3):
        CredentialFactory(holder=subscriber)  # commit callbacks not run: not sent yet
    ids = list(WebhookDelivery.objects.order_by("pk").values_list("pk", flat=True))
    started = time.monotonic()
    attempts = webhook_delivery.deliver_many(ids)
    assert time.monotonic() - started < 2.5
    assert len(attempts) == 4  # 3 delivered, 1 timed out
    delivered = WebhookDelivery.objects.filter(subscription=alive)
    assert set(delivered.values_list("status", flat=True)) == {"delivered"}
    waiting = WebhookDelivery.objects.filter(subscription=dead).order_by("pk")
    assert [d.attempts for d in waiting] == [1, 0, 0]
    assert [d.leased_until for d in waiting[1:]] == [None, None]
    assert webhook_delivery.due_ids() == [d.pk for d in waiting[1:]]


def _pending_deliveries(subscriber, count):
    for _ in range(count):
        CredentialFactory(holder=subscriber)  # commit callbacks not run: not sent yet
    return list(WebhookDelivery.objects.order_by("pk").values_list("pk", flat=True))


def test_a_batch_is_claimed_and_recorded_in_the_same_statements_whatever_its_size(
    receiver, subscriber
):
    """A few statements for the whole batch, not a few per delivery: a commit and a round
    trip for each delivery were most of a delivery's cost."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    subscribe(subscriber, receiver.url)
    statements = {}
    for count in (1, 20):
        ids = _pending_deliveries(subscriber, count)
        with CaptureQueriesContext(connection) as queries:
            attempts = webhook_delivery.deliver_many(ids)
        assert len(attempts) == count
        assert WebhookDelivery.objects.filter(status="delivered").count() == count
        WebhookDelivery.objects.all().delete()
        statements[count] = [
            q["sql"]
            for q in queries.captured_queries
            if not q["sql"].startswith(("SAVEPOINT", "RELEASE"))
        ]
    assert len(statements[20]) == len(statements[1]) <= 7, "\n".join(statements[20])


@pytest.mark.parametrize(
    ("answers", "failing_after"),
    [
        pytest.param((500, 200), False, id="a failure, then a success: the spell ends"),
        pytest.param((200, 500), True, id="a success, then a failure: a spell starts"),
        pytest.param((200, 200), False, id="two successes: no spell"),
    ],
)
def test_a_batch_follows_a_subscriptions_attempts_in_their_order(
    receiver, subscriber, answers, failing_after
):
    subscription = subscribe(subscriber, receiver.url)
    receiver.answer(*answers)
    with at(T0):
        ids = _pending_deliveries(subscriber, 2)
        webhook_delivery.deliver_many(ids)
    subscription.refresh_from_db()
    assert (subscription.failing_since is not None) is failing_after
    deliveries = WebhookDelivery.objects.order_by("pk")
    assert [d.last_status_code for d in deliveries] == list(answers)
    assert [d.attempt_log.get().status_code for d in deliveries] == list(answers)
