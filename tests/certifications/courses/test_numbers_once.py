"""Certificate numbers in a batch: a closing draws one number per attendee, free in the
table and in the batch, and closing again issues nobody a second credential."""

import datetime
import itertools
import re

import pytest
import time_machine
from django.core import mail
from django.db import IntegrityError

from certifications.courses.services import close_course
from certifications.issuing import services as issuing
from certifications.models import Credential
from tests.factories import (
    CredentialFactory,
    PractitionerFactory,
    ProgramFactory,
    course_with_attendees,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _after_the_course():
    with time_machine.travel(datetime.datetime(2026, 3, 10, 9, tzinfo=datetime.UTC), tick=False):
        yield


def test_colliding_draws_still_give_each_attendee_a_number_of_their_own(monkeypatch):
    CredentialFactory(certificate_number="CSPO-0000000001")  # a number already held
    course, enrollments = course_with_attendees(3)
    # The draw repeats itself: the taken number, then one number twice, then fresh ones.
    draws = itertools.chain(
        ["0000000001", "00000000AA", "00000000AA"], (f"{n:010X}" for n in range(0xB0, 0xFF))
    )
    monkeypatch.setattr(issuing.secrets, "token_hex", lambda _bytes: next(draws))
    result = close_course(course=course)
    numbers = sorted(c.certificate_number for c in Credential.objects.filter(course=course))
    assert numbers == ["CSPO-00000000AA", "CSPO-00000000B0", "CSPO-00000000B1"]
    assert sorted(c.holder_id for c in result.issued) == sorted(
        e.practitioner_id for e in enrollments
    )


def test_closing_a_course_again_issues_and_mails_nobody_twice(django_capture_on_commit_callbacks):
    course, enrollments = course_with_attendees(3)
    with django_capture_on_commit_callbacks(execute=True):
        first = close_course(course=course)
    numbers = {c.holder_id: c.certificate_number for c in first.issued}
    with django_capture_on_commit_callbacks(execute=True):
        again = close_course(course=course)
    assert again.issued == []
    assert {c.holder_id: c.certificate_number for c in again.already_issued} == numbers
    assert sorted(
        Credential.objects.filter(course=course).values_list("holder_id", flat=True)
    ) == sorted(e.practitioner_id for e in enrollments)
    assert len(mail.outbox) == 3


def test_one_credential_whose_drawn_number_is_taken_gets_a_fresh_one(monkeypatch):
    held = CredentialFactory(certificate_number="CSPO-0000000001")
    draws = iter(["0000000001", "00000000AA"])
    monkeypatch.setattr(issuing.secrets, "token_hex", lambda _bytes: next(draws))
    credential = issuing.issue_credential(
        holder=PractitionerFactory(), program=held.program, issued_on=datetime.date(2026, 3, 3)
    )
    assert credential.certificate_number == "CSPO-00000000AA"
    assert Credential.objects.count() == 2


def test_a_given_number_someone_holds_is_refused_not_replaced():
    held = CredentialFactory(certificate_number="CSPO-0000000001")
    with pytest.raises(IntegrityError):
        issuing.issue_credential(
            holder=PractitionerFactory(),
            program=held.program,
            issued_on=datetime.date(2026, 3, 3),
            certificate_number="CSPO-0000000001",
        )
    assert list(Credential.objects.values_list("pk", flat=True)) == [held.pk]


@pytest.mark.parametrize(
    ("code", "number"),
    [
        ("CSPO", r"CSPO-[0-9A-F]{10}"),
        ("a_cspo-2", r"ACSPO2-[0-9A-F]{10}"),  # a slug's lower case, _ and - are left out
        ("_-_", r"CERT-[0-9A-F]{10}"),  # no letter or digit to keep
    ],
)
def test_a_drawn_number_is_the_programs_letters_and_digits_and_ten_hex_digits(code, number):
    program = ProgramFactory(code=code)
    credential = issuing.issue_credential(
        holder=PractitionerFactory(), program=program, issued_on=datetime.date(2026, 3, 3)
    )
    assert re.fullmatch(number, credential.certificate_number)
