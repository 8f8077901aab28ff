"""The sweep's work per chunk is a fixed number of statements, whatever the chunk holds:
the database does the per-row work (renewals.sweep.sets), and the claimed reminders of a
chunk are sent in bulk (renewals.reminders.services.send_reminders)."""

import datetime

import pytest
from django.core import mail

from certifications.models import Credential
from renewals.models import Reminder
from renewals.sweep import services as sweep
from tests.factories import PractitionerFactory, credential_expiring

TODAY = datetime.date(2026, 6, 1)
NOW = datetime.datetime(2026, 6, 1, 12, tzinfo=datetime.UTC)


def population(n):
    """`n` credentials due for a reminder, holders in two time zones (two local dates at
    noon UTC: New Zealand is already on the next day)."""
    for i in range(n):
        zone = "Pacific/Auckland" if i % 2 else "Europe/Berlin"
        credential_expiring(
            TODAY + datetime.timedelta(days=20 + i % 40),
            holder=PractitionerFactory(time_zone=zone),
        )
    return list(Credential.objects.order_by("pk").values_list("pk", flat=True))


@pytest.mark.parametrize("size", [4, 40])
def test_sweeping_a_chunk_takes_the_same_queries_at_any_size(
    db, size, django_assert_max_num_queries
):
    ids = population(size)
    plan = sweep.SweepPlan.read(now=NOW)
    assert len(plan.days) == 2
    # 12 for the sweep itself, and per local date up to 2 more while webhooks listen for
    # status changes (the changed ids read once, the subscribers looked up once).
    with django_assert_max_num_queries(12 + 2 * len(plan.days)):
        result, to_send = sweep.sweep_chunk(plan, ids[0], ids[-1])
    assert result.credentials_scanned == size and len(to_send) == size
    assert result.statuses_changed == size


@pytest.mark.parametrize("size", [4, 40])
def test_sending_a_chunks_reminders_takes_the_same_queries_at_any_size(
    db, size, django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    ids = population(size)
    plan = sweep.SweepPlan.read(now=NOW)
    _result, to_send = sweep.sweep_chunk(plan, ids[0], ids[-1])
    result = sweep.SweepResult()
    with (
        django_assert_max_num_queries(12),
        django_capture_on_commit_callbacks(execute=False) as published,
    ):
        sweep.send_claimed(to_send, result, now=NOW)
    assert result.reminders_sent == size
    assert len(published) == 1  # one broker publish for the whole chunk
    assert Reminder.objects.filter(status="sent").count() == size
    assert mail.outbox == []  # not delivered yet: the outbox hands them on after commit
