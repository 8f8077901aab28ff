"""The attendance rule for issuing at its edges (docs/domain.md, "Earning a CSPO": at least
16 hours of instruction; the program may also require every session in full). Closing a
course issues a credential to each attendee who meets the rule, through
certifications.courses.services.close_course."""

import datetime
from decimal import Decimal

import pytest
import time_machine

from certifications.courses.services import close_course
from certifications.models import Credential
from tests.factories import ProgramFactory, course_with_attendees

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _after_the_course():
    with time_machine.travel(datetime.datetime(2026, 3, 10, 9, tzinfo=datetime.UTC), tick=False):
        yield


def close(hours, *, program=None):
    """Close a course of 8-hour sessions with one attendee who attended `hours` of each;
    returns whether they got a credential."""
    fields = {"program": program} if program else {}
    course, (enrollment,) = course_with_attendees(1, hours=hours, **fields)
    result = close_course(course=course)
    issued = Credential.objects.filter(course=course, holder=enrollment.practitioner).exists()
    assert len(result.issued) == int(issued) and len(result.missed) == int(not issued)
    return issued


@pytest.mark.parametrize(
    ("hours", "issued"),
    [
        pytest.param(("8", "7.75"), False, id="16 hours less a quarter: no credential"),
        pytest.param(("8", "8"), True, id="exactly 16 hours over both days: issued"),
    ],
)
def test_a_cspo_needs_16_hours_in_full_sessions(hours, issued):
    assert close(hours) is issued


@pytest.fixture
def total_only():
    """A program counting 16 hours in total, any session partial (three 8-hour days)."""
    return ProgramFactory(
        code="TOT", course_hours_required=Decimal("16"), course_requires_all_sessions=False
    )


@pytest.mark.parametrize(
    ("hours", "issued"),
    [
        pytest.param(("8", "7.75", "0"), False, id="one quarter hour below 16 hours: missed"),
        pytest.param(("8", "8", "0"), True, id="exactly 16 hours in total: issued"),
        pytest.param(("8", "8", "0.25"), True, id="one quarter hour above 16 hours: issued"),
    ],
)
def test_a_program_counting_total_hours_issues_at_exactly_the_hours_required(
    total_only, hours, issued
):
    assert close(hours, program=total_only) is issued


@pytest.fixture
def every_session():
    """A program asking for 12 hours and every session in full (two 8-hour days): the
    sessions decide, not the total."""
    return ProgramFactory(
        code="ALL", course_hours_required=Decimal("12"), course_requires_all_sessions=True
    )


@pytest.mark.parametrize(
    ("hours", "issued"),
    [
        pytest.param(("8", "7.75"), False, id="a session a quarter hour short: missed"),
        pytest.param(("8", "8"), True, id="every session in full: issued"),
        pytest.param(("7.75", "8"), False, id="the first session a quarter hour short: missed"),
    ],
)
def test_a_program_requiring_every_session_needs_each_in_full(every_session, hours, issued):
    assert close(hours, program=every_session) is issued
