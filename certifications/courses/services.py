"""Courses led by a CST: sessions, rosters (with invitations), attendance and closing.

Closing a course issues credentials (certifications.issuing.services) and sends
`course_completed` for each attendee who met the rule: the renewals app renews the
attendee's other credentials from it (certifications.signals).
"""

import csv
import io
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cspo_tracker.outbox import services as outbox

from ..dates import today_for
from ..imports.services import cell_problems, clean_email
from ..issuing.services import enqueue_welcome_emails, issue_course_credentials
from ..models import Attendance, AttendanceChange, Course, CourseSession, Enrollment, User
from ..selectors import attendance_grid
from ..services import get_or_create_invitee, set_password_url
from ..signals import course_completed


def _check_trainer_approved(*, trainer, program):
    """Only a Certified Scrum Trainer approved for the program leads its course."""
    if not trainer.is_active or not trainer.programs.filter(pk=program.pk).exists():
        raise ValidationError(
            {
                "trainer": _(
                    "%(trainer)s is not a Certified Scrum Trainer approved for "
                    "%(program)s; only an approved CST can lead this course."
                )
                % {"trainer": trainer, "program": program.code}
            }
        )


def _check_course_fields(*, trainer, program, starts_on, ends_on, capacity):
    _check_trainer_approved(trainer=trainer, program=program)
    if ends_on < starts_on:
        raise ValidationError({"ends_on": _("The course cannot end before it starts.")})
    if capacity < 1:
        raise ValidationError({"capacity": _("A course has at least one seat.")})


@transaction.atomic
def create_course(*, program, trainer, title, starts_on, ends_on, is_online, location="", capacity):
    """A course led by a CST approved for `program`, with the program's default sessions
    (CSPO: two days of 8 hours), one a day from the start date."""
    _check_course_fields(
        trainer=trainer, program=program, starts_on=starts_on, ends_on=ends_on, capacity=capacity
    )
    course = Course.objects.create(
        program=program,
        trainer=trainer,
        title=title,
        starts_on=starts_on,
        ends_on=ends_on,
        is_online=is_online,
        location=location,
        capacity=capacity,
    )
    CourseSession.objects.bulk_create(
        CourseSession(
            course=course,
            position=i + 1,
            held_on=min(starts_on + timedelta(days=i), ends_on),
            hours=program.default_session_hours,
        )
        for i in range(program.default_session_count)
    )
    return course


@transaction.atomic
def update_course(*, course, **fields):
    """Change a course's details; the leader must still be approved for the program."""
    for name, value in fields.items():
        setattr(course, name, value)
    _check_course_fields(
        trainer=course.trainer,
        program=course.program,
        starts_on=course.starts_on,
        ends_on=course.ends_on,
        capacity=course.capacity,
    )
    enrolled = course.enrollments.count()
    if course.capacity < enrolled:
        raise ValidationError(
            {
                "capacity": ngettext(
                    "%(count)s person is already enrolled; capacity cannot be lower.",
                    "%(count)s people are already enrolled; capacity cannot be lower.",
                    enrolled,
                )
                % {"count": enrolled}
            }
        )
    course.save()
    return course


@transaction.atomic
def save_sessions(*, course, sessions):
    """Change, add and remove a course's sessions. `sessions` is a list of dicts with
    `id` (None for a new one), `held_on`, `hours` and `delete`. Sessions fall within
    the course's dates; one with attendance recorded cannot be removed. Returns the
    course's sessions in order."""
    existing = {s.pk: s for s in course.sessions.select_for_update()}
    attended = dict(
        Attendance.objects.filter(session__course=course, hours_attended__gt=0)
        .values("session_id")
        .annotate(most=Max("hours_attended"))
        .values_list("session_id", "most")
    )
    errors = []
    for index, data in enumerate(sessions, start=1):
        if data.get("id") and data["id"] not in existing:
            errors.append(
                _("Session %(number)s is not a session of this course.") % {"number": index}
            )
        elif data.get("delete"):
            if data.get("id") in attended:
                errors.append(
                    _(
                        "Session %(number)s has attendance recorded; "
                        "set its hours to 0 in the grid before removing it."
                    )
                    % {"number": existing[data["id"]].position}
                )
        elif data.get("id") in attended and data["hours"] < attended[data["id"]]:
            errors.append(
                _("Session %(number)s: someone attended %(hours)s h; it cannot be shorter.")
                % {
                    "number": existing[data["id"]].position,
                    "hours": f"{attended[data['id']].normalize():f}",
                }
            )
        elif data.get("held_on") and not course.starts_on <= data["held_on"] <= course.ends_on:
            errors.append(
                _("Session %(number)s: %(day)s is outside the course's dates.")
                % {"number": index, "day": f"{data['held_on']:%Y-%m-%d}"}
            )
    if errors:
        raise ValidationError(errors)
    position = max((s.position for s in existing.values()), default=0)
    for data in sessions:
        session = existing.get(data.get("id"))
        if data.get("delete"):
            if session:
                session.delete()
        elif session:
            session.held_on, session.hours = data["held_on"], data["hours"]
            session.save(update_fields=["held_on", "hours"])
        elif data.get("held_on"):
            position += 1
            CourseSession.objects.create(
                course=course, position=position, held_on=data["held_on"], hours=data["hours"]
            )
    return list(course.sessions.order_by("position"))


@dataclass(frozen=True)
class Attendee:
    email: str
    first_name: str = ""
    last_name: str = ""


NAME_LENGTHS = {
    "first_name": User._meta.get_field("first_name").max_length,
    "last_name": User._meta.get_field("last_name").max_length,
}


def parse_attendees(text):
    """Attendees from CSV lines `email,first_name,last_name` (a header line is optional).
    Raises ValidationError with one message per bad line."""
    attendees, errors = [], []
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff"), newline=""))
    try:
        for line, row in enumerate(reader, start=1):
            cells = [cell.strip() for cell in row]
            if not any(cells) or (line == 1 and cells[0].lower() == "email"):
                continue
            names = dict(zip(("first_name", "last_name"), cells[1:3], strict=False))
            problems = cell_problems(names, lengths=NAME_LENGTHS)
            email = clean_email(cells[0], problems)
            if len(cells) > 3:
                problems.append(_("expected at most 3 columns: email,first_name,last_name"))
            if problems:
                errors.append(
                    _("line %(line)s: %(problems)s")
                    % {"line": line, "problems": "; ".join(problems)}
                )
            else:
                attendees.append(Attendee(email, *cells[1:3]))
    except csv.Error as error:
        errors.append(
            _("line %(line)s: not a readable CSV line: %(error)s")
            % {"line": reader.line_num, "error": error}
        )
    if errors:
        raise ValidationError(errors)
    if not attendees:
        raise ValidationError(
            _("No attendee found: one line per person, email,first_name,last_name.")
        )
    return attendees


@transaction.atomic
def enroll(*, course, attendees):
    """Enroll each attendee (by email) in `course`; a new email gets a practitioner
    account, and anyone without a password (new or imported) an invitation to set one.
    Capacity is enforced for the whole batch. Returns the enrollments created (people
    already enrolled are skipped)."""
    course = Course.objects.select_for_update().get(pk=course.pk)
    emails = [User.objects.normalize_email(a.email).lower() for a in attendees]
    already = set(
        course.enrollments.filter(practitioner__user__email__in=emails).values_list(
            "practitioner__user__email", flat=True
        )
    )
    new = {}
    for attendee, email in zip(attendees, emails, strict=True):
        if email not in already and email not in new:
            new[email] = attendee
    seats_left = course.capacity - course.enrollments.count()
    if len(new) > seats_left:
        raise ValidationError(
            ngettext(
                "The course has %(seats)s seat left of %(capacity)s; cannot enrol %(count)s more.",
                "The course has %(seats)s seats left of %(capacity)s; cannot enrol %(count)s more.",
                max(seats_left, 0),
            )
            % {"seats": max(seats_left, 0), "capacity": course.capacity, "count": len(new)}
        )
    created = []
    for email, attendee in new.items():
        practitioner, needs_invitation = get_or_create_invitee(
            email=email, first_name=attendee.first_name, last_name=attendee.last_name
        )
        enrollment = Enrollment.objects.create(course=course, practitioner=practitioner)
        created.append(enrollment)
        if needs_invitation:
            enqueue_invitation(enrollment)
    return created


PRESENT, ABSENT = "p", "a"


def parse_hours(value, session):
    """One attendance cell as typed: hours, or `p` (present: the session's full hours) or
    `a` (absent: 0) in any case. Returns (hours, None) or (None, the error)."""
    text = str(value).strip()
    if text.lower() == PRESENT:
        return session.hours, None
    if text.lower() == ABSENT:
        return Decimal("0.00"), None
    try:
        hours = Decimal(text or "0")
    except InvalidOperation:
        # Translators: "p" and "a" are what a trainer types; keep them as they are.
        return None, _("Hours must be a number, or p (present) or a (absent).")
    if not hours.is_finite() or hours < 0 or hours > session.hours:
        return None, _("Hours must be between 0 and %(max)s.") % {
            "max": f"{session.hours.normalize():f}"
        }
    return hours.quantize(Decimal("0.01")), None


@transaction.atomic
def record_attendance(*, course, hours, by):
    """Save a whole attendance grid at once. `hours` maps (enrollment_id, session_id) to
    the hours attended; a blank cell means 0 once recorded, nothing before. Every
    changed cell is written to the audit trail (who, when, old and new). Raises
    ValidationError naming each bad cell, and writes nothing then. Returns the
    AttendanceChange rows made."""
    sessions = {s.pk: s for s in course.sessions.all()}
    enrollments = set(course.enrollments.values_list("pk", flat=True))
    errors, parsed, blank = {}, {}, {}
    for (enrollment_id, session_id), value in hours.items():
        blank[(enrollment_id, session_id)] = not str(value).strip()
        session = sessions.get(session_id)
        if session is None or enrollment_id not in enrollments:
            errors[(enrollment_id, session_id)] = _("Not a cell of this course.")
            continue
        parsed[(enrollment_id, session_id)], error = parse_hours(value, session)
        if error:
            errors[(enrollment_id, session_id)] = error
    if errors:
        raise ValidationError(errors)
    existing = {
        (a.enrollment_id, a.session_id): a
        for a in Attendance.objects.select_for_update().filter(session__course=course)
    }
    to_create, to_update, changes = [], [], []
    for (enrollment_id, session_id), new_hours in parsed.items():
        row = existing.get((enrollment_id, session_id))
        old_hours = row.hours_attended if row else None
        if old_hours == new_hours or (row is None and blank[(enrollment_id, session_id)]):
            continue
        if row is None:
            to_create.append(
                Attendance(
                    enrollment_id=enrollment_id, session_id=session_id, hours_attended=new_hours
                )
            )
        else:
            row.hours_attended, row.updated_at = new_hours, timezone.now()
            to_update.append(row)
        changes.append(
            AttendanceChange(
                enrollment_id=enrollment_id,
                session_id=session_id,
                changed_by=by,
                old_hours=old_hours,
                new_hours=new_hours,
            )
        )
    Attendance.objects.bulk_create(to_create)
    Attendance.objects.bulk_update(to_update, ["hours_attended", "updated_at"])
    return AttendanceChange.objects.bulk_create(changes)


@dataclass(frozen=True)
class ClosingResult:
    issued: list  # credentials issued by this closing
    already_issued: list  # credentials from an earlier closing
    missed: list  # GridRows of those who did not meet the rule
    already_held: list = ()  # credentials of the course's program the attendee held already
    renewed: list = ()  # other credentials this closing renewed to the new expiry


@transaction.atomic
def close_course(*, course, by=None):
    """Apply the program's attendance rule and issue a credential, dated the course's
    last day, to each attendee who met it; each new holder gets one welcome email.
    Completing the course also renews the attendee's other credentials to the new
    expiry (the renewals app, from `course_completed`). An attendee who already holds the course's
    program (not lapsed) gets no second credential of it: the one they hold is renewed
    to the new expiry and keeps its certificate number. Closing again issues, renews
    and mails nothing twice: the course row is locked, the database keeps one
    credential per course and holder, and a renewed expiry is no longer earlier.
    The work is done for the whole roster at once: the number of queries does not grow
    with the attendees, nor with the other credentials a closing renews."""
    course = (
        Course.objects.select_for_update(of=("self",))
        .select_related("program", "trainer__user")
        .get(pk=course.pk)
    )
    grid = attendance_grid(course)
    expires_on = course.program.expiry_for(course.ends_on)
    for row in grid.rows:
        row.enrollment.completed = row.outcome.met
    Enrollment.objects.bulk_update([row.enrollment for row in grid.rows], ["completed"])
    already, missed, held, to_issue, completed = [], [], [], [], []
    for row in grid.rows:
        holder = row.enrollment.practitioner
        if not row.outcome.met:
            missed.append(row)
            continue
        if row.credential is not None:
            already.append(row.credential)
            continue
        completed.append(holder)
        credential = _held_credential(row, program=course.program)
        if credential is None:
            to_issue.append(holder)
        else:
            held.append(credential)
    issued = issue_course_credentials(holders=to_issue, course=course, issued_on=course.ends_on)
    renewed = []
    if completed:
        # Renewed to the new expiry: the attendees' other credentials, and the one of
        # this program an attendee held already (it keeps its certificate number).
        own, held_ids = {c.pk for c in issued}, {c.pk for c in held}
        renewed = [
            c
            for _receiver, renewed_by_receiver in course_completed.send(
                sender=Course, holders=completed, expires_on=expires_on
            )
            for c in renewed_by_receiver or ()
            if c.pk not in own and c.pk not in held_ids
        ]
    if course.status != Course.Status.CLOSED:
        course.status = Course.Status.CLOSED
        course.closed_at = timezone.now()
        course.closed_by = by
        course.save(update_fields=["status", "closed_at", "closed_by"])
    for credential in issued:
        credential.program, credential.course = course.program, course
    enqueue_welcome_emails(issued)
    return ClosingResult(
        issued=issued, already_issued=already, missed=missed, already_held=held, renewed=renewed
    )


def _held_credential(row, *, program):
    """The attendee's credential of `program` still held (Credential.is_held_on; the
    latest expiring, read with the grid), or None."""
    credential = row.held
    if credential is None:
        return None
    credential.program = program
    held = credential.is_held_on(today_for(row.enrollment.practitioner))
    return credential if held else None


def enqueue_invitation(enrollment):
    """The invitation to set a password, for an account made by enrolling: one per
    enrollment (outbox key)."""
    enrollment = Enrollment.objects.select_related(
        "practitioner__user", "course__program", "course__trainer__user"
    ).get(pk=enrollment.pk)
    user = enrollment.practitioner.user
    return outbox.enqueue(
        "invitation",
        {"user": user, "course": enrollment.course, "set_password_url": set_password_url(user)},
        to=user.email,
        key=f"invitation:enrollment:{enrollment.pk}",
        # A new account has no language yet: the trainer's, as the likeliest shared one.
        language=enrollment.course.trainer.user.language or None,
    )
