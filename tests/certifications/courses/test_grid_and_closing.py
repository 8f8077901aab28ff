"""Attendance grid, confirmation before closing, the enrol form and
un-enrolling."""

import datetime
from decimal import Decimal

import pytest
from auditlog.models import LogEntry
from django.urls import reverse

from certifications.models import Attendance, Course, Credential, Enrollment
from cspo_tracker.outbox.models import OutboundEmail
from tests.factories import CredentialFactory, course_with_attendees
from tests.staff.conftest import populate

D = datetime.date


def _cells(course):
    return {
        (a.enrollment_id, a.session_id): a.hours_attended
        for a in Attendance.objects.filter(session__course=course)
    }


def test_p_and_a_typed_or_pasted_are_accepted_by_the_server_in_any_case(trainer_client, trainer):
    course, (one, two) = course_with_attendees(2, trainer=trainer, hours=("0", "0"))
    s1, s2 = course.sessions.order_by("position")
    response = trainer_client.post(
        reverse("course_attendance", args=[course.pk]),
        {
            f"h-{one.pk}-{s1.pk}": "p",
            f"h-{one.pk}-{s2.pk}": " P ",
            f"h-{two.pk}-{s1.pk}": "A",
            f"h-{two.pk}-{s2.pk}": "a",
        },
    )
    assert response.status_code == 302
    cells = _cells(course)
    assert cells[(one.pk, s1.pk)] == cells[(one.pk, s2.pk)] == Decimal("8")
    assert cells[(two.pk, s1.pk)] == cells[(two.pk, s2.pk)] == Decimal("0")


def test_after_a_refused_save_the_totals_follow_what_was_typed(trainer_client, trainer):
    course, (one, two) = course_with_attendees(2, trainer=trainer, hours=("0", "0"))
    s1, s2 = course.sessions.order_by("position")
    response = trainer_client.post(
        reverse("course_attendance", args=[course.pk]),
        {
            f"h-{one.pk}-{s1.pk}": "8",
            f"h-{one.pk}-{s2.pk}": "8",
            f"h-{two.pk}-{s1.pk}": "lots",
            f"h-{two.pk}-{s2.pk}": "p",
        },
    )
    assert response.status_code == 200 and "Nothing was saved" in response.text
    totals = {row.enrollment.pk: outcome for row, _cells, outcome in response.context["rows"]}
    assert totals[one.pk].total == Decimal("16") and totals[one.pk].met
    assert totals[two.pk].total == Decimal("8") and not totals[two.pk].met
    assert "0 / 16" not in response.text.replace("\n", "")
    assert _cells(course)[(one.pk, s1.pk)] == Decimal("0")  # nothing written


@pytest.mark.parametrize("button", ["present_session", "present_row"])
def test_all_present_without_javascript_saves_the_session_or_attendee_present(
    trainer_client, trainer, button
):
    course, (one, two) = course_with_attendees(2, trainer=trainer, hours=("0", "0"))
    s1, s2 = course.sessions.order_by("position")
    data = {f"h-{e.pk}-{s.pk}": "0" for e in (one, two) for s in (s1, s2)}
    data[button] = s2.pk if button == "present_session" else one.pk
    assert (
        trainer_client.post(reverse("course_attendance", args=[course.pk]), data).status_code == 302
    )
    cells = _cells(course)
    if button == "present_session":
        assert cells[(one.pk, s2.pk)] == cells[(two.pk, s2.pk)] == Decimal("8")
        assert cells[(one.pk, s1.pk)] == Decimal("0")
    else:
        assert cells[(one.pk, s1.pk)] == cells[(one.pk, s2.pk)] == Decimal("8")
        assert cells[(two.pk, s1.pk)] == Decimal("0")


def test_closing_asks_first_and_shows_who_gets_a_credential_and_why_not(
    trainer_client, trainer, today
):
    course, (met, short) = course_with_attendees(
        2, trainer=trainer, starts_on=D(2026, 5, 30), hours=("8", "8")
    )
    Attendance.objects.filter(enrollment=short, session__position=2).update(
        hours_attended=Decimal("4")
    )
    preview = trainer_client.get(reverse("course_close", args=[course.pk]))
    assert preview.status_code == 200
    outcomes = {line.row.enrollment.pk: line for line in preview.context["lines"]}
    assert outcomes[met.pk].outcome == "issue" and outcomes[met.pk].email == "welcome"
    assert outcomes[short.pk].outcome == "missed" and outcomes[short.pk].email == ""
    assert "4 of 8 h" in preview.text and "Welcome email" in preview.text
    assert not Credential.objects.exists()
    assert Course.objects.get(pk=course.pk).status == Course.Status.PLANNED  # GET wrote nothing
    trainer_client.post(reverse("course_close", args=[course.pk]))
    assert list(Credential.objects.values_list("holder_id", flat=True)) == [met.practitioner_id]
    assert OutboundEmail.objects.filter(template="welcome").count() == 1


def test_the_preview_says_who_already_holds_the_program(trainer_client, trainer, today):
    course, (holder_row,) = course_with_attendees(1, trainer=trainer, starts_on=D(2026, 5, 30))
    held = CredentialFactory(holder=holder_row.practitioner, issued_on=D(2025, 1, 10))
    lines = trainer_client.get(reverse("course_close", args=[course.pk])).context["lines"]
    assert [(line.outcome, line.email) for line in lines] == [("held", "")]
    result = trainer_client.post(reverse("course_close", args=[course.pk]))
    assert result.status_code == 302
    held.refresh_from_db()
    assert held.expires_on == lines[0].expires_on  # the preview told the truth


def test_a_closed_course_shows_no_enrol_form_and_keeps_its_roster(trainer_client, trainer):
    course, (one,) = course_with_attendees(1, trainer=trainer)
    assert 'action="{}"'.format(reverse("course_enroll", args=[course.pk])) in (
        trainer_client.get(reverse("course_detail", args=[course.pk])).text
    )
    trainer_client.post(reverse("course_close", args=[course.pk]))
    page = trainer_client.get(reverse("course_detail", args=[course.pk])).text
    assert reverse("course_enroll", args=[course.pk]) not in page
    assert "Un-enrol" not in page
    trainer_client.post(reverse("course_unenroll", args=[course.pk, one.pk]))
    assert Enrollment.objects.filter(pk=one.pk).exists()


def test_un_enrolling_asks_first_removes_the_attendee_and_is_audited(trainer_client, trainer):
    course, (one, two) = course_with_attendees(2, trainer=trainer)
    url = reverse("course_unenroll", args=[course.pk, one.pk])
    assert "Remove" in trainer_client.get(url).text
    assert Enrollment.objects.filter(pk=one.pk).exists()  # GET only asks
    assert trainer_client.post(url).status_code == 302
    assert list(course.enrollments.values_list("pk", flat=True)) == [two.pk]
    entry = LogEntry.objects.get(action=LogEntry.Action.DELETE, object_pk=str(one.pk))
    assert entry.actor == trainer.user
    # The course's and the practitioner's trails say so too, with the hours recorded.
    for record in (course, one.practitioner):
        (removal,) = LogEntry.objects.get_for_object(record).filter(changes__has_key="roster")
        assert removal.actor == trainer.user
        assert removal.changes_dict["roster"] == [
            f"{one.practitioner} in {course.title} (8 + 8 h recorded)",
            "removed",
        ]


def test_another_trainers_roster_cannot_be_touched(trainer_client, trainer):
    from tests.factories import TrainerFactory

    course, (one,) = course_with_attendees(1, trainer=TrainerFactory(totp=False))
    assert (
        trainer_client.post(reverse("course_unenroll", args=[course.pk, one.pk])).status_code == 404
    )
    assert trainer_client.get(reverse("course_close", args=[course.pk])).status_code == 404


@pytest.mark.parametrize("rows", [1, 200])
def test_course_pages_run_constant_queries(
    trainer_client, trainer, today, django_assert_max_num_queries, rows
):
    course = populate(rows, trainer=trainer)
    for name, limit in [
        ("course_attendance", 12),
        ("course_close", 12),
        ("course_detail", 12),
    ]:
        with django_assert_max_num_queries(limit):
            assert trainer_client.get(reverse(name, args=[course.pk])).status_code == 200
    with django_assert_max_num_queries(8):
        assert trainer_client.get(reverse("course_list")).status_code == 200
    enrollment = course.enrollments.first()
    with django_assert_max_num_queries(8):
        assert (
            trainer_client.get(
                reverse("course_unenroll", args=[course.pk, enrollment.pk])
            ).status_code
            == 200
        )
