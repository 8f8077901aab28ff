"""Course pages: who may reach them, what they save, and their query budgets."""

import datetime
import re
from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse

from certifications.models import Attendance, AttendanceChange, Course, Credential
from tests.factories import (
    CourseFactory,
    EnrollmentFactory,
    ProgramFactory,
    StaffFactory,
    TrainerFactory,
    course_with_attendees,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    """Many factory users per test here: a fast hasher keeps the 40-seat courses quick."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def trainer_client(client, cspo):
    trainer = TrainerFactory(programs=[cspo])
    client.force_login(trainer.user)
    client.trainer = trainer
    return client


COURSE_PAGES = ["course_detail", "course_edit", "course_attendance"]


@pytest.mark.parametrize("name", ["course_list", "course_create"])
def test_practitioners_cannot_reach_the_course_pages(practitioner_client, name):
    assert practitioner_client.get(reverse(name)).status_code == 403


@pytest.mark.parametrize("name", COURSE_PAGES)
def test_practitioners_cannot_open_a_course(practitioner_client, name):
    course = CourseFactory()
    assert practitioner_client.get(reverse(name, args=[course.pk])).status_code == 403


def test_practitioners_cannot_change_attendance_or_close_a_course(practitioner_client):
    course, (enrollment,) = course_with_attendees(1, hours=("4", "8"))
    session = course.sessions.get(position=1)
    url = reverse("course_attendance", args=[course.pk])
    assert (
        practitioner_client.post(url, {f"h-{enrollment.pk}-{session.pk}": "8"}).status_code == 403
    )
    assert practitioner_client.post(reverse("course_close", args=[course.pk])).status_code == 403
    assert Attendance.objects.get(session=session).hours_attended == 4
    assert not Credential.objects.exists()


@pytest.mark.parametrize("name", COURSE_PAGES + ["course_close"])
def test_a_trainer_cannot_reach_another_trainers_course(trainer_client, name):
    other = CourseFactory()
    method = trainer_client.post if name == "course_close" else trainer_client.get
    assert method(reverse(name, args=[other.pk])).status_code == 404


def test_a_trainer_lists_only_their_own_courses_and_staff_see_all(trainer_client):
    own = CourseFactory(trainer=trainer_client.trainer, title="Mine")
    CourseFactory(title="Someone else's")
    page = trainer_client.get(reverse("course_list")).content.decode()
    assert "Mine" in page and "Someone else" not in page
    trainer_client.force_login(StaffFactory())
    page = trainer_client.get(reverse("course_list")).content.decode()
    assert own.title in page and "Someone else&#x27;s" in page


def test_a_trainer_creates_a_course_with_default_sessions(trainer_client, cspo):
    response = trainer_client.post(
        reverse("course_create"),
        {
            "program": cspo.pk,
            "trainer": trainer_client.trainer.pk,
            "title": "CSPO Lisbon",
            "starts_on": "2026-05-04",
            "ends_on": "2026-05-05",
            "location": "Lisbon",
            "capacity": "25",
        },
    )
    course = Course.objects.get(title="CSPO Lisbon")
    assert response.status_code == 302
    assert course.trainer == trainer_client.trainer
    assert course.sessions.count() == cspo.default_session_count


def test_staff_picking_a_trainer_not_approved_for_the_program_see_why_beside_the_field(
    staff_client, cspo
):
    csm_trainer = TrainerFactory(programs=[ProgramFactory(code="CSM")])
    response = staff_client.post(
        reverse("course_create"),
        {
            "program": cspo.pk,
            "trainer": csm_trainer.pk,
            "title": "CSPO by a CSM trainer",
            "starts_on": "2026-05-04",
            "ends_on": "2026-05-05",
            "capacity": "25",
        },
    )
    assert response.status_code == 200
    assert "not a Certified Scrum Trainer approved for CSPO" in response.content.decode()
    assert not Course.objects.exists()


def test_a_trainer_cannot_name_another_trainer_as_leader(trainer_client, cspo):
    other = TrainerFactory(programs=[cspo])
    response = trainer_client.post(
        reverse("course_create"),
        {
            "program": cspo.pk,
            "trainer": other.pk,
            "title": "Sneaky",
            "starts_on": "2026-05-04",
            "ends_on": "2026-05-05",
            "capacity": "25",
        },
    )
    assert response.status_code == 200
    assert not Course.objects.exists()


def test_enrolling_past_capacity_shows_a_message_and_enrolls_nobody(trainer_client):
    course = CourseFactory(trainer=trainer_client.trainer, capacity=1)
    EnrollmentFactory(course=course)
    response = trainer_client.post(
        reverse("course_enroll", args=[course.pk]),
        {"pasted": "a@example.com,Ann,A\nb@example.com,Bo,B"},
    )
    assert response.status_code == 200
    assert "0 seats left of 1" in response.content.decode()
    assert course.enrollments.count() == 1


def test_a_pasted_roster_enrolls_everyone_and_invites_new_people(
    trainer_client, django_capture_on_commit_callbacks
):
    course = CourseFactory(trainer=trainer_client.trainer)
    with django_capture_on_commit_callbacks(execute=True):
        response = trainer_client.post(
            reverse("course_enroll", args=[course.pk]),
            {"pasted": "email,first_name,last_name\na@example.com,Ann,A\nb@example.com,Bo,B"},
        )
    assert response.status_code == 302
    assert course.enrollments.count() == 2
    assert sorted(m.to[0] for m in mail.outbox) == ["a@example.com", "b@example.com"]


def test_the_grid_saves_every_cell_in_one_submit_and_staff_see_the_audit_trail(
    trainer_client,
):
    course, enrollments = course_with_attendees(2, hours=("8", "0"))
    course.trainer = trainer_client.trainer
    course.save()
    day_two = course.sessions.get(position=2)
    response = trainer_client.post(
        reverse("course_attendance", args=[course.pk]),
        {f"h-{e.pk}-{day_two.pk}": "8" for e in enrollments},
    )
    assert response.status_code == 302
    assert set(
        Attendance.objects.filter(session=day_two).values_list("hours_attended", flat=True)
    ) == {Decimal("8")}
    assert AttendanceChange.objects.filter(changed_by=trainer_client.trainer.user).count() == 2
    history = reverse("course_history", args=[course.pk])
    assert trainer_client.get(history).status_code == 403
    trainer_client.force_login(StaffFactory())
    page = trainer_client.get(history).content.decode()
    assert trainer_client.trainer.user.email in page


def test_a_bad_cell_is_shown_beside_it_and_nothing_is_saved(trainer_client):
    course, (enrollment,) = course_with_attendees(1, hours=("8", "0"))
    course.trainer = trainer_client.trainer
    course.save()
    day_one, day_two = course.sessions.order_by("position")
    response = trainer_client.post(
        reverse("course_attendance", args=[course.pk]),
        {f"h-{enrollment.pk}-{day_one.pk}": "7", f"h-{enrollment.pk}-{day_two.pk}": "nine"},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Hours must be a number, or p (present) or a (absent)." in page
    assert 'value="nine"' in page
    assert Attendance.objects.get(session=day_one).hours_attended == 8
    assert not AttendanceChange.objects.exists()


def test_closing_from_the_page_issues_credentials_and_lists_those_who_missed_hours(
    trainer_client, django_capture_on_commit_callbacks
):
    course, enrollments = course_with_attendees(2, hours=("8", "8"))
    course.trainer = trainer_client.trainer
    course.save()
    Attendance.objects.filter(enrollment=enrollments[1], session__position=1).update(
        hours_attended=Decimal("6")
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = trainer_client.post(reverse("course_close", args=[course.pk]), follow=True)
    page = response.content.decode()
    assert "1 credential issued" in page
    assert "Missed" in page and "6 of 8 h" in page
    credential = Credential.objects.get(course=course)
    assert credential.certificate_number in page
    assert len(mail.outbox) == 1


@pytest.mark.parametrize("size", [1, 40])
@pytest.mark.parametrize("role", ["staff", "trainer"])
def test_course_pages_stay_within_a_query_budget_for_a_full_course(
    client, django_assert_max_num_queries, size, role
):
    course, _ = course_with_attendees(size, capacity=40)
    client.force_login(StaffFactory() if role == "staff" else course.trainer.user)
    for name in ["course_detail", "course_attendance"]:
        with django_assert_max_num_queries(10):
            assert client.get(reverse(name, args=[course.pk])).status_code == 200
    with django_assert_max_num_queries(8):
        assert client.get(reverse("course_list")).status_code == 200


def test_saving_a_full_grid_stays_within_a_query_budget(
    staff_client, django_assert_max_num_queries
):
    course, enrollments = course_with_attendees(40, hours=("8", "0"), capacity=40)
    day_two = course.sessions.get(position=2)
    with django_assert_max_num_queries(14):
        response = staff_client.post(
            reverse("course_attendance", args=[course.pk]),
            {f"h-{e.pk}-{day_two.pk}": "8" for e in enrollments},
        )
    assert response.status_code == 302
    assert AttendanceChange.objects.count() == 40


def test_the_course_dates_are_checked_on_the_form(trainer_client, cspo):
    response = trainer_client.post(
        reverse("course_create"),
        {
            "program": cspo.pk,
            "trainer": trainer_client.trainer.pk,
            "title": "Backwards",
            "starts_on": "2026-05-05",
            "ends_on": "2026-05-04",
            "capacity": "25",
        },
    )
    assert "cannot end before it starts" in response.content.decode()
    assert not Course.objects.filter(starts_on=datetime.date(2026, 5, 5)).exists()


def test_an_invited_attendee_sets_a_password_from_the_email_and_logs_in(
    trainer_client, django_capture_on_commit_callbacks
):
    course = CourseFactory(trainer=trainer_client.trainer)
    with django_capture_on_commit_callbacks(execute=True):
        trainer_client.post(
            reverse("course_enroll", args=[course.pk]),
            {"email": "newbie@example.com", "first_name": "New", "last_name": "Bie"},
        )
    trainer_client.logout()
    (invitation,) = mail.outbox
    link = re.search(r"https?://\S+/accounts/password/reset/key/\S+", invitation.body).group(0)
    path = link.split("://", 1)[1].split("/", 1)[1]
    form_page = trainer_client.get("/" + path, follow=True)
    assert form_page.status_code == 200
    new_password = "a-long-new-password-2026"
    response = trainer_client.post(
        form_page.redirect_chain[-1][0] if form_page.redirect_chain else "/" + path,
        {"password1": new_password, "password2": new_password},
    )
    assert response.status_code == 302
    response = trainer_client.post(
        reverse("account_login"), {"login": "newbie@example.com", "password": new_password}
    )
    assert response.status_code == 302
    assert response.url == reverse("dashboard")


def edit_payload(course, sessions, **changes):
    data = {
        "trainer": course.trainer.pk,
        "title": course.title,
        "starts_on": course.starts_on.isoformat(),
        "ends_on": course.ends_on.isoformat(),
        "location": course.location,
        "capacity": course.capacity,
        "sessions-TOTAL_FORMS": len(sessions),
        "sessions-INITIAL_FORMS": len([s for s in sessions if s.get("id")]),
        "sessions-MIN_NUM_FORMS": 0,
        "sessions-MAX_NUM_FORMS": 1000,
    }
    for i, session in enumerate(sessions):
        for key, value in session.items():
            data[f"sessions-{i}-{key}"] = value
    return data | changes


def test_a_trainer_adds_and_changes_sessions_on_the_edit_page(trainer_client):
    course, _ = course_with_attendees(0, trainer=trainer_client.trainer)
    day_one, day_two = course.sessions.order_by("position")
    payload = edit_payload(
        course,
        [
            {"id": day_one.pk, "held_on": "2026-03-02", "hours": "7"},
            {"id": day_two.pk, "held_on": "2026-03-03", "hours": "7"},
            {"held_on": "2026-03-03", "hours": "2"},
        ],
    )
    response = trainer_client.post(reverse("course_edit", args=[course.pk]), payload)
    assert response.status_code == 302
    assert [(s.position, s.hours) for s in course.sessions.order_by("position")] == [
        (1, Decimal("7")),
        (2, Decimal("7")),
        (3, Decimal("2")),
    ]


def test_a_session_with_attendance_cannot_be_removed_or_shortened_below_it(trainer_client):
    course, _ = course_with_attendees(1, trainer=trainer_client.trainer)
    day_one, day_two = course.sessions.order_by("position")
    payload = edit_payload(
        course,
        [
            {"id": day_one.pk, "held_on": "2026-03-02", "hours": "6"},
            {"id": day_two.pk, "held_on": "2026-03-03", "hours": "8", "DELETE": "on"},
        ],
        title="Renamed",
    )
    response = trainer_client.post(reverse("course_edit", args=[course.pk]), payload)
    page = response.content.decode()
    assert response.status_code == 200
    assert "someone attended 8 h; it cannot be shorter" in page
    assert "has attendance recorded" in page
    course.refresh_from_db()
    assert course.title != "Renamed"
    assert course.sessions.count() == 2


def test_a_session_outside_the_course_dates_is_refused(trainer_client):
    course, _ = course_with_attendees(0, trainer=trainer_client.trainer)
    payload = edit_payload(course, [{"held_on": "2026-04-01", "hours": "8"}])
    response = trainer_client.post(reverse("course_edit", args=[course.pk]), payload)
    assert "outside the course&#x27;s dates" in response.content.decode()
    assert course.sessions.count() == 2


def test_a_course_without_seats_is_refused_beside_the_field(trainer_client, cspo):
    response = trainer_client.post(
        reverse("course_create"),
        {
            "program": cspo.pk,
            "trainer": trainer_client.trainer.pk,
            "title": "No seats",
            "starts_on": "2026-05-04",
            "ends_on": "2026-05-05",
            "capacity": "0",
        },
    )
    assert response.status_code == 200
    assert "greater than or equal to 1" in response.content.decode()
    assert not Course.objects.exists()


def test_closing_records_who_closed_the_course(trainer_client):
    course, _ = course_with_attendees(1, trainer=trainer_client.trainer)
    trainer_client.post(reverse("course_close", args=[course.pk]))
    course.refresh_from_db()
    assert course.closed_by == trainer_client.trainer.user
    assert course.status == Course.Status.CLOSED


@pytest.mark.parametrize("courses", [1, 60])
def test_the_course_list_takes_the_same_queries_for_one_course_or_many(
    staff_client, django_assert_max_num_queries, courses
):
    for _ in range(courses):
        CourseFactory()
    with django_assert_max_num_queries(9):
        response = staff_client.get(reverse("course_list"))
    assert response.status_code == 200


def test_staff_read_every_course_a_page_at_a_time_latest_first(staff_client, cspo, today):
    start = datetime.date(2026, 1, 1)
    for day in range(30):
        CourseFactory(
            title=f"Course of day {day}",
            starts_on=start + datetime.timedelta(days=day),
            ends_on=start + datetime.timedelta(days=day),
        )
    first = staff_client.get(reverse("course_list")).content.decode()
    assert "Course of day 29" in first and "Course of day 5<" in first
    assert "Course of day 4<" not in first
    assert "Page 1 of 2 · 30 courses" in first and "?page=2" in first
    second = staff_client.get(reverse("course_list") + "?page=2").content.decode()
    assert "Course of day 4<" in second and "Course of day 0<" in second
    assert "Course of day 5<" not in second


def test_the_courses_ready_to_close_page_on_with_their_filter(staff_client, cspo, today):
    for i in range(27):
        course_with_attendees(
            1, hours=("8",), title=f"Ready {i}", starts_on=datetime.date(2026, 1, 1 + i)
        )
    CourseFactory(title="Not ready", starts_on=datetime.date(2026, 3, 1))
    first = staff_client.get(reverse("course_list") + "?show=ready").content.decode()
    assert "Page 1 of 2 · 27 courses" in first and "?show=ready&amp;page=2" in first
    assert "Not ready" not in first
    second = staff_client.get(reverse("course_list") + "?show=ready&page=2").content.decode()
    assert "Ready 1<" in second and "Ready 0<" in second and "Ready 2<" not in second
