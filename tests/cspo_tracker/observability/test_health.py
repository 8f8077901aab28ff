"""/healthz watches the scheduler: the last completed daily sweep and the email outbox."""

import datetime

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from cspo_tracker.outbox import services as outbox
from cspo_tracker.outbox.models import OutboundEmail
from renewals.models import SweepRun

pytestmark = pytest.mark.django_db

HOUR = datetime.timedelta(hours=1)
MINUTE = datetime.timedelta(minutes=1)


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


def waiting_email(written_at):
    """An email stored in the outbox at `written_at` whose delivery never happened (the
    test's transaction never commits, so it is never handed to the broker)."""
    with time_machine.travel(written_at, tick=False):
        return outbox.store(
            template="test", to="holder@example.com", subject="Hello", body_text="Hi"
        )


def test_an_unsent_email_older_than_an_hour_answers_503(client):
    swept(timezone.now())
    oldest = waiting_email(timezone.now() - 61 * MINUTE)
    waiting_email(timezone.now() - 2 * MINUTE)
    status, body = health(client)
    assert status == 503
    assert body["outbox"]["ok"] is False
    assert body["outbox"]["unsent"] == 2
    assert body["outbox"]["oldest_unsent_at"] == oldest.created_at.isoformat()


def test_a_recent_backlog_is_healthy(client):
    swept(timezone.now())
    recent = waiting_email(timezone.now() - 5 * MINUTE)
    status, body = health(client)
    assert status == 200
    assert body["outbox"] == {
        "ok": True,
        "unsent": 1,
        "oldest_unsent_at": recent.created_at.isoformat(),
        "detail": "flowing",
    }


def test_a_sent_email_is_not_a_backlog(client):
    swept(timezone.now())
    email = waiting_email(timezone.now() - 3 * HOUR)
    OutboundEmail.objects.filter(pk=email.pk).update(
        status=OutboundEmail.Status.SENT, sent_at=timezone.now()
    )
    status, body = health(client)
    assert status == 200 and body["outbox"]["unsent"] == 0


def test_an_email_given_up_makes_healthz_degraded_and_says_what_to_do(client):
    swept(timezone.now())
    email = waiting_email(timezone.now() - 5 * MINUTE)
    OutboundEmail.objects.filter(pk=email.pk).update(status=OutboundEmail.Status.FAILED)
    status, body = health(client)
    assert status == 200 and body["status"] == "degraded"
    assert body["emails_given_up"]["count"] == 1
    assert "send again from the staff renewals page" in body["emails_given_up"]["detail"]
