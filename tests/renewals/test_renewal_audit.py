"""Renewing credentials in bulk keeps the audit trail (staff/audit.py): each credential
whose expiry moved has its change logged with who made it, as a save would log it."""

import datetime

import pytest
import time_machine
from auditlog.context import set_actor
from auditlog.models import LogEntry

from certifications.courses.services import close_course
from renewals import services
from tests.factories import (
    ProgramFactory,
    StaffFactory,
    course_with_attendees,
    credential_expiring,
    seus_for,
)

pytestmark = pytest.mark.django_db
D = datetime.date


def at(day):
    return time_machine.travel(
        datetime.datetime(day.year, day.month, day.day, 12, tzinfo=datetime.UTC), tick=False
    )


def expiry_changes(credential):
    return [
        (entry.actor, entry.changes_dict["expires_on"])
        for entry in LogEntry.objects.get_for_object(credential).order_by("pk")
        if "expires_on" in entry.changes_dict and entry.action == LogEntry.Action.UPDATE
    ]


def test_a_completed_renewal_logs_the_new_expiry_with_the_staff_member_who_confirmed():
    credential = credential_expiring(D(2026, 6, 30))
    seus_for(credential.holder, 20)
    staff = StaffFactory()
    with at(D(2026, 5, 1)), set_actor(staff):
        renewal = services.submit_renewal(
            practitioner=credential.holder, credentials=[credential], payment_reference="P-1"
        )
        services.confirm_fee(renewal=renewal, by=staff)
    assert expiry_changes(credential) == [(staff, ["2026-06-30", "2028-06-30"])]


def test_a_closing_course_logs_each_renewed_credentials_new_expiry():
    course, enrollments = course_with_attendees(3, program=ProgramFactory(code="CSM"))
    held = [credential_expiring(D(2026, 5, 1), holder=e.practitioner) for e in enrollments]
    staff = StaffFactory()
    with at(D(2026, 3, 10)), set_actor(staff):
        close_course(course=course, by=staff)
    for credential in held:
        assert expiry_changes(credential) == [(staff, ["2026-05-01", "2028-03-03"])]
