"""A fee-confirmed renewal that cannot complete says why, word for word, on the row staff
see (renewals.services.complete_if_ready): an open SEU audit, or SEUs that no longer
cover it. The reason is written once and cleared when it completes."""

import datetime

import pytest
import time_machine

from renewals import services
from renewals.audits import services as audits
from renewals.models import Renewal
from seus.models import SeuEntry
from tests.factories import PractitionerFactory, StaffFactory, credential_expiring, seus_for

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.fixture(autouse=True)
def _fixed_now():
    with time_machine.travel(datetime.datetime(2026, 5, 1, 12, tzinfo=datetime.UTC), tick=False):
        yield


def submitted(seus=20):
    holder = PractitionerFactory()
    credential = credential_expiring(D(2026, 6, 30), holder=holder)
    seus_for(holder, seus)
    renewal = services.submit_renewal(
        practitioner=holder, credentials=[credential], payment_reference="HELD-1"
    )
    return renewal, holder


def test_a_paid_renewal_under_seu_audit_waits_for_the_audit_to_close():
    renewal, _holder = submitted()
    staff = StaffFactory()
    audits.select_for_audit(renewal=renewal, by=staff)
    services.fee_paid_online(
        renewal=renewal,
        reference="pi_1",
        paid_at=datetime.datetime(2026, 5, 1, 12, tzinfo=datetime.UTC),
    )
    renewal.refresh_from_db()
    assert (renewal.status, renewal.fee_status) == ("submitted", "confirmed")
    assert renewal.held_reason == "Waiting for its SEU audit to close."


def test_a_paid_renewal_whose_seus_no_longer_cover_it_says_how_many_are_missing():
    renewal, holder = submitted()
    SeuEntry.objects.filter(practitioner=holder, seus=4).delete()  # removed in the admin
    services.confirm_fee(renewal=renewal, by=StaffFactory())
    renewal.refresh_from_db()
    assert renewal.status == Renewal.Status.SUBMITTED
    assert renewal.held_reason == (
        "Only 16 SEUs of 20 SEUs count now: 4 SEUs missing. It completes once they are "
        "logged; reject it to let the practitioner submit again."
    )
