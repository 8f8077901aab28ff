"""Courses through their services: creation by approved CSTs, roster, attendance with
its audit trail, and closing that issues each credential and welcome email once."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError

from certifications.courses.services import (
    Attendee,
    close_course,
    create_course,
    enroll,
    parse_attendees,
    record_attendance,
)
from certifications.models import Attendance, AttendanceChange, Course, Credential, Enrollment, User
from certifications.services import get_or_create_practitioner
from cspo_tracker import publishing
from cspo_tracker.outbox import services as outbox
from cspo_tracker.outbox.models import OutboundEmail
from renewals.models import RenewalCycle
from tests.factories import (
    CourseFactory,
    CourseSessionFactory,
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


def new_course(trainer, program, **overrides):
    fields = {
        "program": program,
        "trainer": trainer,
        "title": "CSPO Berlin",
        "starts_on": datetime.date(2026, 3, 2),
        "ends_on": datetime.date(2026, 3, 3),
        "is_online": False,
        "location": "Berlin",
        "capacity": 20,
    }
    return create_course(**(fields | overrides))


def test_a_new_cspo_course_gets_two_eight_hour_days_by_default(cspo):
    course = new_course(TrainerFactory(programs=[cspo]), cspo)
    sessions = list(course.sessions.order_by("position"))
    assert [(s.held_on, s.hours) for s in sessions] == [
        (datetime.date(2026, 3, 2), Decimal("8")),
        (datetime.date(2026, 3, 3), Decimal("8")),
    ]


def test_a_trainer_not_approved_for_the_program_cannot_lead_its_course(cspo):
    csm_only = TrainerFactory(programs=[ProgramFactory(code="CSM")])
    with pytest.raises(ValidationError) as refused:
        new_course(csm_only, cspo)
    assert refused.value.message_dict == {
        "trainer": [
            f"{csm_only} is not a Certified Scrum Trainer approved for CSPO; "
            "only an approved CST can lead this course."
        ]
    }
    assert not Course.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "refused"),
    [
        ({"ends_on": datetime.date(2026, 3, 2)}, None),  # a one-day course
        (
            {"ends_on": datetime.date(2026, 3, 1)},
            {"ends_on": ["The course cannot end before it starts."]},
        ),
        ({"capacity": 1}, None),
        ({"capacity": 0}, {"capacity": ["A course has at least one seat."]}),
    ],
)
def test_a_course_ends_no_earlier_than_it_starts_and_has_a_seat(cspo, overrides, refused):
    trainer = TrainerFactory(programs=[cspo])
    if refused is None:
        course = new_course(trainer, cspo, **overrides)
        assert Course.objects.get() == course
        return
    with pytest.raises(ValidationError) as error:
        new_course(trainer, cspo, **overrides)
    assert error.value.message_dict == refused
    assert not Course.objects.exists()


def test_enrolling_a_new_email_creates_an_account_and_sends_one_invitation(
    cspo, django_capture_on_commit_callbacks
):
    course = CourseFactory()
    with django_capture_on_commit_callbacks(execute=True):
        created = enroll(
            course=course, attendees=[Attendee("New.Person@Example.com", "New", "Person")]
        )
    user = User.objects.get(email="new.person@example.com")
    assert created[0].practitioner.user == user
    assert not user.has_usable_password()
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["new.person@example.com"]
    assert "/accounts/password/reset/key/" in mail.outbox[0].body
    assert outbox.deliver_due() == (0, 0)  # already sent: nothing twice
    assert len(mail.outbox) == 1


def test_enrolling_someone_already_enrolled_changes_nothing(django_capture_on_commit_callbacks):
    enrollment = EnrollmentFactory()
    with django_capture_on_commit_callbacks(execute=True):
        created = enroll(
            course=enrollment.course,
            attendees=[Attendee(enrollment.practitioner.user.email.upper())],
        )
    assert created == []
    assert Enrollment.objects.count() == 1
    assert mail.outbox == []


def test_capacity_refuses_a_batch_that_does_not_fit_and_enrolls_none_of_it():
    course = CourseFactory(capacity=2)
    EnrollmentFactory(course=course)
    with pytest.raises(ValidationError, match="1 seat"):
        enroll(course=course, attendees=[Attendee("a@example.com"), Attendee("b@example.com")])
    assert course.enrollments.count() == 1
    assert not User.objects.filter(email__in=["a@example.com", "b@example.com"]).exists()


def test_pasted_roster_lines_name_each_bad_line():
    with pytest.raises(ValidationError) as refused:
        parse_attendees("email,first_name,last_name\nok@example.com,A,B\nnot-an-email,C,D\n")
    assert refused.value.messages == ["line 3: email 'not-an-email' is not a valid address"]
    assert parse_attendees("x@example.com,Xia,Li\n") == [Attendee("x@example.com", "Xia", "Li")]


def test_every_attendance_change_is_kept_with_who_when_old_and_new():
    course, (enrollment,) = course_with_attendees(1, hours=("8", "4"))
    day_one, day_two = course.sessions.order_by("position")
    staff = StaffFactory()
    with time_machine.travel(datetime.datetime(2026, 3, 4, 9, 0, tzinfo=datetime.UTC), tick=False):
        changes = record_attendance(
            course=course,
            hours={(enrollment.pk, day_one.pk): "8", (enrollment.pk, day_two.pk): "8"},
            by=staff,
        )
    assert len(changes) == 1  # day one did not change
    change = AttendanceChange.objects.get()
    assert (change.session, change.changed_by, change.old_hours, change.new_hours) == (
        day_two,
        staff,
        Decimal("4.00"),
        Decimal("8.00"),
    )
    assert change.changed_at == datetime.datetime(2026, 3, 4, 9, 0, tzinfo=datetime.UTC)
    assert Attendance.objects.get(session=day_two).hours_attended == 8


def test_hours_above_the_session_or_not_numbers_are_refused_and_nothing_is_saved():
    course = CourseFactory()
    session = CourseSessionFactory(course=course, hours=Decimal("8"))
    first, second = EnrollmentFactory.create_batch(2, course=course)
    with pytest.raises(ValidationError) as refused:
        record_attendance(
            course=course,
            hours={(first.pk, session.pk): "8", (second.pk, session.pk): "9"},
            by=None,
        )
    assert refused.value.message_dict == {
        (second.pk, session.pk): ["Hours must be between 0 and 8."]
    }
    assert not Attendance.objects.exists()
    assert not AttendanceChange.objects.exists()


@pytest.mark.parametrize(
    ("typed", "saved", "refused"),
    [
        ("P", Decimal("8.00"), None),  # present, in any case: the session's hours
        ("A", Decimal("0.00"), None),  # absent
        (" 0 ", Decimal("0.00"), None),
        ("8", Decimal("8.00"), None),
        ("7.555", Decimal("7.56"), None),
        ("-1", None, "Hours must be between 0 and 8."),
        ("8.01", None, "Hours must be between 0 and 8."),
        ("NaN", None, "Hours must be between 0 and 8."),
        ("many", None, "Hours must be a number, or p (present) or a (absent)."),
    ],
)
def test_each_attendance_cell_is_hours_p_or_a_within_the_session(typed, saved, refused):
    course = CourseFactory()
    session = CourseSessionFactory(course=course, hours=Decimal("8"))
    enrollment = EnrollmentFactory(course=course)
    cell = (enrollment.pk, session.pk)
    if refused:
        with pytest.raises(ValidationError) as error:
            record_attendance(course=course, hours={cell: typed}, by=None)
        assert error.value.message_dict == {cell: [refused]}
        assert not Attendance.objects.exists()
        return
    record_attendance(course=course, hours={cell: typed}, by=None)
    assert Attendance.objects.get().hours_attended == saved


def test_a_blank_cell_is_0_once_recorded_and_nothing_before():
    course, (enrollment,) = course_with_attendees(1, hours=("8",))
    day_one = course.sessions.get()
    day_two = CourseSessionFactory(course=course, position=2, hours=Decimal("8"))
    record_attendance(
        course=course,
        hours={(enrollment.pk, day_one.pk): " ", (enrollment.pk, day_two.pk): ""},
        by=None,
    )
    assert list(Attendance.objects.values_list("session", "hours_attended")) == [
        (day_one.pk, Decimal("0.00"))
    ]


def test_a_cell_of_another_course_is_refused():
    course = CourseFactory()
    session = CourseSessionFactory(course=course)
    outsider = EnrollmentFactory()
    with pytest.raises(ValidationError):
        record_attendance(course=course, hours={(outsider.pk, session.pk): "8"}, by=None)


def test_closing_issues_credentials_on_the_last_day_to_those_who_met_the_rule(
    django_capture_on_commit_callbacks,
):
    course, enrollments = course_with_attendees(3)
    Attendance.objects.filter(enrollment=enrollments[2], session__position=2).update(
        hours_attended=Decimal("4")
    )
    with django_capture_on_commit_callbacks(execute=True):
        result = close_course(course=course)
    assert {c.holder for c in result.issued} == {e.practitioner for e in enrollments[:2]}
    credential = result.issued[0]
    assert credential.issued_on == course.ends_on == datetime.date(2026, 3, 3)
    assert credential.expires_on == datetime.date(2028, 3, 3)
    assert RenewalCycle.objects.filter(credential=credential).exists()
    assert [row.enrollment for row in result.missed] == [enrollments[2]]
    assert "4 of 8 h" in result.missed[0].outcome.describe_missing()
    course.refresh_from_db()
    assert course.status == Course.Status.CLOSED
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        e.practitioner.user.email for e in enrollments[:2]
    )
    welcome = next(m for m in mail.outbox if m.to == [credential.holder.user.email])
    assert credential.certificate_number in welcome.body
    assert f"/verify/{credential.certificate_number}/" in welcome.body


def test_a_course_ending_on_29_february_issues_credentials_expiring_on_28_february():
    course, _ = course_with_attendees(
        1, starts_on=datetime.date(2024, 2, 28), ends_on=datetime.date(2024, 2, 29)
    )
    (credential,) = close_course(course=course).issued
    assert credential.expires_on == datetime.date(2026, 2, 28)


def test_closing_twice_issues_and_mails_nothing_twice(django_capture_on_commit_callbacks):
    course, _ = course_with_attendees(2)
    with django_capture_on_commit_callbacks(execute=True):
        close_course(course=course)
    with django_capture_on_commit_callbacks(execute=True):
        second = close_course(course=course)
    assert second.issued == []
    assert len(second.already_issued) == 2
    assert Credential.objects.filter(course=course).count() == 2
    assert len(mail.outbox) == 2


def test_a_retried_welcome_task_sends_nothing_twice(django_capture_on_commit_callbacks):
    course, _ = course_with_attendees(1)
    with django_capture_on_commit_callbacks(execute=True):
        (credential,) = close_course(course=course).issued
    email = OutboundEmail.objects.get(key=f"welcome:credential:{credential.pk}")
    assert outbox.deliver(email.pk) is False
    assert outbox.deliver_due() == (0, 0)
    assert len(mail.outbox) == 1


def test_a_welcome_email_whose_queueing_failed_goes_out_with_the_pending_sweep(
    django_capture_on_commit_callbacks,
):
    course, _ = course_with_attendees(1)
    close_course(course=course)  # on_commit callbacks never run: as if the broker were down
    assert mail.outbox == []
    assert outbox.deliver_due() == (1, 0)
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject.startswith("Welcome: you are now a CSPO")


def test_a_corrected_attendee_gets_their_credential_when_the_course_is_closed_again():
    course, (enrollment,) = course_with_attendees(1, hours=("8", "4"))
    assert close_course(course=course).issued == []
    day_two = course.sessions.get(position=2)
    record_attendance(course=course, hours={(enrollment.pk, day_two.pk): "8"}, by=None)
    (credential,) = close_course(course=course).issued
    assert credential.holder == enrollment.practitioner


def test_certificate_numbers_are_unique_and_not_in_sequence():
    course, _ = course_with_attendees(20)
    numbers = [c.certificate_number for c in close_course(course=course).issued]
    assert len(set(numbers)) == 20
    assert all(n.startswith("CSPO-") for n in numbers)
    values = sorted(int(n.split("-")[1], 16) for n in numbers)
    steps = {b - a for a, b in zip(values, values[1:], strict=False)}
    assert len(steps) > 1  # not a fixed stride


def test_someone_enrolled_without_a_password_gets_an_invitation(django_capture_on_commit_callbacks):
    imported, _ = get_or_create_practitioner(email="imported@example.com")
    course = CourseFactory()
    with django_capture_on_commit_callbacks(execute=True):
        enroll(course=course, attendees=[Attendee(imported.user.email)])
    assert [m.to for m in mail.outbox] == [[imported.user.email]]


def test_a_broker_outage_while_closing_is_logged_and_the_email_stays_pending(
    monkeypatch, caplog, django_capture_on_commit_callbacks
):
    from kombu.exceptions import OperationalError

    from cspo_tracker import tasks

    def broker_down(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(tasks.deliver_emails, "apply", broker_down)
    monkeypatch.setattr(publishing, "_broker_down_until", 0.0)
    course, _ = course_with_attendees(1)
    with django_capture_on_commit_callbacks(execute=True):
        (credential,) = close_course(course=course).issued
    assert "wait in the outbox" in caplog.text
    assert mail.outbox == []
    assert outbox.deliver_due() == (1, 0)
    email = OutboundEmail.objects.get(key=f"welcome:credential:{credential.pk}")
    assert email.status == OutboundEmail.Status.SENT and email.sent_at is not None


def test_a_credential_issued_by_closing_a_course_is_in_the_audit_log_like_a_claimed_one(
    client,
):
    from auditlog.context import set_actor
    from django.urls import reverse

    course, _ = course_with_attendees(1)
    staff = StaffFactory()
    with set_actor(staff):
        (credential,) = close_course(course=course, by=staff).issued
    client.force_login(staff)
    page = client.get(
        reverse("staff_audit", args=["certifications", "credential", credential.pk])
    ).text
    assert "No change recorded" not in page
    assert credential.certificate_number in page and staff.email in page
