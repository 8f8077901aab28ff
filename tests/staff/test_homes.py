"""Each role lands on its own home: trainers on their courses with what is left
to do, staff on a console of counts that need action; several roles switch."""

import datetime

import pytest
from django.urls import reverse

from certifications.models import Course
from tests.factories import (
    CourseSessionFactory,
    EnrollmentFactory,
    StaffFactory,
    TrainerFactory,
    course_with_attendees,
)

from .conftest import populate

D = datetime.date


def test_a_trainer_lands_on_their_courses_not_the_empty_practitioner_dashboard(
    trainer_client, trainer, today
):
    course, _ = course_with_attendees(2, trainer=trainer, starts_on=D(2026, 5, 30))
    home = trainer_client.get("/", follow=True)
    assert home.redirect_chain[-1][0] == reverse("trainer_home")
    assert "You hold no credential yet" not in home.text
    assert course.title in home.text and "Ready to close" in home.text


def test_the_trainer_home_says_which_attendance_is_missing(trainer_client, trainer, today):
    course, _ = course_with_attendees(1, trainer=trainer, starts_on=D(2026, 5, 30))
    late = CourseSessionFactory(course=course, position=3, held_on=D(2026, 5, 31))
    EnrollmentFactory(course=course)  # nobody recorded: 3 sessions held, 3 cells missing
    page = trainer_client.get(reverse("trainer_home")).text
    assert "Attendance missing: 4 cells" in page  # newcomer's 3 and the first one's late session
    assert late.pk  # the third session counts once held
    # A course still to come lists as upcoming: no attendance is due for it yet.
    future, _ = course_with_attendees(1, trainer=trainer, starts_on=D(2026, 7, 1))
    Course.objects.filter(pk=future.pk).update(title="Next month")
    assert "Upcoming" in trainer_client.get(reverse("trainer_home")).text


def test_staff_land_on_a_console_of_counts_that_link_to_their_lists(staff, trainer, today):
    populate(3, trainer=trainer)
    home = staff.get("/", follow=True)
    assert home.redirect_chain[-1][0] == reverse("staff_console")
    counts = {c.label: c.count for c in home.context["counts"]}
    assert counts == {
        "Claims waiting for a decision": 0,
        "SEU audits with evidence to review": 0,
        "Renewals awaiting confirmation": 3,
        "Fee confirmed, renewal could not complete": 0,
        "Emails failed": 3,
        "Emails held: address unreachable": 0,
        "Addresses we cannot reach (bounces, complaints)": 0,
        "Reminders failed": 3,
        "Courses ready to close": 0,  # the first session only is recorded
        "Credentials entering grace this week": 3,
    }
    assert f'href="{reverse("staff_renewals")}#awaiting"' in home.text


def test_a_course_with_every_cell_recorded_counts_as_ready_to_close(staff, trainer, today):
    course_with_attendees(2, trainer=trainer, starts_on=D(2026, 5, 30))
    counts = {c.label: c.count for c in staff.get(reverse("staff_console")).context["counts"]}
    assert counts["Courses ready to close"] == 1
    listed = staff.get(reverse("course_list") + "?show=ready")
    assert [c.title for c in listed.context["courses"]] == [
        Course.objects.get(trainer=trainer).title
    ]


def test_a_practitioner_still_gets_the_dashboard(practitioner_client):
    response = practitioner_client.get("/")
    assert response.status_code == 200
    assert "role-switcher" not in response.text and "nav-search" not in response.text


def test_someone_with_several_roles_switches_and_the_choice_is_remembered(client, db, today):
    staff_trainer = StaffFactory()
    TrainerFactory(user=staff_trainer, totp=False)
    client.force_login(staff_trainer)
    assert client.get("/").url == reverse("staff_console")
    page = client.get(reverse("staff_console")).text
    assert "Trainer home" in page and "My credentials" in page
    client.post(reverse("switch_role"), {"role": "trainer"})
    assert client.get("/").url == reverse("trainer_home")
    client.post(reverse("switch_role"), {"role": "practitioner"})
    assert client.get("/").status_code == 200  # their own dashboard


def test_a_role_one_does_not_have_cannot_be_chosen(trainer_client, today):
    trainer_client.post(reverse("switch_role"), {"role": "staff"})
    assert trainer_client.get("/").url == reverse("trainer_home")


@pytest.mark.parametrize("rows", [1, 200])
def test_the_console_and_trainer_home_run_constant_queries(
    staff, trainer, trainer_client, today, django_assert_max_num_queries, rows
):
    populate(rows, trainer=trainer)
    # session, user, two-factor check, 10 counts
    with django_assert_max_num_queries(14):
        assert staff.get(reverse("staff_console")).status_code == 200
    with django_assert_max_num_queries(7):
        response = trainer_client.get(reverse("trainer_home"))
    assert len(response.context["courses"]) == rows
