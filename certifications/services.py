"""Writes for practitioners: accounts made for them, their profile and calendar link.

The other writes of this app live in modules named for what they do:
`issuing` (credentials), `courses` (courses, rosters, attendance, closing) and
`imports` (spreadsheets).
"""

import secrets

from allauth.account.forms import default_token_generator
from allauth.account.models import EmailAddress
from allauth.account.utils import user_pk_to_url_str
from django.conf import settings
from django.db import transaction
from django.urls import reverse

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
def get_or_create_invitee(*, email, first_name="", last_name=""):
    """The practitioner for an address someone else gave us (a trainer's roster, an SEU
    provider's report). A new account's address counts as verified: the only way in is
    the set-password link mailed to it. Returns (practitioner, needs_invitation): the
    user has no password yet, so should be sent `set_password_url`."""
    practitioner, created = get_or_create_practitioner(
        email=email, first_name=first_name, last_name=last_name
    )
    if created:
        EmailAddress.objects.get_or_create(
            user=practitioner.user,
            email=practitioner.user.email,
            defaults={"primary": True, "verified": True},
        )
    return practitioner, not practitioner.user.has_usable_password()


def set_password_url(user):
    """The absolute link that lets `user` choose a password (allauth's reset link)."""
    path = reverse(
        "account_reset_password_from_key",
        kwargs={
            "uidb36": user_pk_to_url_str(user),
            "key": default_token_generator.make_token(user),
        },
    )
    return settings.SITE_URL + path


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
