"""Courses for trainers and staff: create, roster, attendance grid, closing, audit trail.

A trainer sees only their own courses (another's answers 404); staff see all;
practitioners get 403.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from . import courses
from .course_forms import CourseForm, EnrollForm, RosterUploadForm, session_formset
from .permissions import course_runner_required
from .selectors import attendance_changes, attendance_grid, courses_for


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
    return render(
        request, "certifications/course_list.html", {"courses": courses_for(request.user)}
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
            messages.success(request, f"Course created with {course.sessions.count()} sessions.")
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
            messages.success(request, "Course saved.")
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


@require_POST
@course_runner_required
def course_enroll(request, pk):
    course = _course(request, pk)
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
            note = f" ({skipped} already enrolled)" if skipped else ""
            messages.success(request, f"Enrolled {len(created)}{note}.")
            return redirect("course_detail", pk=course.pk)
    return _render_detail(request, course, enroll_form, upload_form)


@course_runner_required
def course_attendance(request, pk):
    course = _course(request, pk)
    errors = {}
    submitted = {}
    if request.method == "POST":
        for key, value in request.POST.items():
            if key.startswith("h-"):
                try:
                    enrollment_id, session_id = (int(part) for part in key[2:].split("-"))
                except ValueError:
                    continue
                submitted[(enrollment_id, session_id)] = value
        try:
            changes = courses.record_attendance(course=course, hours=submitted, by=request.user)
        except ValidationError as error:
            errors = {
                f"h-{e}-{s}": messages_[0] for (e, s), messages_ in error.message_dict.items()
            }
            messages.error(request, "Nothing was saved: correct the highlighted hours.")
        else:
            messages.success(request, f"Attendance saved ({len(changes)} change(s)).")
            return redirect("course_attendance", pk=course.pk)
    grid = attendance_grid(course)
    rows = []
    for row in grid.rows:
        cells = []
        for session, hours in row.cells:
            name = f"h-{row.enrollment.pk}-{session.pk}"
            value = submitted.get((row.enrollment.pk, session.pk))
            if value is None:
                value = "" if hours is None else f"{hours.normalize():f}"
            cells.append(
                {"session": session, "name": name, "value": value, "error": errors.get(name)}
            )
        rows.append((row, cells))
    return render(
        request,
        "certifications/attendance_grid.html",
        {"course": course, "grid": grid, "rows": rows},
    )


@require_POST
@course_runner_required
def course_close(request, pk):
    course = _course(request, pk)
    result = courses.close_course(course=course, by=request.user)
    messages.success(
        request,
        f"Course closed: {len(result.issued)} credential(s) issued"
        + (f", {len(result.already_issued)} issued before" if result.already_issued else "")
        + (
            f", {len(result.already_held)} already held the program (no second credential)"
            if result.already_held
            else ""
        )
        + (
            f", {len(result.renewed)} other credential(s) renewed to the new expiry"
            if result.renewed
            else ""
        )
        + (f"; {len(result.missed)} missed hours (listed below)." if result.missed else "."),
    )
    return redirect("course_detail", pk=course.pk)


@course_runner_required
def course_history(request, pk):
    """The attendance audit trail, for staff."""
    if not request.user.is_staff:
        raise PermissionDenied("The audit trail is for staff.")
    course = _course(request, pk)
    return render(
        request,
        "certifications/attendance_history.html",
        {"course": course, "changes": attendance_changes(course)},
    )
