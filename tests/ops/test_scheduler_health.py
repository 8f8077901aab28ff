"""/healthz watches the scheduler: the last completed daily sweep and the email outbox."""

import datetime

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from renewals.models import SweepRun

pytestmark = pytest.mark.django_db

HOUR = datetime.timedelta(hours=1)


def swept(finished_at):
    return SweepRun.objects.create(
        trigger=SweepRun.Trigger.TASK, started_at=finished_at, finished_at=finished_at
    )


def health(client):
    response = client.get("/healthz")
    return response.status_code, response.json()


def test_a_fresh_install_that_has_not_swept_yet_is_healthy(client):
    status, body = health(client)
    assert status == 200
    assert body["sweep"] == {"ok": True, "last_finished_at": None, "detail": "no sweep yet"}


def test_a_sweep_that_never_runs_is_late_26_hours_after_install(client):
    with time_machine.travel(timezone.now() + 27 * HOUR):
        status, body = health(client)
    assert status == 503 and body["status"] == "unavailable"
    assert body["sweep"]["ok"] is False
    assert body["sweep"]["detail"].startswith("no sweep yet since ")


def test_a_sweep_25_hours_ago_is_on_time(client):
    finished = timezone.now() - 25 * HOUR
    swept(finished)
    status, body = health(client)
    assert status == 200
    assert body["sweep"]["ok"] is True
    assert body["sweep"]["last_finished_at"] == finished.isoformat()


def test_a_sweep_more_than_26_hours_ago_answers_503(client, settings):
    now = timezone.now()
    swept(now - 26 * HOUR - datetime.timedelta(minutes=1))
    status, body = health(client)
    assert status == 503
    assert body["sweep"]["ok"] is False and body["sweep"]["detail"].startswith("late")
    assert body["database"]["ok"] and body["broker"]["ok"]

    settings.HEALTH_SWEEP_MAX_AGE_HOURS = 48
    assert health(client)[0] == 200


def test_running_the_sweep_makes_a_late_scheduler_healthy_again(client, capsys):
    swept(timezone.now() - 30 * HOUR)
    assert health(client)[0] == 503
    call_command("send_renewal_reminders")
    status, body = health(client)
    assert status == 200 and body["sweep"]["detail"] == "on time"


def test_an_unsent_email_older_than_an_hour_answers_503(client, monkeypatch):
    swept(timezone.now())
    oldest = timezone.now() - 61 * datetime.timedelta(minutes=1)
    monkeypatch.setattr("cspo_tracker.health.outbox_backlog", lambda: (3, oldest))
    status, body = health(client)
    assert status == 503
    assert body["outbox"]["ok"] is False
    assert body["outbox"]["unsent"] == 3
    assert body["outbox"]["oldest_unsent_at"] == oldest.isoformat()


def test_a_recent_backlog_is_healthy(client, monkeypatch):
    swept(timezone.now())
    recent = timezone.now() - 5 * datetime.timedelta(minutes=1)
    monkeypatch.setattr("cspo_tracker.health.outbox_backlog", lambda: (2, recent))
    status, body = health(client)
    assert status == 200
    assert body["outbox"] == {
        "ok": True,
        "unsent": 2,
        "oldest_unsent_at": recent.isoformat(),
        "detail": "flowing",
    }


def test_an_empty_outbox_is_healthy(client, monkeypatch):
    monkeypatch.setattr("cspo_tracker.health.outbox_backlog", lambda: (0, None))
    status, body = health(client)
    assert status == 200 and body["outbox"]["unsent"] == 0
