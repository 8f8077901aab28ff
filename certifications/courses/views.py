"""Courses for trainers and staff: create, roster, attendance grid, closing, audit trail.

A trainer sees only their own courses (another's answers 404); staff see all;
practitioners get 403.
"""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from cspo_tracker.paging import bounded_page

from ..dates import today_in
from ..permissions import course_runner_required
from ..selectors import (
    attendance_changes,
    attendance_grid,
    attendance_outcome,
    closing_preview,
    courses_for,
    courses_ready_to_close,
    with_progress,
)
from . import rosters
from . import services as courses
from .forms import CourseForm, EnrollForm, RosterUploadForm, session_formset

COURSES_PER_PAGE = 25


def _course(request, pk):
    return get_object_or_404(courses_for(request.user), pk=pk)


def _apply_errors(form, error):
    if hasattr(error, "error_dict"):
        for field, field_errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, field_errors)
    else:
        form.add_error(None, error)


@course_runner_required
def course_list(request):
    """The user's courses, latest first, a page at a time; `?show=ready` only those
    ready to close. Paged (bounded_page) because staff see every course: 40,000 at a
    million credentials, whose progress took seconds to count and render in one page."""
    today = today_in(settings.TIME_ZONE)
    courses = with_progress(courses_for(request.user), today=today)
    ready = request.GET.get("show") == "ready"
    if ready:
        courses = courses_ready_to_close(request.user, today=today)
    # The order of the course_report_page_order index: a page reads its rows and stops.
    page = bounded_page(
        courses.order_by("-starts_on", "title", "pk"),
        request.GET.get("page"),
        per_page=COURSES_PER_PAGE,
    )
    return render(
        request,
        "certifications/course_list.html",
        {
            "courses": page.object_list,
            "page": page,
            "page_query": "show=ready" if ready else "",
            "ready_only": ready,
        },
    )


@course_runner_required
def course_create(request):
    form = CourseForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            course = courses.create_course(**form.cleaned_data)
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            sessions = course.sessions.count()
            messages.success(
                request,
                ngettext(
                    "Course created with %(count)s session.",
                    "Course created with %(count)s sessions.",
                    sessions,
                )
                % {"count": sessions},
            )
            return redirect("course_detail", pk=course.pk)
    return render(request, "certifications/course_form.html", {"form": form, "course": None})


@course_runner_required
def course_edit(request, pk):
    course = _course(request, pk)
    data = request.POST or None
    form = CourseForm(data, instance=course, user=request.user)
    sessions = session_formset(course, data)
    if request.method == "POST" and form.is_valid() and sessions.is_valid():
        fields = {k: v for k, v in form.cleaned_data.items() if k != "program"}
        rows = [
            {**row, "delete": row.get("DELETE", False)}
            for row in sessions.cleaned_data
            if row.get("id") or row.get("held_on")
        ]
        try:
            with transaction.atomic():
                courses.update_course(course=course, **fields)
                courses.save_sessions(course=course, sessions=rows)
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("Course saved."))
            return redirect("course_detail", pk=course.pk)
    return render(
        request,
        "certifications/course_form.html",
        {"form": form, "course": course, "sessions": sessions},
    )


@course_runner_required
def course_detail(request, pk):
    course = _course(request, pk)
    return _render_detail(request, course, EnrollForm(), RosterUploadForm())


def _render_detail(request, course, enroll_form, upload_form):
    return render(
        request,
        "certifications/course_detail.html",
        {
            "course": course,
            "grid": attendance_grid(course),
            "enroll_form": enroll_form,
            "upload_form": upload_form,
        },
    )


@require_http_methods(["GET", "POST"])
@course_runner_required
def course_enroll(request, pk):
    course = _course(request, pk)
    if request.method == "GET":
        # Reloading the page a refused upload answered with: back to the course, not 405.
        return redirect("course_detail", pk=course.pk)
    enroll_form, upload_form = EnrollForm(), RosterUploadForm()
    if "pasted" in request.POST or request.FILES:
        upload_form = RosterUploadForm(request.POST, request.FILES)
        form = upload_form
        if form.is_valid():
            try:
                attendees = courses.parse_attendees(form.cleaned_data["text"])
            except ValidationError as error:
                form.add_error(None, error)
    else:
        enroll_form = EnrollForm(request.POST)
        form = enroll_form
        if form.is_valid():
            attendees = [courses.Attendee(**form.cleaned_data)]
    if form.is_valid():
        try:
            created = courses.enroll(course=course, attendees=attendees)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            skipped = len(attendees) - len(created)
            count = len(created)
            if skipped:
                # Translators: %(count)s people enrolled now, %(skipped)s enrolled before.
                message = ngettext(
                    "Enrolled %(count)s (%(skipped)s already enrolled).",
                    "Enrolled %(count)s (%(skipped)s already enrolled).",
                    count,
                )
            else:
                # Translators: %(count)s is the number of people enrolled.
                message = ngettext("Enrolled %(count)s.", "Enrolled %(count)s.", count)
            messages.success(request, message % {"count": count, "skipped": skipped})
            return redirect("course_detail", pk=course.pk)
    return _render_detail(request, course, enroll_form, upload_form)


ALL_PRESENT_SESSION, ALL_PRESENT_ROW = "present_session", "present_row"


def _submitted_cells(post):
    """The grid's cells as posted (`h-<enrollment>-<session>`), and the cells an "all
    present" button (the no-JavaScript fallback) marks present: it fills `p`, the same
    rule as typing it."""
    submitted = {}
    for key, value in post.items():
        if key.startswith("h-"):
            try:
                enrollment_id, session_id = (int(part) for part in key[2:].split("-"))
            except ValueError:
                continue
            submitted[(enrollment_id, session_id)] = value
    for button, index in ((ALL_PRESENT_SESSION, 1), (ALL_PRESENT_ROW, 0)):
        target = post.get(button, "")
        if target.isdecimal():  # int() reads it; isdigit() also takes "¹"
            for cell in submitted:
                if cell[index] == int(target):
                    submitted[cell] = courses.PRESENT
    return submitted


@course_runner_required
def course_attendance(request, pk):
    course = _course(request, pk)
    errors = {}
    submitted = {}
    if request.method == "POST":
        submitted = _submitted_cells(request.POST)
        try:
            changes = courses.record_attendance(course=course, hours=submitted, by=request.user)
        except ValidationError as error:
            errors = {
                f"h-{e}-{s}": messages_[0] for (e, s), messages_ in error.message_dict.items()
            }
            messages.error(request, _("Nothing was saved: correct the highlighted hours."))
        else:
            messages.success(
                request,
                ngettext(
                    "Attendance saved (%(count)s change).",
                    "Attendance saved (%(count)s changes).",
                    len(changes),
                )
                % {"count": len(changes)},
            )
            return redirect("course_attendance", pk=course.pk)
    grid = attendance_grid(course)
    rows = []
    for row in grid.rows:
        cells, entered = [], {}
        for session, hours in row.cells:
            name = f"h-{row.enrollment.pk}-{session.pk}"
            value = submitted.get((row.enrollment.pk, session.pk))
            if value is None:
                value = "" if hours is None else f"{hours.normalize():f}"
                if hours is not None:
                    entered[session.pk] = hours
            else:
                # After a refused save the totals follow what was typed, not the database.
                parsed, _error = courses.parse_hours(value, session)
                if parsed is not None:
                    entered[session.pk] = parsed
            cells.append(
                {"session": session, "name": name, "value": value, "error": errors.get(name)}
            )
        outcome = attendance_outcome(
            program=course.program, sessions=grid.sessions, hours_by_session=entered
        )
        rows.append((row, cells, outcome))
    return render(
        request,
        "certifications/attendance_grid.html",
        {"course": course, "grid": grid, "rows": rows},
    )


@course_runner_required
def course_close(request, pk):
    """GET shows who gets a credential, who does not and why, and the emails that go out;
    POST closes the course."""
    course = _course(request, pk)
    if request.method != "POST":
        grid, lines = closing_preview(course)
        return render(
            request,
            "certifications/close_confirm.html",
            {"course": course, "grid": grid, "lines": lines},
        )
    result = courses.close_course(course=course, by=request.user)
    messages.success(request, _closing_summary(result))
    return redirect("course_detail", pk=course.pk)


def _closing_summary(result):
    """What closing did, as a list of outcomes: each outcome is one whole phrase with its
    own plural, so a translation never assembles a sentence from pieces."""
    outcomes = [
        ngettext("%(count)s credential issued", "%(count)s credentials issued", len(result.issued))
        % {"count": len(result.issued)}
    ]
    if result.already_issued:
        count = len(result.already_issued)
        outcomes.append(
            ngettext("%(count)s issued before", "%(count)s issued before", count) % {"count": count}
        )
    if result.already_held:
        count = len(result.already_held)
        outcomes.append(
            ngettext(
                "%(count)s already held the program (no second credential)",
                "%(count)s already held the program (no second credential)",
                count,
            )
            % {"count": count}
        )
    if result.renewed:
        count = len(result.renewed)
        outcomes.append(
            ngettext(
                "%(count)s other credential renewed to the new expiry",
                "%(count)s other credentials renewed to the new expiry",
                count,
            )
            % {"count": count}
        )
    # Translators: joins the outcomes of closing a course into a list.
    summary = _(", ").join(outcomes)
    if result.missed:
        count = len(result.missed)
        # Translators: %(count)s attendees missed hours; they are listed below the message.
        return ngettext(
            "Course closed: %(outcomes)s; %(count)s missed hours (listed below).",
            "Course closed: %(outcomes)s; %(count)s missed hours (listed below).",
            count,
        ) % {"outcomes": summary, "count": count}
    return _("Course closed: %(outcomes)s.") % {"outcomes": summary}


@course_runner_required
def course_unenroll(request, pk, enrollment_pk):
    """GET asks to confirm; POST takes the attendee off the roster (audited)."""
    course = _course(request, pk)
    enrollment = get_object_or_404(
        course.enrollments.select_related("practitioner__user"), pk=enrollment_pk
    )
    if request.method == "POST":
        try:
            rosters.unenroll(enrollment=enrollment, by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                _("%(name)s is no longer enrolled.") % {"name": enrollment.practitioner},
            )
        return redirect("course_detail", pk=course.pk)
    return render(
        request,
        "certifications/unenroll_confirm.html",
        {"course": course, "enrollment": enrollment},
    )


@course_runner_required
def course_history(request, pk):
    """The attendance audit trail, for staff."""
    if not request.user.is_staff:
        raise PermissionDenied(_("The audit trail is for staff."))
    course = _course(request, pk)
    return render(
        request,
        "certifications/attendance_history.html",
        {"course": course, "changes": attendance_changes(course)},
    )
