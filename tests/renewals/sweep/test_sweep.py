import datetime
from io import StringIO

import pytest
import time_machine
from django.core import mail
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from certifications.models import Credential
from cspo_tracker.outbox import services as outbox
from renewals import services, tasks
from renewals.models import Reminder, ReminderOffset, Renewal
from renewals.reminders import services as reminders
from renewals.sweep import services as sweeping
from seus.models import SeuEntry
from tests.factories import PractitionerFactory, StaffFactory, credential_expiring, seus_for

D = datetime.date
EXPIRES = D(2026, 6, 30)


def at(day, hour=12):
    return time_machine.travel(
        datetime.datetime(day.year, day.month, day.day, hour, tzinfo=datetime.UTC), tick=False
    )


@pytest.fixture
def sweep(django_capture_on_commit_callbacks):
    """The daily beat task, run in-process on `day` (time-travelled)."""

    def run(day):
        with at(day), django_capture_on_commit_callbacks(execute=True):
            return tasks.daily_sweep.delay().get()

    return run


def command(*args):
    out = StringIO()
    call_command("send_renewal_reminders", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


@pytest.mark.parametrize(
    ("code", "days_before"),
    [
        ("90-days-before", 90),
        ("60-days-before", 60),
        ("30-days-before", 30),
        ("7-days-before", 7),
        ("expiry-day", 0),
        ("30-days-after", -30),
    ],
)
def test_each_reminder_goes_out_on_its_day_and_not_the_day_before(db, sweep, code, days_before):
    credential = credential_expiring(EXPIRES)
    due_on = EXPIRES - datetime.timedelta(days=days_before)

    sweep(due_on - datetime.timedelta(days=1))
    assert not Reminder.objects.filter(offset__code=code).exists()
    mail.outbox.clear()

    sweep(due_on)
    reminder = Reminder.objects.get(offset__code=code)
    assert (reminder.status, reminder.due_on, reminder.attempts) == ("sent", due_on, 1)
    [email] = mail.outbox
    assert email.to == [credential.holder.email]
    assert "20 SEUs and the US$100 fee" in email.body
    assert "30 Jun 2026" in email.body and credential.certificate_number in email.body
    assert "http://localhost:8000/" in email.body  # the dashboard link
    html = email.alternatives[0][0]
    assert "20 SEUs and the US$100 fee" in html
    credential.refresh_from_db()
    expected = Credential.Status.GRACE if days_before < 0 else Credential.Status.RENEWAL_DUE
    assert credential.status == expected


def test_a_sweep_run_twice_sends_each_reminder_once(db, sweep):
    credential_expiring(EXPIRES)
    first = sweep(EXPIRES - datetime.timedelta(days=60))
    second = sweep(EXPIRES - datetime.timedelta(days=60))
    assert len(mail.outbox) == 1
    assert (first["reminders_enqueued"], second["reminders_enqueued"]) == (1, 0)
    assert second["already_sent"] == 1


def test_a_sweep_that_missed_days_catches_up_with_only_the_most_recent_reminder(db, sweep):
    credential = credential_expiring(EXPIRES)
    sweep(EXPIRES - datetime.timedelta(days=5))  # 90, 60, 30 and 7 days before all passed
    [reminder] = Reminder.objects.all()
    assert reminder.offset.code == "7-days-before"
    assert len(mail.outbox) == 1 and "in 5 days" in mail.outbox[0].body
    sweep(EXPIRES - datetime.timedelta(days=4))
    assert len(mail.outbox) == 1
    assert credential.cycles.get().reminders.count() == 1


def test_no_reminder_nags_a_holder_whose_renewal_is_submitted(db, sweep):
    credential = credential_expiring(EXPIRES)
    seus_for(credential.holder, 20)
    with at(D(2026, 3, 1)):
        services.submit_renewal(
            practitioner=credential.holder, credentials=[credential], payment_reference="P"
        )
    sweep(EXPIRES - datetime.timedelta(days=30))
    assert mail.outbox == [] and not Reminder.objects.exists()


def test_no_reminder_after_a_completed_renewal(db, sweep, django_capture_on_commit_callbacks):
    credential = credential_expiring(EXPIRES)
    seus_for(credential.holder, 20)
    with at(D(2026, 3, 1)), django_capture_on_commit_callbacks(execute=True):
        renewal = services.submit_renewal(
            practitioner=credential.holder, credentials=[credential], payment_reference="P"
        )
        services.confirm_fee(renewal=renewal, by=StaffFactory())
    mail.outbox.clear()
    sweep(EXPIRES)
    assert mail.outbox == [] and not Reminder.objects.exists()
    credential.refresh_from_db()
    assert credential.status == Credential.Status.ACTIVE


def test_a_reminder_claimed_before_the_holder_submitted_is_skipped_not_sent(db):
    credential = credential_expiring(EXPIRES)
    seus_for(credential.holder, 20)
    with at(EXPIRES - datetime.timedelta(days=7)):
        sent = []
        sweeping.run_sweep(dispatch=lambda ids, result: sent.extend(ids))  # claimed, not sent
        services.submit_renewal(
            practitioner=credential.holder, credentials=[credential], payment_reference="P"
        )
        outcome = reminders.send_reminder(reminder_id=sent[0])
    assert outcome == reminders.Outcome.SKIPPED
    assert Reminder.objects.get().status == Reminder.Status.SKIPPED
    assert mail.outbox == []


def test_a_practitioner_who_unsubscribed_still_gets_the_expiry_day_notice(db, client, sweep):
    credential = credential_expiring(EXPIRES)
    sweep(EXPIRES - datetime.timedelta(days=60))
    [email] = mail.outbox
    link = next(w for w in email.body.split() if "/renewals/unsubscribe/" in w)
    path = link.replace("http://localhost:8000", "")
    assert client.get(path).status_code == 200
    credential.holder.refresh_from_db()
    assert credential.holder.optional_reminders  # a GET (mail scanner) changes nothing
    assert "gets no more optional reminders" in client.post(path).text
    credential.holder.refresh_from_db()
    assert credential.holder.optional_reminders is False

    mail.outbox.clear()
    sweep(EXPIRES - datetime.timedelta(days=30))
    assert mail.outbox == []
    sweep(EXPIRES)
    [notice] = mail.outbox
    assert "expires today" in notice.subject
    assert "/renewals/unsubscribe/" not in notice.body


def test_a_tampered_unsubscribe_link_answers_404(db, client):
    holder = PractitionerFactory()
    token = reminders.unsubscribe_token(holder)
    assert client.get(reverse("renewals:unsubscribe", args=[token + "x"])).status_code == 404


def test_the_reminder_gives_the_deadline_in_the_holders_time_zone(db, sweep):
    holder = PractitionerFactory(time_zone="America/New_York")
    credential_expiring(EXPIRES, holder=holder)
    seus_for(holder, 14)
    # 02:00 UTC on the 7-days-before day is still the evening before in New York.
    sweep_day = EXPIRES - datetime.timedelta(days=7)
    with time_machine.travel(datetime.datetime(2026, 6, 23, 2, tzinfo=datetime.UTC), tick=False):
        sweeping.run_sweep(
            dispatch=lambda ids, r: [reminders.send_reminder(reminder_id=i) for i in ids]
        )
    assert Reminder.objects.get().offset.code == "30-days-before"  # New York: 8 days before
    assert sweep_day == D(2026, 6, 23)
    assert outbox.deliver_due() == (1, 0)
    [email] = mail.outbox
    assert "(America/New_York)" in email.body and "6 SEUs and the US$100 fee" in email.body


def test_the_sweep_refreshes_stored_statuses_and_leaves_lapsed_credentials_alone(db):
    fresh = credential_expiring(D(2027, 6, 30))
    due = credential_expiring(D(2026, 7, 30))
    grace = credential_expiring(D(2026, 5, 30))
    lapsed = credential_expiring(D(2026, 1, 30))
    out = command("--today", "2026-06-01")
    assert "credentials scanned: 4" in out and "statuses changed: 3" in out
    statuses = dict(Credential.objects.values_list("pk", "status"))
    assert statuses == {
        fresh.pk: "active",
        due.pk: "renewal_due",
        grace.pk: "grace",
        lapsed.pk: "lapsed",
    }
    assert Credential.objects.get(pk=due.pk).status_changed_on == D(2026, 6, 1)
    assert not Reminder.objects.filter(cycle__credential=lapsed).exists()
    assert "statuses changed: 0" in command("--today", "2026-06-01")


def test_the_command_prints_counts_and_a_second_run_finds_them_already_sent(db):
    credential_expiring(D(2026, 7, 30))
    credential_expiring(D(2026, 7, 31))
    first = command("--today", "2026-06-01")
    assert (
        "reminders sent: 2" in first
        and "already sent: 0" in first
        and "tried again later: 0" in first
    )
    second = command("--today", "2026-06-01")
    assert "reminders sent: 0" in second and "already sent: 2" in second
    assert len(mail.outbox) == 2


def test_the_dry_run_writes_and_sends_nothing(db):
    credential = credential_expiring(D(2026, 7, 30))
    out = command("--today", "2026-06-01", "--dry-run")
    assert "Dry run" in out and "reminders that would be sent: 1" in out
    assert "statuses changed: 1" in out
    assert not Reminder.objects.exists() and mail.outbox == []
    credential.refresh_from_db()
    assert credential.status == Credential.Status.ACTIVE


def test_the_command_refuses_a_malformed_date(db):
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        command("--today", "01/06/2026")


def test_the_sweep_runs_a_constant_number_of_queries_per_batch(db):
    def queries_for_one_batch(n):
        for i in range(n):
            credential_expiring(D(2026, 7, 1) + datetime.timedelta(days=i % 20))
        with CaptureQueriesContext(connection) as captured:
            sweeping.run_sweep(today=D(2026, 6, 1), dispatch=lambda ids, r: None, batch_size=1000)
        return len(captured)

    small = queries_for_one_batch(3)
    Reminder.objects.all().delete()
    Credential.objects.update(status="active")
    large = queries_for_one_batch(30)  # 33 credentials now, still one batch
    assert large == small
    assert small <= 16


def test_offsets_are_data_an_inactive_offset_is_never_sent(db, sweep):
    ReminderOffset.objects.filter(code="60-days-before").update(is_active=False)
    credential_expiring(EXPIRES)
    sweep(EXPIRES - datetime.timedelta(days=60))
    assert Reminder.objects.get().offset.code == "90-days-before"


def test_a_reminder_cut_off_mid_way_stays_pending_and_is_written_once_by_the_retry(db, monkeypatch):
    """A worker killed while writing the reminder: its transaction never commits, the
    message is delivered again (late acknowledgement) and the redelivery writes the
    reminder's one email."""
    credential_expiring(EXPIRES)
    claimed = []
    sweeping.run_sweep(today=EXPIRES, dispatch=lambda ids, result: claimed.extend(ids))

    def killed(*args, **kwargs):
        raise SystemExit("worker killed")

    monkeypatch.setattr(reminders.outbox, "enqueue", killed)
    with pytest.raises(SystemExit):
        reminders.send_reminder(reminder_id=claimed[0], today=EXPIRES)
    reminder = Reminder.objects.get()
    assert (reminder.status, reminder.attempts) == ("pending", 0)

    monkeypatch.undo()
    assert reminders.send_reminder(reminder_id=claimed[0], today=EXPIRES) == "sent"
    assert reminders.send_reminder(reminder_id=claimed[0], today=EXPIRES) == "already"
    assert outbox.deliver_due() == (1, 0)
    assert len(mail.outbox) == 1


def test_a_grace_reminder_says_only_seus_earned_by_expiry_count(db, sweep):
    holder = PractitionerFactory()
    credential_expiring(EXPIRES, holder=holder)
    seus_for(holder, 14, earned_on=D(2026, 6, 1))
    seus_for(holder, 8, earned_on=D(2026, 7, 10))  # earned in grace: never counts
    sweep(EXPIRES + datetime.timedelta(days=30))
    [email] = mail.outbox
    assert "6 SEUs and the US$100 fee" in email.body
    assert "Only SEUs earned by 30 Jun 2026 count" in email.body
    assert "grace period ends on 28 Sep 2026" in email.body
    html = email.alternatives[0][0]
    assert "Only SEUs earned by <strong>30 Jun 2026</strong> count" in html


@pytest.mark.parametrize(("credentials", "chunks"), [(4, 2), (5, 3)])
def test_a_sweep_in_chunks_of_two_counts_each_credential_once(db, credentials, chunks):
    for i in range(credentials):
        credential_expiring(D(2026, 7, 1) + datetime.timedelta(days=i))
    result = sweeping.run_sweep(today=D(2026, 6, 1), dispatch=lambda ids, r: None, batch_size=2)
    assert result.batches == chunks
    scanned = (result.credentials_scanned, result.statuses_changed, result.reminders_claimed)
    assert scanned == (credentials,) * 3
    assert Reminder.objects.count() == credentials


def test_a_sweep_of_an_install_with_no_credentials_counts_nothing(db):
    result = sweeping.run_sweep(today=D(2026, 6, 1))
    assert result.counts() == sweeping.SweepResult().counts()


def test_a_sweep_across_two_local_dates_counts_what_it_found_on_both(db):
    """At noon UTC Berlin and Auckland are on different dates: each date's claims,
    reminders already sent and unsubscribed holders are all counted."""
    now = datetime.datetime(2026, 6, 1, 12, tzinfo=datetime.UTC)
    for zone in ("Europe/Berlin", "Pacific/Auckland"):
        credential_expiring(D(2026, 7, 15), holder=PractitionerFactory(time_zone=zone))
        unsubscribed = PractitionerFactory(time_zone=zone, optional_reminders=False)
        credential_expiring(D(2026, 7, 15), holder=unsubscribed)
    sweeping.run_sweep(now=now, dispatch=lambda ids, r: None)
    Reminder.objects.update(status=Reminder.Status.SENT)
    for zone in ("Europe/Berlin", "Pacific/Auckland"):
        credential_expiring(D(2026, 7, 16), holder=PractitionerFactory(time_zone=zone))

    result = sweeping.run_sweep(now=now, dispatch=lambda ids, r: None)

    assert (result.reminders_claimed, result.already_sent, result.skipped) == (2, 2, 2)


def test_a_dry_run_claims_nothing_and_counts_what_would_be_sent(db):
    credential_expiring(D(2026, 7, 30))
    result = sweeping.run_sweep(today=D(2026, 6, 1), dry_run=True)
    assert (result.reminders_claimed, result.reminders_due) == (0, 1)


def test_a_sweep_sends_as_of_the_instant_it_was_given(db):
    credential_expiring(D(2026, 7, 30))
    given = datetime.datetime(2026, 6, 1, 12, tzinfo=datetime.UTC)
    with at(D(2026, 6, 2)):
        sweeping.run_sweep(now=given)
    reminder = Reminder.objects.get()
    assert (reminder.claimed_at, reminder.sent_at) == (given, given)


def test_the_commands_today_also_sets_the_days_left_in_the_email(db):
    credential_expiring(D(2026, 7, 1))
    with at(D(2026, 6, 1)):
        command("--today", "2026-06-21")
    [email] = mail.outbox
    assert "in 10 days" in email.body


def test_reminders_sent_or_stale_by_the_time_they_are_sent_are_counted_as_such(db):
    sent = [credential_expiring(D(2026, 7, 30)), credential_expiring(D(2026, 7, 29))]
    renewing = credential_expiring(D(2026, 7, 31))
    seus_for(renewing.holder, 20)
    claimed = []
    with at(D(2026, 6, 1)):
        sweeping.run_sweep(dispatch=lambda ids, r: claimed.extend(ids))
        for reminder in Reminder.objects.filter(cycle__credential__in=sent):
            reminders.send_reminder(reminder_id=reminder.pk)  # a retried task sent it first
        services.submit_renewal(
            practitioner=renewing.holder, credentials=[renewing], payment_reference="P"
        )
        result = sweeping.SweepResult()
        sweeping.send_claimed(claimed, result)
    assert (result.reminders_sent, result.already_sent, result.skipped) == (0, 2, 1)


def test_a_sweep_completes_every_held_renewal_whose_seus_are_now_logged_and_counts_them(db):
    renewals = []
    with at(D(2026, 6, 1)):
        for _ in range(2):
            credential = credential_expiring(D(2026, 7, 30))
            holder = credential.holder
            seus_for(holder, 20)
            renewal = services.submit_renewal(
                practitioner=holder, credentials=[credential], payment_reference="HELD"
            )
            SeuEntry.objects.filter(practitioner=holder, seus=4).delete()
            renewals.append(services.confirm_fee(renewal=renewal, by=StaffFactory()))
            seus_for(holder, 4, earned_on=D(2026, 2, 1))
        result = sweeping.run_sweep(dispatch=lambda ids, r: None)
    assert result.renewals_completed == 2
    assert {r.status for r in Renewal.objects.all()} == {Renewal.Status.COMPLETED}
