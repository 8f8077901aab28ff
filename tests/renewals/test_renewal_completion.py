"""When a renewal completes (renewals.services.complete_if_ready, extend_credentials):
the moment recorded is the one the caller gives (staff's confirmation, the sweep's run),
and the renewed credential's stored status is the status of its new expiry on that day."""

import datetime

import pytest
import time_machine

from certifications.models import Credential
from renewals import services
from renewals.models import Renewal, RenewalCycle
from tests.factories import PractitionerFactory, StaffFactory, credential_expiring, seus_for

pytestmark = pytest.mark.django_db

D = datetime.date


def at(day):
    return time_machine.travel(
        datetime.datetime(day.year, day.month, day.day, 12, tzinfo=datetime.UTC), tick=False
    )


def test_a_renewal_completes_at_the_moment_staff_confirmed_its_fee():
    holder = PractitionerFactory()
    credential = credential_expiring(D(2026, 6, 30), holder=holder)
    seus_for(holder, 20)
    confirmed_at = datetime.datetime(2026, 5, 1, 9, 30, tzinfo=datetime.UTC)
    with at(D(2026, 5, 1)):
        renewal = services.submit_renewal(
            practitioner=holder, credentials=[credential], payment_reference="PAY-1"
        )
        services.confirm_fee(renewal=renewal, by=StaffFactory(), now=confirmed_at)
    renewal.refresh_from_db()
    assert renewal.status == Renewal.Status.COMPLETED
    assert (renewal.fee_reviewed_at, renewal.completed_at) == (confirmed_at, confirmed_at)
    old = credential.cycles.get(status=RenewalCycle.Status.COMPLETED)
    assert old.completed_at == confirmed_at


def test_a_lapsed_credential_renewed_within_its_new_lead_days_is_renewal_due_at_once():
    holder = PractitionerFactory()
    credential = credential_expiring(D(2026, 6, 30), holder=holder)
    seus_for(holder, 20, earned_on=D(2026, 3, 1))
    staff = StaffFactory()
    # Renewed from the old expiry, it now expires on 30 Jun 2028: 60 days away, inside
    # the 90 days in which a credential is due for renewal.
    with at(D(2028, 5, 1)):
        renewal = services.submit_renewal(
            practitioner=holder, credentials=[credential], payment_reference="LATE"
        )
        assert renewal.status == Renewal.Status.NEEDS_APPROVAL
        services.confirm_fee(renewal=renewal, by=staff)
        services.approve_renewal(renewal=renewal, by=staff)
    credential.refresh_from_db()
    assert credential.expires_on == D(2028, 6, 30)
    assert (credential.status, credential.status_changed_on) == (
        Credential.Status.RENEWAL_DUE,
        D(2028, 5, 1),
    )
