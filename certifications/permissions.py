"""Who may reach the course and staff pages: refused users get 403, not a login loop."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from .mfa import mark_mfa_required
from .selectors import can_run_courses


def course_runner_required(view):
    """Staff and active Certified Scrum Trainers only, with two-factor sign-in (mfa.py)."""

    @mark_mfa_required
    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not can_run_courses(request.user):
            raise PermissionDenied(_("Only staff and Certified Scrum Trainers run courses."))
        return view(request, *args, **kwargs)

    return wrapper


def staff_required(view):
    """Staff only, with two-factor sign-in (mfa.py)."""

    @mark_mfa_required
    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_staff:
            raise PermissionDenied(_("This page is for staff."))
        return view(request, *args, **kwargs)

    return wrapper
