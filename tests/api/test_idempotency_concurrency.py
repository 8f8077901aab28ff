"""Two copies of one POST sent at once with the same Idempotency-Key: one entry, one
answer, given to both. The key's unique row is the claim: without it both copies write."""

import threading

import pytest
from django.db import connection, connections

from seus.models import SeuEntry
from tests.factories import SeuCategoryFactory

from .conftest import token_client

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_simultaneous_retries_write_once(api):
    if connection.vendor != "postgresql":
        pytest.skip("concurrent writers need PostgreSQL; SQLite serialises them anyway")
    SeuCategoryFactory(code="C")
    # "Save it anyway": the duplicate-entry rule stays out of the way, so the key is the
    # only thing that keeps the second copy from writing a second entry.
    body = {
        "earned_on": "2026-02-10",
        "category": "C",
        "activity": "Talk",
        "seus": "2",
        "allow_duplicate": True,
    }
    barrier = threading.Barrier(2)
    answers = []
    clients = [token_client(api.secret) for _ in range(2)]
    for client in clients:  # each loads its middleware before the race
        client.get("/api/v1/me")

    def send(client):
        try:
            barrier.wait()
            response = client.post("/api/v1/seus", body, format="json", HTTP_IDEMPOTENCY_KEY="once")
            answers.append((response.status_code, response.json().get("id")))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=send, args=(c,)) for c in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert SeuEntry.objects.count() == 1
    assert [status for status, _ in answers] == [201, 201], answers
    assert answers[0][1] == answers[1][1] == SeuEntry.objects.get().pk
