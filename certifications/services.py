"""Writes for certifications: issuing credentials."""

import secrets

from django.db import IntegrityError, transaction

from renewals.services import open_cycle

from .models import Credential, Practitioner, User


def new_certificate_number(program):
    """A certificate number that cannot be guessed from its neighbours:
    the program code and 40 random bits, e.g. CSPO-7F3A9C21B4."""
    return f"{program.code.upper()}-{secrets.token_hex(5).upper()}"


@transaction.atomic
def issue_credential(
    *, holder, program, issued_on, course=None, certificate_number=None, expires_on=None
):
    """Issue `program` to `holder`, valid for the program's validity from `issued_on`,
    and open its first renewal cycle."""
    expires_on = expires_on or program.expiry_for(issued_on)
    for _attempt in range(5):
        number = certificate_number or new_certificate_number(program)
        try:
            with transaction.atomic():
                credential = Credential.objects.create(
                    holder=holder,
                    program=program,
                    certificate_number=number,
                    issued_on=issued_on,
                    expires_on=expires_on,
                    course=course,
                )
            break
        except IntegrityError:
            if certificate_number or not _number_taken(number):
                raise
    else:  # pragma: no cover - 5 collisions in 2**40 numbers
        raise RuntimeError("Could not draw a free certificate number.")
    open_cycle(credential=credential)
    return credential


def _number_taken(number):
    return Credential.objects.filter(certificate_number=number).exists()


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
