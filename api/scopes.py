"""What a token may do. A personal token acts for its user within its scopes; an
organisation token acts for its organisation (an SEU provider) within its scopes."""

from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

SCOPES = {
    "seus:read": _("Read your SEU log and the SEU categories."),
    "seus:write": _(
        "Log, change and delete your SEUs and their evidence; for an SEU "
        "provider's organisation token, report attendees' SEUs."
    ),
    "credentials:read": _("Read your credentials, their status and renewal progress."),
    "courses:write": _("Trainers: read your courses and rosters, close a course."),
    "attendance:write": _("Trainers: record attendance on your courses."),
    "webhooks:manage": _("Subscribe URLs to events and read their delivery log."),
}

# The scope's code stays as it is; only its description is translated, when shown.
SCOPE_CHOICES = [
    (name, format_lazy("{name}: {text}", name=name, text=text)) for name, text in SCOPES.items()
]


def unknown_scopes(scopes):
    return sorted(set(scopes) - set(SCOPES))
