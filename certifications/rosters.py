"""Removing someone from a course's roster before the course is closed."""

from auditlog.context import set_actor
from django.core.exceptions import ValidationError
from django.db import transaction

from .models import Course, Credential, Enrollment


@transaction.atomic
def unenroll(*, enrollment, by):
    """Take an attendee off the roster of a course that is not closed; their attendance
    goes with them. The removal is kept in the audit log with who did it. A closed course
    keeps its roster (staff revoke a credential instead)."""
    course = Course.objects.select_for_update().get(pk=enrollment.course_id)
    if course.status == Course.Status.CLOSED:
        raise ValidationError(
            "The course is closed: its roster stays as it was. Revoke a credential instead."
        )
    if Credential.objects.filter(course=course, holder_id=enrollment.practitioner_id).exists():
        raise ValidationError("A credential was issued from this enrollment; revoke it instead.")
    with set_actor(by):
        Enrollment.objects.get(pk=enrollment.pk).delete()
