"""Each completed daily sweep leaves a SweepRun row (for /healthz and /metrics)."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.core.management import call_command

from renewals import services
from renewals.models import Reminder, Renewal, SweepRun
from renewals.sweep import runs
from renewals.sweep import services as sweep
from renewals.tasks import daily_sweep
from seus.models import SeuCategory, SeuEntry
from tests.factories import (
    PractitionerFactory,
    SeuCategoryFactory,
    StaffFactory,
    credential_expiring,
    seus_for,
)

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


@time_machine.travel(NOW, tick=False)
def test_the_recorded_run_counts_the_statuses_it_changed(due_in_a_month):
    call_command("send_renewal_reminders")

    run = SweepRun.objects.get()
    assert (run.statuses_changed, run.renewals_completed) == (1, 0)


def held_renewal():
    """(holder, credential, renewal): the day before NOW, a renewal submitted with 20 SEUs
    whose 4-SEU entry was then removed, so confirming its fee held it 4 SEUs short."""
    holder = PractitionerFactory()
    credential = credential_expiring(datetime.date(2026, 12, 25), holder=holder)
    with time_machine.travel(NOW - datetime.timedelta(days=1), tick=False):
        seus_for(holder, 20)
        renewal = services.submit_renewal(
            practitioner=holder, credentials=[credential], payment_reference="HELD-1"
        )
        SeuEntry.objects.filter(practitioner=holder, seus=4).delete()
        renewal = services.confirm_fee(renewal=renewal, by=StaffFactory())
    return holder, credential, renewal


def test_a_renewal_the_sweep_completes_is_counted_in_its_run(db):
    """A renewal held at fee confirmation (SEUs removed) completes at the next sweep once
    the missing SEUs are logged; the run says so."""
    holder, credential, renewal = held_renewal()
    with time_machine.travel(NOW - datetime.timedelta(days=1), tick=False):
        seus_for(holder, 4, earned_on=datetime.date(2026, 2, 1))
    planned_for = NOW - datetime.timedelta(hours=1)
    with time_machine.travel(NOW, tick=False):
        [chunk_id] = runs.plan_fan_out(run_key="run-1", now=planned_for)
        runs.run_chunk(chunk_id)

    renewal.refresh_from_db()
    assert (renewal.status, renewal.completed_at) == (Renewal.Status.COMPLETED, planned_for)
    assert SweepRun.objects.get().renewals_completed == 1


def test_a_sweep_asked_for_no_dry_run_writes_and_records_it(due_in_a_month):
    """What the demo's preparation runs: no --dry-run given, the sweep is real."""
    with time_machine.travel(NOW, tick=False):
        result = runs.run_recorded_sweep(trigger=SweepRun.Trigger.COMMAND)
    assert result.reminders_sent == 1
    assert SweepRun.objects.get().reminders_sent == 1


@time_machine.travel(NOW, tick=False)
def test_a_daily_task_on_an_install_with_no_credentials_still_records_its_run(db):
    daily_sweep.delay()

    run = SweepRun.objects.get()
    assert (run.trigger, run.credentials_scanned) == (SweepRun.Trigger.TASK, 0)


def test_chunks_exactly_a_week_old_are_kept(due_in_a_month):
    from renewals.models import SweepChunk

    week_ago = NOW - datetime.timedelta(days=7)
    with time_machine.travel(week_ago, tick=False):
        daily_sweep.delay()
    with time_machine.travel(NOW, tick=False):
        daily_sweep.delay()
    assert {c.run_started_at for c in SweepChunk.objects.all()} == {week_ago, NOW}


@time_machine.travel(NOW, tick=False)
def test_a_redelivered_chunk_sends_nothing_twice_and_the_run_is_recorded_once(due_in_a_month):
    chunk_ids = runs.plan_fan_out(run_key="run-1")
    assert runs.plan_fan_out(run_key="run-1") == chunk_ids  # a redelivered beat task
    [chunk_id] = chunk_ids

    first = runs.run_chunk(chunk_id)
    again = runs.run_chunk(chunk_id)

    assert (first.reminders_sent, again) == (1, None)
    run = SweepRun.objects.get()
    assert (run.credentials_scanned, run.reminders_claimed, run.reminders_sent) == (1, 1, 1)
    assert Reminder.objects.get().status == Reminder.Status.SENT


def test_a_category_cap_still_holds_in_the_chunks_of_the_daily_task(db):
    """The chunks read the caps from the run's plan: SEUs over a category's cap do not
    meet the requirements, so the held renewal's credential stays due."""
    holder, credential, renewal = held_renewal()
    with time_machine.travel(NOW - datetime.timedelta(days=1), tick=False):
        capped = SeuCategoryFactory(code="C")
        SeuCategory.objects.filter(pk=capped.pk).update(cap=Decimal("2"))
        seus_for(holder, 8, earned_on=datetime.date(2026, 2, 1), code="C")  # counts 2 of 8
    with time_machine.travel(NOW, tick=False):
        daily_sweep.delay()

    credential.refresh_from_db()
    renewal.refresh_from_db()
    assert (credential.status, renewal.status) == ("renewal_due", Renewal.Status.SUBMITTED)


def test_a_fanned_out_run_starts_at_the_instant_it_was_planned_for(due_in_a_month):
    planned_for = NOW - datetime.timedelta(hours=1)
    with time_machine.travel(NOW, tick=False):
        [chunk_id] = runs.plan_fan_out(run_key="run-1", now=planned_for)
        runs.run_chunk(chunk_id)
    run = SweepRun.objects.get()
    assert (run.started_at, run.finished_at) == (planned_for, NOW)
    reminder = Reminder.objects.get()
    assert (reminder.claimed_at, reminder.sent_at) == (planned_for, planned_for)


@time_machine.travel(NOW, tick=False)
def test_a_run_of_two_chunks_is_recorded_once_both_ran_with_both_chunks_counts(db):
    credential_expiring(datetime.date(2026, 12, 25))
    credential_expiring(datetime.date(2026, 12, 26))
    first, second = runs.plan_fan_out(run_key="run-1", chunk_size=1)

    assert runs.run_chunk(first) is None
    assert not SweepRun.objects.exists()
    runs.run_chunk(second)

    run = SweepRun.objects.get()
    assert (run.credentials_scanned, run.statuses_changed, run.reminders_sent) == (2, 2, 2)


@time_machine.travel(NOW, tick=False)
def test_a_chunk_another_worker_finished_meanwhile_keeps_that_workers_counts(
    due_in_a_month, monkeypatch
):
    """Two workers took the same chunk (a redelivered message): the counts stored are
    those of the first to finish, so the run counts the chunk once."""
    from renewals.models import SweepChunk

    [chunk_id] = runs.plan_fan_out(run_key="run-1")
    first_to_finish = sweep.SweepResult(batches=1, credentials_scanned=1, reminders_sent=1)
    real_sweep_chunk = sweep.sweep_chunk

    def raced(*args, **kwargs):
        done = real_sweep_chunk(*args, **kwargs)
        SweepChunk.objects.filter(pk=chunk_id).update(
            finished_at=NOW, counts=first_to_finish.counts()
        )
        return done

    monkeypatch.setattr(sweep, "sweep_chunk", raced)
    runs.run_chunk(chunk_id)

    assert SweepChunk.objects.get().counts == first_to_finish.counts()
    assert SweepRun.objects.get().statuses_changed == 0
