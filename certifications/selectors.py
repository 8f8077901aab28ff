"""Reads for certifications."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import (
    BooleanField,
    Case,
    Count,
    ExpressionWrapper,
    F,
    FloatField,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, TruncMonth
from django.utils.translation import gettext

from .dates import today_for
from .models import (
    Attendance,
    AttendanceChange,
    Course,
    CourseSession,
    Credential,
    Enrollment,
    Practitioner,
    Trainer,
)


def practitioner_for(user):
    """The practitioner profile of a logged-in user (created on first need)."""
    practitioner, _ = Practitioner.objects.select_related("user").get_or_create(user=user)
    return practitioner


def credentials_of(practitioner):
    return Credential.objects.filter(holder=practitioner).with_related().order_by("expires_on")


# --- Courses, rosters, attendance (trainers and staff) -------------------------------

ZERO = Decimal("0")


def active_trainer_rows(user):
    """The user's Trainer row while they are an active Certified Scrum Trainer."""
    return Trainer.objects.filter(user=user, is_active=True)


def can_run_courses(user):
    """Staff and Certified Scrum Trainers run courses; practitioners do not."""
    if not user.is_authenticated:
        return False
    return user.is_staff or active_trainer_rows(user).exists()


def courses_for(user):
    """The courses `user` may see: all for staff, their own for a trainer, none otherwise.
    Annotated with how many are enrolled and how many credentials were issued, each a
    subquery per course: counted only for the rows a page reads, where joins grouped
    over every course counted them all before the page was cut."""
    courses = Course.objects.select_related("program", "trainer__user").annotate(
        enrolled=_count_for_course(Enrollment.objects.all()),
        issued=_count_for_course(Credential.objects.all()),
    )
    if user.is_staff:
        return courses
    # The trainer's id as a scalar subquery, a constant when the query runs: PostgreSQL
    # reads their courses through course_trainer_page_order, in the list's order, where a
    # join to the trainer walked every course in that order.
    return courses.filter(trainer=Subquery(Trainer.objects.filter(user=user).values("pk")[:1]))


def trainers_for(user, program=None):
    """Trainers `user` may pick as a course leader: any active CST for staff, themselves
    for a trainer."""
    trainers = Trainer.objects.filter(is_active=True).select_related("user")
    if not user.is_staff:
        trainers = trainers.filter(user=user)
    if program is not None:
        trainers = trainers.filter(programs=program)
    return trainers


@dataclass(frozen=True)
class SessionShortfall:
    session: CourseSession
    attended: Decimal

    @property
    def missing(self):
        return self.session.hours - self.attended


@dataclass(frozen=True)
class AttendanceOutcome:
    """Whether one attendee met the program's attendance rule, and what they missed."""

    total: Decimal
    required: Decimal
    shortfalls: tuple
    met: bool

    @property
    def hours_missing(self):
        return max(self.required - self.total, ZERO)

    def describe_missing(self):
        parts = [
            gettext("session %(number)s (%(day)s): %(attended)s of %(hours)s h")
            % {
                "number": s.session.position,
                "day": f"{s.session.held_on.day} {s.session.held_on:%b}",
                "attended": f"{s.attended.normalize():f}",
                "hours": f"{s.session.hours.normalize():f}",
            }
            for s in self.shortfalls
        ]
        if self.hours_missing:
            parts.append(
                gettext("total %(attended)s of %(required)s h")
                % {
                    "attended": f"{self.total.normalize():f}",
                    "required": f"{self.required.normalize():f}",
                }
            )
        return "; ".join(parts)


def attendance_outcome(*, program, sessions, hours_by_session):
    """The program's attendance rule (docs/domain.md, "Earning a CSPO"): at least
    `course_hours_required` hours in total and, when `course_requires_all_sessions`,
    every session attended in full. `hours_by_session` maps session id to hours."""
    total = ZERO
    shortfalls = []
    for session in sessions:
        attended = hours_by_session.get(session.pk) or ZERO
        total += attended
        if attended < session.hours:
            shortfalls.append(SessionShortfall(session, attended))
    required = program.course_hours_required
    all_sessions_ok = not shortfalls or not program.course_requires_all_sessions
    return AttendanceOutcome(
        total=total,
        required=required,
        shortfalls=tuple(shortfalls) if program.course_requires_all_sessions else (),
        met=total >= required and all_sessions_ok,
    )


@dataclass(frozen=True)
class GridRow:
    enrollment: Enrollment
    cells: list  # [(session, hours or None)], in session order
    outcome: AttendanceOutcome
    credential: Credential | None  # issued by this course
    held: Credential | None = None  # else the attendee's own of the program (latest expiry)


@dataclass(frozen=True)
class AttendanceGrid:
    course: Course
    sessions: list
    rows: list

    @property
    def session_hours(self):
        return sum((s.hours for s in self.sessions), ZERO)

    @property
    def met_count(self):
        return sum(1 for row in self.rows if row.outcome.met)


def attendance_grid(course):
    """The roster with attendance per session, totals and the rule's outcome, in four
    queries whatever the size of the course."""
    sessions = list(course.sessions.order_by("position", "held_on"))
    enrollments = list(
        course.enrollments.select_related("practitioner__user").order_by(
            "practitioner__user__last_name", "practitioner__user__first_name", "pk"
        )
    )
    hours = {
        (a.enrollment_id, a.session_id): a.hours_attended
        for a in Attendance.objects.filter(session__course=course).only(
            "enrollment_id", "session_id", "hours_attended"
        )
    }
    issued, held = {}, {}
    for c in (
        Credential.objects.filter(
            Q(course=course)
            | Q(
                program_id=course.program_id,
                holder_id__in=[e.practitioner_id for e in enrollments],
            )
        )
        .only(
            "pk",
            "holder_id",
            "program_id",
            "course_id",
            "certificate_number",
            "issued_on",
            "expires_on",
            "revoked_at",
        )
        .order_by("expires_on")
    ):
        c.program = course.program
        (issued if c.course_id == course.pk else held)[c.holder_id] = c
    rows = []
    for enrollment in enrollments:
        by_session = {
            s.pk: hours[(enrollment.pk, s.pk)] for s in sessions if (enrollment.pk, s.pk) in hours
        }
        rows.append(
            GridRow(
                enrollment=enrollment,
                cells=[(s, by_session.get(s.pk)) for s in sessions],
                outcome=attendance_outcome(
                    program=course.program, sessions=sessions, hours_by_session=by_session
                ),
                credential=issued.get(enrollment.practitioner_id),
                held=held.get(enrollment.practitioner_id),
            )
        )
    return AttendanceGrid(course=course, sessions=sessions, rows=rows)


def held_credentials(pairs):
    """{(holder_id, program_id): credential} for each pair whose holder still holds a
    credential of that program (Credential.is_held_on, on the holder's own today), the
    latest expiring one; one query whatever the number of pairs. The one rule for "holds
    it already": a closing course renews that credential rather than issuing a second,
    and a claim of that program is not approved."""
    pairs = set(pairs)
    if not pairs:
        return {}
    held = {}
    for c in (
        Credential.objects.filter(
            holder_id__in={h for h, _ in pairs}, program_id__in={p for _, p in pairs}
        )
        .select_related("program", "holder")
        .order_by("expires_on", "pk")
    ):
        key = (c.holder_id, c.program_id)
        if key in pairs and c.is_held_on(today_for(c.holder)):
            held[key] = c
    return held


def attendance_changes(course):
    """The audit trail of a course's attendance, newest first."""
    return (
        AttendanceChange.objects.filter(session__course=course)
        .select_related("changed_by", "session", "enrollment__practitioner__user")
        .order_by("-changed_at", "-id")
    )


# --- Public verification and reports ---------------------------------------------------


def credential_by_number(certificate_number):
    """The credential with this certificate number (exact), or None."""
    return Credential.objects.with_related().filter(certificate_number=certificate_number).first()


def _count_of(queryset):
    """A correlated COUNT(*) subquery of `queryset` (already filtered on OuterRef("pk")):
    each count reads only its own course's rows, through the course's index."""
    return Coalesce(
        Subquery(
            queryset.order_by().values("course_id").annotate(n=Count("pk")).values("n")[:1],
            output_field=IntegerField(),
        ),
        0,
    )


def course_completion_report():
    """Every course with enrolled, completed (met the attendance rule when the course
    closed, whether a credential was issued or the one held was renewed), credentials
    issued and completion rate (percent of enrolled; None before the course closes).
    Each figure is its own grouped subquery per course: nothing joins a course's
    enrollments with its credentials, so a page of courses costs the same however many
    courses and credentials there are."""
    course = OuterRef("pk")
    return (
        Course.objects.select_related("program", "trainer__user")
        .annotate(
            enrolled=_count_of(Enrollment.objects.filter(course=course)),
            completed=_count_of(Enrollment.objects.filter(course=course, completed=True)),
            issued=_count_of(Credential.objects.filter(course=course)),
        )
        .annotate(
            completion_rate=Case(
                When(Q(enrolled=0) | ~Q(status=Course.Status.CLOSED), then=Value(None)),
                default=ExpressionWrapper(
                    F("completed") * 100.0 / F("enrolled"), output_field=FloatField()
                ),
                output_field=FloatField(),
            )
        )
        .order_by("-starts_on", "title", "pk")
    )


def credentials_issued_per_month():
    """Rows of (month, program code, count) of credentials by issue month, newest first."""
    return (
        Credential.objects.annotate(month=TruncMonth("issued_on"))
        .values("month", "program__code")
        .annotate(count=Count("pk"))
        .order_by("-month", "program__code")
    )


# --- Course progress and the closing preview (trainer home, staff console) -------------


def _count_for_course(queryset, course_field="course"):
    return Coalesce(
        Subquery(
            queryset.filter(**{course_field: OuterRef("pk")})
            .order_by()
            .values(course_field)
            .annotate(n=Count("pk"))
            .values("n")
        ),
        0,
    )


def with_progress(courses, *, today):
    """Annotate courses with what is left to do: `cells_missing` (attendance cells of
    sessions held by `today` not yet recorded) and `ready_to_close` (open, ended, someone
    enrolled, nothing missing). Subqueries: the same query count for any number of
    courses."""
    courses = courses.annotate(
        roster=_count_for_course(Enrollment.objects.all()),
        held_sessions=_count_for_course(CourseSession.objects.filter(held_on__lte=today)),
        recorded=_count_for_course(
            Attendance.objects.filter(session__held_on__lte=today), "session__course"
        ),
    ).annotate(cells_missing=F("roster") * F("held_sessions") - F("recorded"))
    return courses.annotate(
        ready_to_close=Case(
            When(
                Q(status=Course.Status.PLANNED, ends_on__lte=today, roster__gt=0, cells_missing=0),
                then=Value(True),
            ),
            default=Value(False),
            output_field=BooleanField(),
        )
    )


def open_courses(user, *, today):
    """The user's courses not closed yet, soonest first, with their progress."""
    return with_progress(
        courses_for(user).filter(status=Course.Status.PLANNED), today=today
    ).order_by("starts_on", "pk")


def courses_ready_to_close(user, *, today):
    # `ends_on` first: a plain column test PostgreSQL runs before the progress subqueries,
    # so only the open courses that have ended are counted (half the open ones at 1M
    # credentials); ready_to_close says the same, after counting.
    return open_courses(user, today=today).filter(ends_on__lte=today, ready_to_close=True)


@dataclass(frozen=True)
class ClosingLine:
    """What closing the course does for one attendee."""

    row: GridRow
    outcome: str  # "issue", "issued_before", "held", "missed"
    expires_on: object = None  # the new or renewed expiry
    email: str = ""  # the email this closing sends the attendee, if any


def closing_preview(course):
    """Who closing `course` gives a credential, who not and why, and which emails go out:
    the same decisions as certifications.courses.services.close_course, read without writing (the
    attendance grid's queries, nothing per attendee)."""
    grid = attendance_grid(course)
    program = course.program
    expires_on = program.expiry_for(course.ends_on)
    lines = []
    for row in grid.rows:
        holder = row.enrollment.practitioner
        if not row.outcome.met:
            lines.append(ClosingLine(row, "missed"))
        elif row.credential is not None:
            lines.append(ClosingLine(row, "issued_before", row.credential.expires_on))
        elif row.held is not None and row.held.is_held_on(today_for(holder)):
            lines.append(ClosingLine(row, "held", max(expires_on, row.held.expires_on)))
        else:
            lines.append(ClosingLine(row, "issue", expires_on, email="welcome"))
    return grid, lines
