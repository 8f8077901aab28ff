"""Each completed daily sweep leaves a SweepRun row (for /healthz and /metrics)."""

import datetime

import pytest
import time_machine
from django.core.management import call_command

from renewals.models import Reminder, SweepRun
from renewals.sweep import services as sweep
from renewals.tasks import daily_sweep
from tests.factories import credential_expiring

NOW = datetime.datetime(2026, 11, 25, 6, 0, tzinfo=datetime.UTC)


@pytest.fixture
def due_in_a_month(db):
    """One credential whose 30-days-before reminder is due today."""
    return credential_expiring(datetime.date(2026, 12, 25))


@time_machine.travel(NOW, tick=False)
def test_the_sweep_command_records_a_completed_run_with_its_counts(due_in_a_month, capsys):
    call_command("send_renewal_reminders")

    run = SweepRun.objects.get()
    assert run.trigger == SweepRun.Trigger.COMMAND
    assert run.started_at == run.finished_at == NOW
    assert run.credentials_scanned == 1
    assert run.reminders_claimed == 1 and run.reminders_sent == 1
    assert Reminder.objects.filter(status=Reminder.Status.SENT).count() == 1


@time_machine.travel(NOW, tick=False)
def test_the_daily_task_records_a_run_too(due_in_a_month):
    daily_sweep.delay()

    run = SweepRun.objects.get()
    assert run.trigger == SweepRun.Trigger.TASK
    assert run.reminders_claimed == 1 and run.finished_at == NOW


@time_machine.travel(NOW, tick=False)
def test_a_dry_run_records_nothing(due_in_a_month):
    call_command("send_renewal_reminders", "--dry-run")
    assert not SweepRun.objects.exists()


def test_a_sweep_that_fails_records_nothing(due_in_a_month, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("database went away mid-sweep")

    monkeypatch.setattr(sweep, "run_sweep", broken)
    with pytest.raises(RuntimeError):
        call_command("send_renewal_reminders")
    assert not SweepRun.objects.exists()


def test_the_run_records_how_long_the_sweep_took(due_in_a_month, monkeypatch):
    real_sweep = sweep.run_sweep
    with time_machine.travel(NOW, tick=False) as traveller:

        def slow_sweep(**kwargs):
            traveller.shift(datetime.timedelta(seconds=42))
            return real_sweep(**kwargs)

        monkeypatch.setattr(sweep, "run_sweep", slow_sweep)
        call_command("send_renewal_reminders")
    assert SweepRun.objects.get().duration == datetime.timedelta(seconds=42)


def test_the_fanned_out_run_keeps_a_week_of_chunks(due_in_a_month):
    from renewals.models import SweepChunk

    with time_machine.travel(NOW - datetime.timedelta(days=8), tick=False):
        daily_sweep.delay()
    with time_machine.travel(NOW, tick=False):
        daily_sweep.delay()
    assert SweepRun.objects.count() == 2
    assert {c.run_started_at for c in SweepChunk.objects.all()} == {NOW}


def test_a_chunk_run_after_midnight_writes_the_reminder_of_the_day_its_run_began(db):
    """Every chunk of a fanned-out run sees the day the run began: a chunk a worker picks
    up after the holder's midnight still counts the days left from that day."""
    from cspo_tracker.outbox.models import OutboundEmail
    from renewals.sweep.runs import plan_fan_out, run_chunk

    credential_expiring(datetime.date(2026, 12, 25))
    began = datetime.datetime(2026, 11, 25, 23, 50, tzinfo=datetime.UTC)
    with time_machine.travel(began, tick=False):
        [chunk_id] = plan_fan_out(run_key="late-chunk")
    with time_machine.travel(began + datetime.timedelta(minutes=20), tick=False):
        run_chunk(chunk_id)
    [email] = OutboundEmail.objects.all()
    assert "expires on 25 Dec 2026 (UTC), in 30 days." in email.body_text
