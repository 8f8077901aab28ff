"""Reads for portable credentials."""

from ..models import Credential, SignedCredential
from .status_list import LIST_SIZE


def list_in_use(number):
    """A status list exists once a signed credential has its index in it."""
    first = number * LIST_SIZE
    return SignedCredential.objects.filter(
        status_index__gte=first, status_index__lt=first + LIST_SIZE
    ).exists()


def current_signed(credential):
    """The signed credential for the current expiry, if made already."""
    return (
        SignedCredential.objects.filter(credential=credential, valid_until=credential.expires_on)
        .exclude(signed_json="")
        .first()
    )


def credential_for_viewer(user, certificate_number):
    """The credential with this number if `user` holds it or is staff, else None (a
    stranger's credential and a missing one look the same)."""
    credentials = Credential.objects.with_related()
    if not user.is_staff:
        credentials = credentials.filter(holder__user=user)
    return credentials.filter(certificate_number=certificate_number).first()


def copy_at(certificate_number, pk):
    """The signed copy served at `/credentials/<number>/<pk>.json`, or None. That address
    of a credential's first copy is the `id` all its copies share, so it serves the
    current version (the latest expiry); a later copy's own address serves that copy."""
    copies = (
        SignedCredential.objects.select_related("credential")
        .filter(credential__certificate_number=certificate_number)
        .exclude(signed_json="")
    )
    first = copies.order_by("pk").values_list("pk", flat=True).first()
    if first is not None and first == pk:
        return copies.order_by("-valid_until").first()
    return copies.filter(pk=pk).first()
