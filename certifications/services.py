"""Writes for certifications: issuing credentials, courses, attendance, closing, imports."""

import csv
import io
import logging
import secrets
from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

from allauth.account.forms import default_token_generator
from allauth.account.models import EmailAddress
from allauth.account.utils import user_pk_to_url_str
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from kombu.exceptions import OperationalError

from cspo_tracker.emails import send_email
from renewals.models import RenewalCycle
from renewals.selectors import is_lapsed, today_for
from renewals.services import extend_credential, open_cycle

from .models import (
    Attendance,
    AttendanceChange,
    Course,
    CourseSession,
    Credential,
    Enrollment,
    Practitioner,
    Program,
    User,
)
from .selectors import attendance_grid

logger = logging.getLogger(__name__)


def new_certificate_number(program):
    """A certificate number that cannot be guessed from its neighbours:
    the program code and 40 random bits, e.g. CSPO-7F3A9C21B4."""
    return f"{program.code.upper()}-{secrets.token_hex(5).upper()}"


@transaction.atomic
def issue_credential(
    *, holder, program, issued_on, course=None, certificate_number=None, expires_on=None
):
    """Issue `program` to `holder`, valid for the program's validity from `issued_on`,
    and open its first renewal cycle."""
    expires_on = expires_on or program.expiry_for(issued_on)
    for _attempt in range(5):
        number = certificate_number or new_certificate_number(program)
        try:
            with transaction.atomic():
                credential = Credential.objects.create(
                    holder=holder,
                    program=program,
                    certificate_number=number,
                    issued_on=issued_on,
                    expires_on=expires_on,
                    course=course,
                )
            break
        except IntegrityError:
            if certificate_number or not _number_taken(number):
                raise
    else:  # pragma: no cover - 5 collisions in 2**40 numbers
        raise RuntimeError("Could not draw a free certificate number.")
    open_cycle(credential=credential)
    return credential


def _number_taken(number):
    return Credential.objects.filter(certificate_number=number).exists()


@transaction.atomic
def get_or_create_practitioner(*, email, first_name="", last_name="", time_zone=None):
    """The practitioner for this email address, creating the user (with no usable
    password) and profile when new. Returns (practitioner, created)."""
    email = User.objects.normalize_email(email).lower()
    user, created = User.objects.get_or_create(
        email=email, defaults={"first_name": first_name, "last_name": last_name}
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    defaults = {"time_zone": time_zone} if time_zone else {}
    practitioner, profile_created = Practitioner.objects.get_or_create(user=user, defaults=defaults)
    return practitioner, created or profile_created


@transaction.atomic
def update_profile(*, practitioner, first_name, last_name, time_zone, optional_reminders):
    """Save the practitioner's name, time zone and reminder preference."""
    user = practitioner.user
    user.first_name, user.last_name = first_name, last_name
    user.save(update_fields=["first_name", "last_name"])
    practitioner.time_zone = time_zone
    practitioner.optional_reminders = optional_reminders
    practitioner.save(update_fields=["time_zone", "optional_reminders"])
    return practitioner


@transaction.atomic
def reset_calendar_token(*, practitioner):
    """Issue a new secret calendar URL; the old one stops working at once."""
    practitioner.calendar_token = secrets.token_urlsafe()
    practitioner.save(update_fields=["calendar_token"])
    return practitioner


# --- Courses, roster, attendance, closing ---------------------------------------------


def _check_trainer_approved(*, trainer, program):
    """Only a Certified Scrum Trainer approved for the program leads its course."""
    if not trainer.is_active or not trainer.programs.filter(pk=program.pk).exists():
        raise ValidationError(
            {
                "trainer": f"{trainer} is not a Certified Scrum Trainer approved for "
                f"{program.code}; only an approved CST can lead this course."
            }
        )


def _check_course_fields(*, trainer, program, starts_on, ends_on, capacity):
    _check_trainer_approved(trainer=trainer, program=program)
    if ends_on < starts_on:
        raise ValidationError({"ends_on": "The course cannot end before it starts."})
    if capacity < 1:
        raise ValidationError({"capacity": "A course has at least one seat."})


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
            {"capacity": f"{enrolled} people are already enrolled; capacity cannot be lower."}
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
            errors.append(f"Session {index} is not a session of this course.")
        elif data.get("delete"):
            if data.get("id") in attended:
                errors.append(
                    f"Session {existing[data['id']].position} has attendance recorded; "
                    "set its hours to 0 in the grid before removing it."
                )
        elif data.get("id") in attended and data["hours"] < attended[data["id"]]:
            errors.append(
                f"Session {existing[data['id']].position}: someone attended "
                f"{attended[data['id']].normalize():f} h; it cannot be shorter."
            )
        elif data.get("held_on") and not course.starts_on <= data["held_on"] <= course.ends_on:
            errors.append(
                f"Session {index}: {data['held_on']:%Y-%m-%d} is outside the course's dates."
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


def parse_attendees(text):
    """Attendees from CSV lines `email,first_name,last_name` (a header line is optional).
    Raises ValidationError with one message per bad line."""
    attendees, errors = [], []
    for line, row in enumerate(csv.reader(io.StringIO(text.lstrip("\ufeff"))), start=1):
        cells = [cell.strip() for cell in row]
        if not any(cells) or (line == 1 and cells[0].lower() == "email"):
            continue
        problems = []
        email = _email(cells[0], problems)
        if len(cells) > 3:
            problems.append("expected at most 3 columns: email,first_name,last_name")
        if problems:
            errors.append(f"line {line}: {'; '.join(problems)}")
        else:
            attendees.append(Attendee(email, *cells[1:3]))
    if errors:
        raise ValidationError(errors)
    if not attendees:
        raise ValidationError("No attendee found: one line per person, email,first_name,last_name.")
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
            f"The course has {max(seats_left, 0)} seat(s) left of {course.capacity}; "
            f"cannot enroll {len(new)} more."
        )
    created = []
    invited = []
    for email, attendee in new.items():
        practitioner, is_new = get_or_create_practitioner(
            email=email, first_name=attendee.first_name, last_name=attendee.last_name
        )
        enrollment = Enrollment.objects.create(course=course, practitioner=practitioner)
        created.append(enrollment)
        if is_new:
            # Verified: the only way into a new account is the set-password link mailed
            # to this address, so a second confirmation email would prove nothing more.
            EmailAddress.objects.get_or_create(
                user=practitioner.user, email=email, defaults={"primary": True, "verified": True}
            )
        if not practitioner.user.has_usable_password():
            invited.append(enrollment.pk)
    if invited:
        from .tasks import send_invitation  # tasks import this module

        transaction.on_commit(lambda: _enqueue(send_invitation, invited))
    return created


def _parse_hours(value, session):
    try:
        hours = Decimal(str(value).strip() or "0")
    except InvalidOperation:
        return None, "Hours must be a number."
    if not hours.is_finite() or hours < 0 or hours > session.hours:
        return None, f"Hours must be between 0 and {session.hours.normalize():f}."
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
            errors[(enrollment_id, session_id)] = "Not a cell of this course."
            continue
        parsed[(enrollment_id, session_id)], error = _parse_hours(value, session)
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
    expiry (renew_credentials_for_course). An attendee who already holds the course's
    program (not lapsed) gets no second credential of it: the one they hold is renewed
    to the new expiry and keeps its certificate number. Closing again issues, renews
    and mails nothing twice: the course row is locked, the database keeps one
    credential per course and holder, and a renewed expiry is no longer earlier."""
    from .tasks import send_welcome_email  # tasks import this module

    course = Course.objects.select_for_update().select_related("program").get(pk=course.pk)
    grid = attendance_grid(course)
    expires_on = course.program.expiry_for(course.ends_on)
    issued, already, missed, held, renewed = [], [], [], [], []
    for row in grid.rows:
        holder = row.enrollment.practitioner
        if not row.outcome.met:
            missed.append(row)
            continue
        if row.credential is not None:
            already.append(row.credential)
            continue
        credential = _held_credential(holder=holder, program=course.program)
        if credential is None:
            credential = issue_credential(
                holder=holder, program=course.program, issued_on=course.ends_on, course=course
            )
            issued.append(credential)
        else:
            held.append(credential)
        renewed += [
            c
            for c in renew_credentials_for_course(holder=holder, expires_on=expires_on)
            if c.pk != credential.pk
        ]
    if course.status != Course.Status.CLOSED:
        course.status = Course.Status.CLOSED
        course.closed_at = timezone.now()
        course.closed_by = by
        course.save(update_fields=["status", "closed_at", "closed_by"])
    ids = [c.pk for c in issued]
    transaction.on_commit(lambda: _enqueue(send_welcome_email, ids))
    return ClosingResult(
        issued=issued, already_issued=already, missed=missed, already_held=held, renewed=renewed
    )


def _held_credential(*, holder, program):
    """The holder's credential of `program` that is not lapsed (the latest expiring),
    or None."""
    today = today_for(holder)
    return next(
        (
            c
            for c in Credential.objects.filter(holder=holder, program=program)
            .select_related("program")
            .order_by("-expires_on")
            if not is_lapsed(c, today)
        ),
        None,
    )


@transaction.atomic
def renew_credentials_for_course(*, holder, expires_on, now=None):
    """Completing a new course renews the holder's existing credentials, aligned to the
    new credential's expiry `expires_on` (shared/domain.md, "Renewing"). Each credential
    of `holder` that is not lapsed and expires before `expires_on` gets that expiry; its
    current cycle is completed without consuming SEUs (no renewal used them), a new cycle
    opens, and its stored status is refreshed. A credential with a renewal in progress
    (cycle submitted) is left alone: that renewal decides its expiry. Running it again
    changes nothing (nothing expires earlier any more). Returns the credentials renewed."""
    now = now or timezone.now()
    today = today_for(holder, now)
    candidates = (
        Credential.objects.select_for_update(of=("self",))
        .filter(holder=holder, expires_on__lt=expires_on)
        .select_related("program")
        .order_by("pk")
    )
    credentials = [c for c in candidates if not is_lapsed(c, today)]
    current = {
        cycle.credential_id: cycle
        for cycle in RenewalCycle.objects.select_for_update()
        .filter(credential__in=credentials)
        .exclude(status=RenewalCycle.Status.COMPLETED)
    }
    credentials = [
        c
        for c in credentials
        if c.pk not in current or current[c.pk].status != RenewalCycle.Status.SUBMITTED
    ]
    RenewalCycle.objects.filter(
        pk__in=[current[c.pk].pk for c in credentials if c.pk in current]
    ).update(status=RenewalCycle.Status.COMPLETED, completed_at=now)
    for credential in credentials:
        extend_credential(credential=credential, expires_on=expires_on, today=today)
    return credentials


def _enqueue(task, ids):
    """Queue one task per id after the commit. A broker outage is logged, not a 500:
    the rows keep their empty *_sent_at, and `send_pending_course_emails` sends them."""
    for pk in ids:
        try:
            task.delay(pk)
        except OperationalError:
            logger.exception("Could not queue %s(%s); it stays pending", task.name, pk)


def send_pending_course_emails():
    """Send every welcome email and invitation still pending (after a broker outage).
    Safe to run any time: each email is claimed before it is sent."""
    sent = 0
    for pk in Credential.objects.filter(
        welcome_sent_at__isnull=True, course__isnull=False
    ).values_list("pk", flat=True):
        sent += send_welcome_email(credential_id=pk)
    for pk in Enrollment.objects.filter(
        invitation_sent_at__isnull=True, practitioner__user__password__startswith="!"
    ).values_list("pk", flat=True):
        sent += send_invitation(enrollment_id=pk)
    return sent


def _claim_and_send(model, pk, field, send):
    """Send once: lock the row, skip it when `field` is already set, send, then set it.
    An SMTP error rolls the claim back so a retry sends; a second run finds it sent."""
    with transaction.atomic():
        row = model.objects.select_for_update().filter(pk=pk, **{f"{field}__isnull": True})
        obj = row.first()
        if obj is None:
            return False
        send(obj)
        model.objects.filter(pk=pk).update(**{field: timezone.now()})
    return True


def send_welcome_email(*, credential_id):
    """The welcome email with the certificate's details, sent at most once."""

    def send(credential):
        credential = (
            Credential.objects.with_related()
            .select_related("course__trainer__user")
            .get(pk=credential.pk)
        )
        send_email(
            "welcome",
            {
                "credential": credential,
                "holder": credential.holder,
                "verify_url": verification_url(credential),
            },
            to=[credential.holder.user.email],
        )

    return _claim_and_send(Credential, credential_id, "welcome_sent_at", send)


def send_invitation(*, enrollment_id):
    """The invitation to set a password, for an account made by enrolling, sent once."""

    def send(enrollment):
        enrollment = Enrollment.objects.select_related(
            "practitioner__user", "course__program", "course__trainer__user"
        ).get(pk=enrollment.pk)
        user = enrollment.practitioner.user
        path = reverse(
            "account_reset_password_from_key",
            kwargs={
                "uidb36": user_pk_to_url_str(user),
                "key": default_token_generator.make_token(user),
            },
        )
        send_email(
            "invitation",
            {
                "user": user,
                "course": enrollment.course,
                "set_password_url": settings.SITE_URL + path,
            },
            to=[user.email],
        )

    return _claim_and_send(Enrollment, enrollment_id, "invitation_sent_at", send)


def verification_url(credential):
    return settings.SITE_URL + reverse("verify_credential", args=[credential.certificate_number])


# --- Imports from spreadsheets (one code path for commands and staff upload pages) -----


class ImportRefused(Exception):
    """A file with bad rows is refused whole; `errors` lists (line number, problem)."""

    def __init__(self, errors):
        self.errors = errors
        super().__init__("\n".join(f"line {line}: {problem}" for line, problem in errors))


@dataclass(frozen=True)
class ImportResult:
    created: int
    unchanged: int
    dry_run: bool

    def summary(self):
        prefix = "Dry run, nothing written: would create" if self.dry_run else "Created"
        return f"{prefix} {self.created}, unchanged {self.unchanged}."


CREDENTIAL_COLUMNS = (
    "email",
    "first_name",
    "last_name",
    "program",
    "certificate_number",
    "issued_on",
)
SEU_COLUMNS = ("email", "earned_on", "category", "seus", "activity")


def _read_csv(text, required):
    """Rows of a CSV text as (line number, dict); a missing column refuses the file."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    header = [name.strip() for name in reader.fieldnames or []]
    missing = [name for name in required if name not in header]
    if missing:
        raise ImportRefused([(1, f"missing column(s): {', '.join(missing)}")])
    reader.fieldnames = header
    rows = []
    for row in reader:
        values = {k: (v or "").strip() for k, v in row.items() if k is not None}
        if any(values.values()):
            rows.append((reader.line_num, values))
    if not rows:
        raise ImportRefused([(1, "the file has no rows")])
    return rows


def _date(value, name, problems):
    try:
        return date.fromisoformat(value)
    except ValueError:
        problems.append(f"{name} '{value}' is not an ISO date (YYYY-MM-DD)")
        return None


def _email(value, problems):
    try:
        validate_email(value)
    except ValidationError:
        problems.append(f"email '{value}' is not a valid address")
        return None
    return User.objects.normalize_email(value).lower()


@transaction.atomic
def import_credentials(*, text, dry_run=False):
    """Import credentials from CSV text (header `email,first_name,last_name,program,
    certificate_number,issued_on` and optional `expires_on`). Practitioners are created
    as needed; each credential opens its renewal cycle; a missing expiry is computed from
    the program. A row whose certificate number is already stored with the same holder,
    program and issue date is unchanged, so re-importing a file changes nothing; a stored
    expiry later than the file's is a renewal since the first import, not a conflict.
    Any bad row refuses the whole file (ImportRefused) and nothing is written."""
    rows = _read_csv(text, CREDENTIAL_COLUMNS)
    programs = {p.code.upper(): p for p in Program.objects.all()}
    numbers = [row["certificate_number"] for _, row in rows]
    stored = {
        c.certificate_number: c
        for c in Credential.objects.filter(certificate_number__in=numbers).select_related(
            "holder__user", "program"
        )
    }
    errors, plan, seen = [], [], {}
    for line, row in rows:
        problems = []
        email = _email(row["email"], problems)
        program = programs.get(row["program"].upper())
        if program is None:
            problems.append(f"unknown program '{row['program']}'")
        number = row["certificate_number"]
        if not number:
            problems.append("certificate_number is empty")
        elif len(number) > Credential._meta.get_field("certificate_number").max_length:
            problems.append("certificate_number is too long")
        elif number in seen:
            problems.append(f"certificate_number {number} repeats line {seen[number]}")
        seen.setdefault(number, line)
        issued_on = _date(row["issued_on"], "issued_on", problems)
        expires_on = None
        if row.get("expires_on"):
            expires_on = _date(row["expires_on"], "expires_on", problems)
        elif program and issued_on:
            expires_on = program.expiry_for(issued_on)
        if issued_on and expires_on and expires_on <= issued_on:
            problems.append("expires_on must be after issued_on")
        existing = stored.get(number)
        if existing and not problems:
            same = (
                existing.holder.user.email == email
                and existing.program_id == program.pk
                and existing.issued_on == issued_on
            )
            if not same:
                problems.append(
                    f"certificate_number {number} is already stored for another holder, "
                    "program or issue date"
                )
            elif existing.expires_on < expires_on:
                problems.append(
                    f"certificate_number {number} is stored expiring on "
                    f"{existing.expires_on:%Y-%m-%d}, before the file's {expires_on:%Y-%m-%d}"
                )
        if problems:
            errors.append((line, "; ".join(problems)))
        else:
            plan.append((row, email, program, number, issued_on, expires_on, existing))
    if errors:
        raise ImportRefused(errors)
    created = unchanged = 0
    for row, email, program, number, issued_on, expires_on, existing in plan:
        if existing:
            unchanged += 1
            continue
        holder, _ = get_or_create_practitioner(
            email=email, first_name=row["first_name"], last_name=row["last_name"]
        )
        issue_credential(
            holder=holder,
            program=program,
            issued_on=issued_on,
            expires_on=expires_on,
            certificate_number=number,
        )
        created += 1
    if dry_run:
        transaction.set_rollback(True)
    return ImportResult(created=created, unchanged=unchanged, dry_run=dry_run)


@transaction.atomic
def import_seus(*, text, dry_run=False):
    """Import SEU entries from CSV text (header `email,earned_on,category,seus,activity`;
    `category` is a code A-F). The practitioner must exist. Each new row goes through
    seus.services.create_seu_entry, so the log's rules (no future dates, quarter steps,
    the daily cap counting stored entries and earlier rows, category caps) apply
    unchanged. A row identical to a stored entry (same person, date, category, activity
    and SEUs) is unchanged; each stored entry answers for one row only, so two identical
    rows (two podcasts of one hour on one day) are two entries, and re-importing the file
    changes nothing. Any bad row refuses the whole file."""
    from seus.models import SeuCategory, SeuEntry
    from seus.services import create_seu_entry

    rows = _read_csv(text, SEU_COLUMNS)
    categories = {c.code.upper(): c for c in SeuCategory.objects.all()}
    emails = {User.objects.normalize_email(row["email"]).lower() for _, row in rows}
    practitioners = {
        p.user.email: p
        for p in Practitioner.objects.filter(user__email__in=emails).select_related("user")
    }
    stored = Counter(
        SeuEntry.objects.filter(practitioner__in=practitioners.values()).values_list(
            "practitioner_id", "earned_on", "category_id", "activity", "seus"
        )
    )
    activity_max = SeuEntry._meta.get_field("activity").max_length
    errors = []
    created = unchanged = 0
    for line, row in rows:
        problems = []
        email = _email(row["email"], problems)
        practitioner = practitioners.get(email) if email else None
        if email and practitioner is None:
            problems.append(f"no practitioner with email {email} (import credentials first)")
        earned_on = _date(row["earned_on"], "earned_on", problems)
        category = categories.get(row["category"].upper())
        if category is None:
            problems.append(
                f"unknown category '{row['category']}' (codes: {', '.join(categories)})"
            )
        try:
            seus = Decimal(row["seus"]).quantize(Decimal("0.01"))
            if not seus.is_finite():
                raise InvalidOperation
        except InvalidOperation:
            problems.append(f"seus '{row['seus']}' must be a number")
        activity = row["activity"]
        if not activity:
            problems.append("activity is empty")
        elif len(activity) > activity_max:
            problems.append(f"activity is longer than {activity_max} characters")
        if not problems:
            key = (practitioner.pk, earned_on, category.pk, activity, seus)
            if stored[key]:
                stored[key] -= 1
                unchanged += 1
                continue
            try:
                create_seu_entry(
                    practitioner=practitioner,
                    earned_on=earned_on,
                    category=category,
                    activity=activity,
                    seus=seus,
                )
            except ValidationError as exc:
                problems.extend(exc.messages)
            else:
                created += 1
        if problems:
            errors.append((line, "; ".join(problems)))
    if errors:
        raise ImportRefused(errors)
    if dry_run:
        transaction.set_rollback(True)
    return ImportResult(created=created, unchanged=unchanged, dry_run=dry_run)
