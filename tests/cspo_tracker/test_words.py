"""One word for each action and one format everywhere: real plurals, "Enrol" beside
"Un-enrol", dates as "5 Dec" and "9 Jan 2027"."""

import datetime
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from cspo_tracker.formats import how_many
from tests.factories import (
    AttendanceFactory,
    CourseFactory,
    CourseSessionFactory,
    EnrollmentFactory,
    SeuEntryFactory,
)

pytestmark = pytest.mark.django_db


def test_counts_have_real_plurals():
    assert how_many(1, "credential") == "1 credential"
    assert how_many(0, "credential") == "0 credentials"
    assert how_many(2, "other credential") == "2 other credentials"


def test_the_course_page_says_enrol_like_un_enrol(staff_client):
    course = CourseFactory()
    page = staff_client.get(reverse("course_detail", args=[course.pk])).text
    assert "Enroll" not in page and "Enrol one attendee" in page


def test_a_day_short_of_hours_is_named_as_5_dec_not_05_dec(db):
    from certifications.selectors import attendance_grid

    course = CourseFactory(starts_on=datetime.date(2026, 12, 5))
    session = CourseSessionFactory(course=course, position=1, held_on=datetime.date(2026, 12, 5))
    enrollment = EnrollmentFactory(course=course)
    AttendanceFactory(enrollment=enrollment, session=session, hours_attended=Decimal("2"))
    [row] = attendance_grid(course).rows
    assert "(5 Dec)" in row.outcome.describe_missing()


def test_the_attendance_history_shows_day_month_year_not_iso(staff_client):
    from certifications.courses.services import record_attendance

    course = CourseFactory()
    session = CourseSessionFactory(course=course, position=1, held_on=course.starts_on)
    enrollment = EnrollmentFactory(course=course)
    record_attendance(
        course=course, hours={(enrollment.pk, session.pk): Decimal("8")}, by=course.trainer.user
    )
    page = staff_client.get(reverse("course_history", args=[course.pk])).text
    body = page.split("<tbody>")[1].split("</tbody>")[0]
    assert re.search(r"\d{4}-\d{2}-\d{2}", body) is None
    assert re.search(r"\d{1,2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}", body)


def test_an_seu_without_a_category_shown_ends_its_provider_without_a_separator(
    practitioner_client,
):
    SeuEntryFactory(practitioner=practitioner_client.practitioner, provider="Agile Alliance")
    page = practitioner_client.get(reverse("seus:list")).text
    assert "Agile Alliance · <span" not in page


def test_reloading_the_enrol_page_after_a_refused_csv_goes_back_to_the_course(staff_client):
    course = CourseFactory()
    url = reverse("course_enroll", args=[course.pk])
    refused = staff_client.post(url, {"pasted": "not,a,roster\n"})
    assert refused.status_code == 200
    reloaded = staff_client.get(url)
    assert reloaded.status_code == 302
    assert reloaded["Location"] == reverse("course_detail", args=[course.pk])
