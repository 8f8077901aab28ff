"""Two sweeps, and two deliveries of one send, at the same time on PostgreSQL."""

import datetime
import threading

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import connection

from certifications.models import Credential
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
    sweep.run_sweep(
        today=TODAY,
        batch_size=5,
        dispatch=lambda ids, result: [
            reminders.send_reminder(reminder_id=i, today=TODAY) for i in ids
        ],
    )


def test_two_sweeps_running_at_once_send_each_reminder_once():
    credentials = [credential_expiring(EXPIRES) for _ in range(20)]
    run_together(sweep_and_send, sweep_and_send)
    assert Reminder.objects.count() == 20
    assert set(Reminder.objects.values_list("status", flat=True)) == {"sent"}
    assert len(mail.outbox) == 20
    assert sorted(m.to[0] for m in mail.outbox) == sorted(c.holder.email for c in credentials)


def test_two_workers_delivering_the_same_reminder_send_it_once():
    credential_expiring(EXPIRES)
    claimed = []
    sweep.run_sweep(today=TODAY, dispatch=lambda ids, result: claimed.extend(ids))
    [reminder_id] = claimed
    outcomes = []

    def deliver():
        outcomes.append(reminders.send_reminder(reminder_id=reminder_id, today=TODAY))

    run_together(deliver, deliver)
    assert sorted(outcomes) == ["already", "sent"]
    assert len(mail.outbox) == 1
    assert Reminder.objects.get().attempts == 1


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
