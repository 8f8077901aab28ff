"""Removing someone from a course's roster before the course is closed."""

from auditlog.context import set_actor
from auditlog.models import LogEntry
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from ..models import Attendance, Course, Credential, Enrollment


@transaction.atomic
def unenroll(*, enrollment, by):
    """Take an attendee off the roster of a course that is not closed; their attendance
    goes with them. The audit log keeps the removal with who did it: on the enrollment,
    and on the course and the practitioner (with the hours that were recorded), so both
    their trails show it. A closed course keeps its roster (staff revoke a credential)."""
    course = Course.objects.select_for_update().get(pk=enrollment.course_id)
    if course.status == Course.Status.CLOSED:
        raise ValidationError(
            _("The course is closed: its roster stays as it was. Revoke a credential instead.")
        )
    enrollment = Enrollment.objects.select_related("practitioner__user").get(pk=enrollment.pk)
    if Credential.objects.filter(course=course, holder_id=enrollment.practitioner_id).exists():
        raise ValidationError(_("A credential was issued from this enrollment; revoke it instead."))
    hours = [
        f"{a.hours_attended.normalize():f}"
        for a in Attendance.objects.filter(enrollment=enrollment).order_by("session__position")
    ]
    was = f"{enrollment.practitioner} in {course.title}" + (
        f" ({' + '.join(hours)} h recorded)" if hours else ""
    )
    with set_actor(by):
        enrollment.delete()
    for record in (course, enrollment.practitioner):
        LogEntry.objects.log_create(
            record, action=LogEntry.Action.UPDATE, changes={"roster": [was, "removed"]}, actor=by
        )
