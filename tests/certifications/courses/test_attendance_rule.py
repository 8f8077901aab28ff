"""The program's attendance rule (docs/domain.md, "Earning a CSPO": all 16 hours)."""

import datetime
from decimal import Decimal

import pytest

from certifications.models import CourseSession, Program
from certifications.selectors import attendance_outcome


def sessions(*hours):
    return [
        CourseSession(
            pk=i + 1,
            position=i + 1,
            held_on=datetime.date(2026, 3, 2) + datetime.timedelta(days=i),
            hours=Decimal(h),
        )
        for i, h in enumerate(hours)
    ]


def cspo_rule():
    return Program(code="CSPO", course_hours_required=Decimal("16"))


def test_a_cspo_attendee_with_both_full_days_meets_the_rule():
    outcome = attendance_outcome(
        program=cspo_rule(),
        sessions=sessions(8, 8),
        hours_by_session={1: Decimal("8"), 2: Decimal("8")},
    )
    assert outcome.met
    assert outcome.total == 16
    assert outcome.describe_missing() == ""


def test_a_cspo_attendee_missing_four_hours_of_day_two_fails_and_is_told_what_they_missed():
    outcome = attendance_outcome(
        program=cspo_rule(),
        sessions=sessions(8, 8),
        hours_by_session={1: Decimal("8"), 2: Decimal("4")},
    )
    assert not outcome.met
    assert outcome.hours_missing == 4
    assert outcome.describe_missing() == "session 2 (3 Mar): 4 of 8 h; total 12 of 16 h"


def test_an_attendee_with_no_attendance_recorded_misses_every_session():
    outcome = attendance_outcome(program=cspo_rule(), sessions=sessions(8, 8), hours_by_session={})
    assert not outcome.met
    assert [s.session.position for s in outcome.shortfalls] == [1, 2]


def test_enough_hours_still_fail_when_the_program_requires_every_session_in_full():
    outcome = attendance_outcome(
        program=Program(course_hours_required=Decimal("12"), course_requires_all_sessions=True),
        sessions=sessions(8, 8),
        hours_by_session={1: Decimal("8"), 2: Decimal("6")},
    )
    assert not outcome.met


@pytest.mark.parametrize(("day_two", "met"), [("4", True), ("3.5", False)])
def test_a_program_counting_only_total_hours_ignores_partial_sessions(day_two, met):
    outcome = attendance_outcome(
        program=Program(course_hours_required=Decimal("12"), course_requires_all_sessions=False),
        sessions=sessions(8, 8),
        hours_by_session={1: Decimal("8"), 2: Decimal(day_two)},
    )
    assert outcome.met is met
    assert outcome.shortfalls == ()
