"""Writes for practitioners: accounts made for them, their profile and calendar link.

The other writes of this app live in modules named for what they do:
`issuing` (credentials), `courses` (courses, rosters, attendance, closing) and
`imports` (spreadsheets).
"""

import secrets

from django.db import transaction

from .models import Practitioner, User


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
