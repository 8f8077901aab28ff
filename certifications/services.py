"""Writes for practitioners: accounts made for them, their profile and calendar link.

The other writes of this app live in modules named for what they do:
`issuing` (credentials), `courses` (courses, rosters, attendance, closing) and
`imports` (spreadsheets).
"""

import secrets
from itertools import batched

from allauth.account.forms import default_token_generator
from allauth.account.models import EmailAddress
from allauth.account.utils import user_pk_to_url_str
from django.conf import settings
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from cspo_tracker import bulk

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


def unusable_password():
    """What `set_unusable_password` stores (the prefix marks it unusable; the random tail
    only keeps stored values distinct), drawn in one call for bulk creation."""
    return UNUSABLE_PASSWORD_PREFIX + secrets.token_hex(20)


@transaction.atomic
def get_or_create_practitioners(*, people, batch_size=bulk.BATCH_SIZE):
    """`get_or_create_practitioner` for many people at once (an import): `people` maps a
    normalised email to (first_name, last_name). Users and profiles are looked up in a few
    set queries and the missing ones inserted in bulk. Returns {email: practitioner id}."""
    users = {}
    for chunk in batched(list(people), batch_size):
        users.update(User.objects.filter(email__in=chunk).values_list("email", "pk"))
    new = [email for email in people if email not in users]
    ids = bulk.insert_rows(
        User,
        ("email", "first_name", "last_name", "password"),
        ((email, *people[email], unusable_password()) for email in new),
        returning_ids=True,
    )
    users.update(zip(new, ids, strict=True))
    profiles = {}
    for chunk in batched(list(users.values()), batch_size):
        profiles.update(Practitioner.objects.filter(user_id__in=chunk).values_list("user_id", "pk"))
    missing = [uid for uid in users.values() if uid not in profiles]
    ids = bulk.insert_rows(
        Practitioner, ("user_id",), ((uid,) for uid in missing), returning_ids=True
    )
    profiles.update(zip(missing, ids, strict=True))
    return {email: profiles[uid] for email, uid in users.items()}


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


def start_practitioner(*, user, time_zone):
    """The new account's practitioner profile, in the time zone chosen at sign-up."""
    practitioner, _ = Practitioner.objects.update_or_create(
        user=user, defaults={"time_zone": time_zone}
    )
    return practitioner


@transaction.atomic
def update_profile(
    *, practitioner, first_name, last_name, time_zone, optional_reminders, language=None
):
    """Save the practitioner's name, time zone, reminder preference and, when given,
    language ("" follows the browser)."""
    user = practitioner.user
    user.first_name, user.last_name = first_name, last_name
    user.save(update_fields=["first_name", "last_name"])
    if language is not None:
        set_language(user=user, language=language)
    practitioner.time_zone = time_zone
    practitioner.optional_reminders = optional_reminders
    practitioner.save(update_fields=["time_zone", "optional_reminders"])
    return practitioner


def set_language(*, user, language):
    """Store the language `user` chose for pages and emails; "" follows the browser.
    Raises ValidationError for a language the site does not speak."""
    if language not in {"", *dict(settings.LANGUAGES)}:
        raise ValidationError(_("Choose one of the languages offered."), code="unknown_language")
    if user.language != language:
        user.language = language
        user.save(update_fields=["language"])
    return user


@transaction.atomic
def reset_calendar_token(*, practitioner):
    """Issue a new secret calendar URL; the old one stops working at once."""
    practitioner.calendar_token = secrets.token_urlsafe()
    practitioner.save(update_fields=["calendar_token"])
    return practitioner
