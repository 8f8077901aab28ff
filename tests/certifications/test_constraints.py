"""The database itself refuses bad rows, whatever code path writes them."""

import datetime
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from certifications.models import Credential, Enrollment
from renewals.models import Reminder, ReminderOffset
from seus.models import SeuEntry
from tests.factories import (
    CourseFactory,
    CredentialFactory,
    EnrollmentFactory,
    PractitionerFactory,
    ProgramFactory,
    SeuCategoryFactory,
)

pytestmark = pytest.mark.django_db


def refused(callable_):
    with pytest.raises(IntegrityError), transaction.atomic():
        callable_()
    return True


def test_certificate_numbers_are_unique():
    CredentialFactory(certificate_number="CSPO-SAME")
    assert refused(lambda: CredentialFactory(certificate_number="CSPO-SAME"))


def test_a_credential_cannot_expire_before_it_was_issued():
    holder, program = PractitionerFactory(), ProgramFactory()
    assert refused(
        lambda: Credential.objects.create(
            holder=holder,
            program=program,
            certificate_number="X-1",
            issued_on=datetime.date(2026, 1, 1),
            expires_on=datetime.date(2026, 1, 1),
        )
    )


def test_seu_entries_must_be_positive():
    practitioner, category = PractitionerFactory(), SeuCategoryFactory()

    def entry(seus):
        return SeuEntry.objects.create(
            practitioner=practitioner,
            earned_on=datetime.date(2026, 1, 1),
            category=category,
            activity="Reading",
            seus=Decimal(seus),
        )

    assert refused(lambda: entry("0"))
    assert refused(lambda: entry("-1"))
    assert entry("0.25").pk


def test_one_enrollment_per_person_per_course():
    enrollment = EnrollmentFactory()
    assert refused(
        lambda: Enrollment.objects.create(
            course=enrollment.course, practitioner=enrollment.practitioner
        )
    )


def test_one_reminder_of_each_kind_per_cycle():
    cycle = CredentialFactory().cycles.get()
    offset = ReminderOffset.objects.get(days_before_expiry=30)
    Reminder.objects.create(cycle=cycle, offset=offset, due_on=cycle.ends_on)
    assert refused(
        lambda: Reminder.objects.create(cycle=cycle, offset=offset, due_on=cycle.ends_on)
    )


def test_a_course_cannot_end_before_it_starts_or_have_no_seats():
    start = datetime.date(2026, 3, 2)
    assert refused(lambda: CourseFactory(starts_on=start, ends_on=start - datetime.timedelta(1)))
    assert refused(lambda: CourseFactory(capacity=0))


def test_a_course_issues_one_credential_per_holder():
    course = CourseFactory()
    holder = PractitionerFactory()
    CredentialFactory(course=course, holder=holder)
    assert refused(lambda: CredentialFactory(course=course, holder=holder))


def test_a_credential_has_one_current_renewal_cycle():
    credential = CredentialFactory()
    cycle = credential.cycles.get()
    cycle.pk, cycle.ends_on = None, cycle.ends_on + datetime.timedelta(days=1)
    assert refused(cycle.save)
