"""A revoked credential is out of the renewal business: no reminder, no renewal offered,
the holder is told by email, and a renewal's confirmation links the new signed copy."""

import datetime

import pytest
from django.core import mail

from certifications.vc.services import revoke_credential
from cspo_tracker.outbox import services as outbox
from practitioners.dashboard import dashboard_cards
from renewals import selectors
from renewals.models import Reminder
from renewals.sweep import services as sweep
from tests.factories import StaffFactory, credential_expiring

# Every date here is the frozen `today` (2026-06-01), never the real one.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("today")]

EXPIRES = datetime.date(2026, 6, 30)


def test_a_revoked_credential_gets_no_reminder_and_cannot_be_renewed():
    revoked = credential_expiring(EXPIRES)
    kept = credential_expiring(EXPIRES)
    revoke_credential(credential=revoked, by=StaffFactory(), reason="Attendance was falsified")
    sweep.run_sweep(today=EXPIRES - datetime.timedelta(days=7))
    assert list(Reminder.objects.values_list("cycle__credential", flat=True)) == [kept.pk]
    assert not selectors.renewable_credentials(revoked.holder).exists()
    [card] = dashboard_cards(revoked.holder)
    assert card.next_action.startswith("This credential was revoked")


def test_the_holder_is_told_once_by_email_with_the_reason():
    credential = credential_expiring(EXPIRES)
    staff = StaffFactory()
    revoke_credential(credential=credential, by=staff, reason="Attendance was falsified")
    revoke_credential(credential=credential, by=staff, reason="again")
    assert outbox.deliver_due() == (1, 0)
    [email] = mail.outbox
    assert email.to == [credential.holder.email]
    assert "was revoked" in email.subject and "Attendance was falsified" in email.body
