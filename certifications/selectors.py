"""Reads for certifications."""

from .models import Credential, Practitioner


def practitioner_for(user):
    """The practitioner profile of a logged-in user (created on first need)."""
    practitioner, _ = Practitioner.objects.select_related("user").get_or_create(user=user)
    return practitioner


def credentials_of(practitioner):
    return Credential.objects.filter(holder=practitioner).with_related().order_by("expires_on")
