"""Two workers asking for the same delivery at the same moment: one claims it, the
other gets nothing (PostgreSQL row locks), so a due delivery is sent once per lease."""

import threading

import pytest
from django.db import connection, connections

from tests.factories import CredentialFactory, PractitionerFactory
from webhooks import delivery as webhook_delivery
from webhooks.models import WebhookDelivery

from .conftest import subscribe

JOIN_TIMEOUT = 60


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_workers_claim_a_delivery_once(settings):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL row locks (DATABASE_URL=postgres://...)")
    settings.WEBHOOKS_ALLOW_HTTP = settings.WEBHOOKS_ALLOW_PRIVATE_TARGETS = True
    holder = PractitionerFactory()
    subscribe(holder, "http://127.0.0.1:8799/never")
    from cspo_tracker import publishing

    publishing._broker_down_until = float("inf")  # the broker "lost" it: nothing sent yet
    try:
        CredentialFactory(holder=holder)
    finally:
        publishing._broker_down_until = 0.0
    pk = WebhookDelivery.objects.get().pk
    claims = []
    for _round in range(5):
        WebhookDelivery.objects.filter(pk=pk).update(leased_until=None)
        start = threading.Barrier(2)
        results = []

        def claim(start=start, results=results):
            try:
                start.wait()
                results.append(webhook_delivery.claim(pk) is not None)
            finally:
                connections.close_all()

        threads = [threading.Thread(target=claim, daemon=True) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=JOIN_TIMEOUT)
        claims.append(sorted(results))
    assert claims == [[False, True]] * 5
