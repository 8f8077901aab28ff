"""An event reaches a receiver once per delivery, even when the delivery task runs twice
(the broker redelivers its message, or the periodic run publishes it again) or a second
worker runs it while the first is still sending. The claim is the row's status and its
lease (webhooks.delivery.claim_many)."""

import threading
import time

import pytest
from django.db import connection, connections

from cspo_tracker import publishing
from tests.factories import CredentialFactory, PractitionerFactory
from webhooks import tasks
from webhooks.models import WebhookDelivery

from .conftest import subscribe

JOIN_TIMEOUT = 60


def a_pending_delivery(receiver):
    """A delivery whose message the broker never got: nothing has been sent yet."""
    holder = PractitionerFactory()
    subscribe(holder, receiver.url)
    publishing._broker_down_until = float("inf")
    try:
        CredentialFactory(holder=holder)
    finally:
        publishing._broker_down_until = 0.0
    return WebhookDelivery.objects.get()


def wait_until(condition, *, seconds=30):
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "not done in time"
        time.sleep(0.02)


@pytest.mark.django_db
def test_a_delivery_task_run_twice_sends_the_event_once(receiver):
    delivery = a_pending_delivery(receiver)
    assert tasks.deliver_webhook([delivery.pk]) == [200]
    assert tasks.deliver_webhook([delivery.pk]) == []  # the message delivered again
    assert len(receiver.requests) == 1
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (WebhookDelivery.Status.DELIVERED, 1)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_second_worker_finds_the_delivery_in_flight_and_sends_nothing(receiver):
    if connection.vendor != "postgresql":
        pytest.skip("two workers need PostgreSQL (DATABASE_URL=postgres://...)")
    delivery = a_pending_delivery(receiver)
    receiver.gate = threading.Event()
    first = []

    def work():
        try:
            first.append(tasks.deliver_webhook([delivery.pk]))
        finally:
            connections.close_all()

    worker = threading.Thread(target=work, daemon=True)
    worker.start()
    try:
        wait_until(lambda: len(receiver.requests) == 1)  # the first worker is sending
        assert tasks.deliver_webhook([delivery.pk]) == []  # the second finds it leased
    finally:
        receiver.gate.set()
        worker.join(timeout=JOIN_TIMEOUT)
    assert first == [[200]]
    assert len(receiver.requests) == 1
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (WebhookDelivery.Status.DELIVERED, 1)
