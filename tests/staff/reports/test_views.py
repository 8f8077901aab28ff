"""Staff reports: completion per course and credentials issued per month, with CSV."""

import datetime

import pytest
from django.urls import reverse

from certifications.courses.services import close_course
from tests.factories import CourseFactory, CredentialFactory, ProgramFactory, course_with_attendees

# Courses run in March 2026; the reports are read on the frozen `today` (2026-06-01).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("today")]


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    """Many factory users per test here: a fast hasher keeps the 40-seat courses quick."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def closed_course():
    course, enrollments = course_with_attendees(4, title="CSPO March")
    enrollments[3].attendance.filter(session__position=2).update(hours_attended=0)
    close_course(course=course)
    return course


def _csv_lines(response):
    return b"".join(response.streaming_content).decode().splitlines()


def test_staff_see_each_courses_completion_rate(staff_client, closed_course):
    page = staff_client.get(reverse("staff_reports")).content.decode()
    assert "CSPO March" in page
    assert "75%" in page


def test_the_course_report_downloads_as_csv(staff_client, closed_course):
    response = staff_client.get(reverse("staff_report_courses_csv"))
    assert response["Content-Type"].startswith("text/csv")
    lines = _csv_lines(response)
    assert lines[0].startswith("course,program,trainer")
    assert lines[0].endswith(",enrolled,completed,issued,completion_rate_percent")
    assert lines[1].startswith("CSPO March,CSPO,")
    assert lines[1].endswith(",4,3,3,75.0")


def test_an_attendee_who_already_held_the_program_and_met_the_rule_counts_as_completed(
    staff_client,
):
    """Their held credential is renewed instead of a new one issued,
    and the report still counts them (3 of 4 met the rule: 75 %, not 50 %)."""
    course, enrollments = course_with_attendees(4, title="CSPO April")
    CredentialFactory(holder=enrollments[0].practitioner, issued_on=datetime.date(2025, 6, 1))
    enrollments[3].attendance.filter(session__position=2).update(hours_attended=0)
    result = close_course(course=course)
    assert len(result.issued) == 2 and len(result.already_held) == 1
    page = staff_client.get(reverse("staff_reports")).content.decode()
    assert "75%" in page and "50%" not in page
    lines = _csv_lines(staff_client.get(reverse("staff_report_courses_csv")))
    assert lines[1].startswith("CSPO April,") and lines[1].endswith(",4,3,2,75.0")


def test_a_course_not_yet_closed_shows_no_completion_rate(staff_client):
    course_with_attendees(2, title="CSPO open")
    lines = _csv_lines(staff_client.get(reverse("staff_report_courses_csv")))
    assert lines[1].startswith("CSPO open,") and lines[1].endswith(",2,0,0,")


def test_the_course_list_is_paginated(staff_client):
    for n in range(27):
        CourseFactory(title=f"Course {n:02d}", starts_on=datetime.date(2026, 1, 1))
    first = staff_client.get(reverse("staff_reports")).content.decode()
    assert "Course 00" in first and "Course 25" not in first
    assert "Page 1 of 2" in first
    second = staff_client.get(reverse("staff_reports"), {"page": 2}).content.decode()
    assert "Course 25" in second and "Course 26" in second and "Course 00" not in second


def test_past_the_count_cap_the_course_list_says_how_many_at_least(staff_client, settings):
    """Courses are counted up to PAGER_COUNT_CAP (no COUNT(*) of every course): past it
    the page says "25+ courses" and still links to the next page."""
    settings.PAGER_COUNT_CAP = 25
    for n in range(27):
        CourseFactory(title=f"Course {n:02d}", starts_on=datetime.date(2026, 1, 1))
    first = staff_client.get(reverse("staff_reports")).content.decode()
    assert "Page 1 · 25+ courses" in first and "page=2" in first
    second = staff_client.get(reverse("staff_reports"), {"page": 2}).content.decode()
    assert "Course 26" in second


def test_credentials_issued_per_month_count_each_program(staff_client, closed_course):
    CredentialFactory(program=ProgramFactory(code="CSM"), issued_on=datetime.date(2026, 3, 20))
    CredentialFactory(issued_on=datetime.date(2025, 12, 1))
    response = staff_client.get(reverse("staff_report_credentials_csv"))
    assert _csv_lines(response) == [
        "month,program,credentials_issued",
        "2026-03,CSM,1",
        "2026-03,CSPO,3",
        "2025-12,CSPO,1",
    ]


def test_the_course_report_csv_defuses_a_formula_in_a_course_title(staff_client):
    course_with_attendees(1, title='=HYPERLINK("http://evil.example")')
    response = staff_client.get(reverse("staff_report_courses_csv"))
    lines = _csv_lines(response)
    assert lines[1].startswith('"\'=HYPERLINK(""http://evil.example"")",CSPO,')


def test_the_credentials_per_month_csv_defuses_a_program_code_that_looks_like_a_formula(
    staff_client,
):
    CredentialFactory(program=ProgramFactory(code="-1"), issued_on=datetime.date(2026, 3, 20))
    response = staff_client.get(reverse("staff_report_credentials_csv"))
    assert "2026-03,'-1,1" in _csv_lines(response)


@pytest.mark.parametrize("size", [1, 30])
def test_the_reports_page_stays_within_a_query_budget(
    staff_client, django_assert_max_num_queries, size
):
    for _ in range(size):
        course, _enrollments = course_with_attendees(2)
        close_course(course=course)
    with django_assert_max_num_queries(10):  # 9, and the fees received online
        assert staff_client.get(reverse("staff_reports")).status_code == 200


@pytest.mark.parametrize(
    "name",
    [
        "staff_reports",
        "staff_report_courses_csv",
        "staff_report_credentials_csv",
        "staff_report_issued_renewed_csv",
        "staff_report_renewal_rate_csv",
        "staff_report_seus_csv",
    ],
)
def test_practitioners_cannot_see_reports(practitioner_client, name):
    assert practitioner_client.get(reverse(name)).status_code == 403
