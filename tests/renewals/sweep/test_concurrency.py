"""Two sweeps, and two deliveries of one send, at the same time on PostgreSQL."""

import contextlib
import datetime
import threading

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import connection

from certifications.models import Credential
from cspo_tracker.outbox import services as outbox
from cspo_tracker.outbox.models import OutboundEmail
from renewals import services
from renewals.models import Reminder, Renewal
from renewals.reminders import services as reminders
from renewals.sweep import services as sweep
from seus.models import SeuEntry
from tests.factories import PractitionerFactory, StaffFactory, credential_expiring, seus_for

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

EXPIRES = datetime.date(2026, 6, 30)
TODAY = EXPIRES - datetime.timedelta(days=30)


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("row locks and concurrent claims need PostgreSQL")


def run_together(*targets):
    barrier = threading.Barrier(len(targets))
    errors = []

    def wrap(target):
        try:
            barrier.wait(timeout=10)
            target()
        except Exception as exc:  # re-raised in the test thread below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=wrap, args=(t,)) for t in targets]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors


def sweep_and_send():
    """The sweep as production runs it: chunks claimed, then sent in bulk
    (`send_reminders`) through its default dispatch."""
    sweep.run_sweep(today=TODAY, batch_size=5)


def deliver_outbox():
    outbox.deliver_due()


def test_two_sweeps_running_at_once_send_each_reminder_once():
    credentials = [credential_expiring(EXPIRES) for _ in range(20)]
    run_together(sweep_and_send, sweep_and_send)
    assert Reminder.objects.count() == 20
    assert set(Reminder.objects.values_list("status", "attempts")) == {("sent", 1)}
    assert OutboundEmail.objects.count() == 20
    run_together(deliver_outbox, deliver_outbox)
    assert len(mail.outbox) == 20
    assert sorted(m.to[0] for m in mail.outbox) == sorted(c.holder.email for c in credentials)


def test_two_chunk_workers_sending_the_same_reminders_send_each_once():
    """Two deliveries of one sweep chunk (a redelivered task) through the bulk
    `send_reminders` the chunk task runs: the row lock makes the second wait and then
    find them sent."""
    for _ in range(10):
        credential_expiring(EXPIRES)
    claimed = []
    sweep.run_sweep(today=TODAY, dispatch=lambda ids, result: claimed.extend(ids))
    assert len(claimed) == 10
    outcomes = []

    def deliver():
        outcomes.append(reminders.send_reminders(claimed, today=TODAY))

    run_together(deliver, deliver)
    per_reminder = {pk: sorted(o[pk] for o in outcomes) for pk in claimed}
    assert set(map(tuple, per_reminder.values())) == {("already", "sent")}
    assert set(Reminder.objects.values_list("status", "attempts")) == {("sent", 1)}
    assert OutboundEmail.objects.filter(template="renewal_reminder").count() == 10
    outbox.deliver_due()
    assert len(mail.outbox) == 10


def test_two_outbox_workers_delivering_the_same_email_send_it_once(monkeypatch):
    """Two `deliver` calls for one row at once (the broker handed the batch twice): the
    claim's row lock (SKIP LOCKED) and then its lease let one of them send it; the other
    finds it taken."""
    credential_expiring(EXPIRES)
    claimed = []
    sweep.run_sweep(today=TODAY, dispatch=lambda ids, result: claimed.extend(ids))
    monkeypatch.setattr(outbox, "publish", lambda ids: False)  # the email waits in the outbox
    reminders.send_reminders(claimed, today=TODAY)
    monkeypatch.undo()
    email = OutboundEmail.objects.get()
    both_claiming = threading.Barrier(2)
    reachable = outbox.suppressions_for

    def claim_in_step(addresses):
        # Inside the claim's transaction: wait (briefly) for the other worker to get
        # this far too. With the row lock it never does: it skipped the locked row.
        with contextlib.suppress(threading.BrokenBarrierError):
            both_claiming.wait(timeout=1)
        return reachable(addresses)

    monkeypatch.setattr(outbox, "suppressions_for", claim_in_step)
    outcomes = []
    run_together(
        lambda: outcomes.append(outbox.deliver(email.pk)),
        lambda: outcomes.append(outbox.deliver(email.pk)),
    )
    assert sorted(outcomes) == [False, True]
    assert len(mail.outbox) == 1
    email.refresh_from_db()
    assert (email.status, email.attempts) == ("sent", 1)


def test_a_renewal_submitted_while_another_completes_never_counts_its_consumed_seus():
    """One renewal in progress at a time (a constraint) and completion under the
    practitioner's lock: a second submission racing the confirmation of the first is
    refused, and the SEUs are consumed once."""
    holder = PractitionerFactory()
    cspo = credential_expiring(EXPIRES, holder=holder)
    csm = credential_expiring(EXPIRES, holder=holder, program="CSM")
    seus_for(holder, 20)  # enough for one renewal, not two
    staff = StaffFactory()
    refused = []

    def submit_second():
        try:
            services.submit_renewal(practitioner=holder, credentials=[csm], payment_reference="B")
        except ValidationError as exc:
            refused.append(exc)

    with time_machine.travel(datetime.datetime(2026, 6, 1, 12, tzinfo=datetime.UTC)):
        first = services.submit_renewal(
            practitioner=holder, credentials=[cspo], payment_reference="A"
        )
        run_together(lambda: services.confirm_fee(renewal=first, by=staff), submit_second)
    assert len(refused) == 1
    assert list(Renewal.objects.values_list("pk", "status")) == [(first.pk, "completed")]
    assert set(SeuEntry.objects.values_list("consumed_by", flat=True)) == {first.pk}
    assert Credential.objects.filter(holder=holder, expires_on__gt=EXPIRES).get().pk == cspo.pk
