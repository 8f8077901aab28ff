"""Writes for practitioners: accounts made for them, their profile and calendar link.

The other writes of this app live in modules named for what they do:
`issuing` (credentials), `courses` (courses, rosters, attendance, closing) and
`imports` (spreadsheets).
"""

import secrets
from itertools import batched

from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
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


def unusable_password():
    """What `set_unusable_password` stores (the prefix marks it unusable; the random tail
    only keeps stored values distinct), drawn in one call for bulk creation."""
    return UNUSABLE_PASSWORD_PREFIX + secrets.token_hex(20)


@transaction.atomic
def get_or_create_practitioners(*, people, batch_size=2000):
    """`get_or_create_practitioner` for many people at once (an import): `people` maps a
    normalised email to (first_name, last_name). Users and profiles are looked up and
    created in a few set queries. Returns {email: practitioner id}."""
    emails = list(people)
    users = {}
    for chunk in batched(emails, batch_size):
        users.update(User.objects.filter(email__in=chunk).values_list("email", "pk"))
    new_users = [
        User(email=email, first_name=first, last_name=last, password=unusable_password())
        for email, (first, last) in people.items()
        if email not in users
    ]
    for chunk in batched(new_users, batch_size):
        User.objects.bulk_create(chunk)
    users.update((user.email, user.pk) for user in new_users)
    del new_users
    profiles = {}
    user_ids = list(users.values())
    for chunk in batched(user_ids, batch_size):
        profiles.update(Practitioner.objects.filter(user_id__in=chunk).values_list("user_id", "pk"))
    new_profiles = [Practitioner(user_id=uid) for uid in user_ids if uid not in profiles]
    for chunk in batched(new_profiles, batch_size):
        Practitioner.objects.bulk_create(chunk)
    profiles.update((p.user_id, p.pk) for p in new_profiles)
    return {email: profiles[uid] for email, uid in users.items()}


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
