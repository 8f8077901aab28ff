"""What a token may do. A personal token acts for its user within its scopes; an
organisation token acts for its organisation (an SEU provider) within its scopes."""

SCOPES = {
    "seus:read": "Read your SEU log and the SEU categories.",
    "seus:write": "Log, change and delete your SEUs and their evidence; for an SEU "
    "provider's organisation token, report attendees' SEUs.",
    "credentials:read": "Read your credentials, their status and renewal progress.",
    "courses:write": "Trainers: read your courses and rosters, close a course.",
    "attendance:write": "Trainers: record attendance on your courses.",
    "webhooks:manage": "Subscribe URLs to events and read their delivery log.",
}

SCOPE_CHOICES = [(name, f"{name}: {text}") for name, text in SCOPES.items()]


def unknown_scopes(scopes):
    return sorted(set(scopes) - set(SCOPES))
