"""Writes for portable credentials: sign a credential, re-sign after a renewal, revoke,
and re-sign a status list when one of its bits changed. Keyword-only, one transaction."""

import logging

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy

from cspo_tracker.outbox import services as outbox

from ..models import Credential, SignedCredential, StatusList, display_name
from ..signals import credential_revoked
from . import documents, signing, status_list

logger = logging.getLogger(__name__)


class HolderHasNoName(Exception):
    """A credential is never signed without its holder's name: the subject of a
    signed credential is the name printed on the certificate, not "(name not given)"."""

    message = gettext_lazy(
        "The holder has not given their name yet, so this credential cannot be signed. "
        "It is signed as soon as they do (they are asked when they next log in)."
    )

    def __str__(self):
        return str(self.message)


@transaction.atomic
def issue_signed_credential(credential, *, now=None):
    """The signed OpenBadgeCredential for `credential`'s current expiry, made (and
    stored) the first time it is needed; the same one afterwards while the holder's name
    stays the same. A corrected name re-signs that copy in place (same id and status bit:
    copies already handed out still verify). A credential whose expiry moved (a renewal)
    gets a new copy with the same `id`, a later `validFrom` and the first award in
    `awardedDate`; earlier copies stay valid until their date. Raises HolderHasNoName
    when the holder has no name."""
    credential = Credential.objects.with_related().get(pk=credential.pk)
    name = display_name(credential.holder)
    if not name:
        raise HolderHasNoName
    existing = (
        SignedCredential.objects.select_for_update()
        .filter(credential=credential, valid_until=credential.expires_on)
        .exclude(signed_json="")
        .first()
    )
    if existing and documents.subject_name(existing.document) == name:
        return existing
    now = now or timezone.now()
    signed = existing or _new_signed_credential(credential)
    if signed is not existing and signed.signed_json:  # another request signed it first
        return signed
    signed.credential = credential
    signed.document = signing.sign(documents.open_badge_credential(signed), created=now)
    signed.save(update_fields=["signed_json"])
    return signed


def _new_signed_credential(credential):
    """A row for the credential's current expiry with a free random status index. A clash
    on the index draws again; a clash on (credential, expiry) means another request is
    signing it: wait for that one (row lock) and return it."""
    used = SignedCredential.objects.count()
    renewed = SignedCredential.objects.filter(credential=credential).exists()
    for _attempt in range(20):
        try:
            with transaction.atomic():
                return SignedCredential.objects.create(
                    credential=credential,
                    # A later copy (after a renewal) is valid from the day it is signed.
                    valid_from=timezone.now().date() if renewed else credential.issued_on,
                    valid_until=credential.expires_on,
                    status_index=status_list.random_index(used),
                )
        except IntegrityError:
            taken = SignedCredential.objects.select_for_update().filter(
                credential=credential, valid_until=credential.expires_on
            )
            if taken.exists():
                return taken.get()
    raise RuntimeError("Could not draw a free status index in 20 attempts.")  # pragma: no cover


@transaction.atomic
def revoke_credential(*, credential, by, reason, now=None):
    """Revoke a credential for good: its revocation bit is set in every signed copy and
    the revocation status lists are re-signed. Who, when and why are kept for audit."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": gettext("Say why the credential is revoked.")})
    credential = Credential.objects.select_for_update().get(pk=credential.pk)
    if credential.revoked_at is not None:
        return credential
    credential.revoked_at = now or timezone.now()
    credential.revoked_reason = reason
    credential.revoked_by = by
    credential.save(update_fields=["revoked_at", "revoked_reason", "revoked_by"])
    logger.info(
        "Credential %s revoked by user %s", credential.certificate_number, getattr(by, "pk", None)
    )
    holder = Credential.objects.with_related().get(pk=credential.pk).holder
    outbox.enqueue(
        "credential_revoked",
        {"credential": credential, "holder": holder, "reason": reason},
        to=holder.user.email,
        key=f"credential_revoked:{credential.pk}",
    )
    for number in _list_numbers(credential):
        refresh_status_list(purpose=StatusList.Purpose.REVOCATION, number=number, now=now)
    credential_revoked.send(sender=Credential, credential=credential)
    return credential


def _list_numbers(credential):
    indexes = credential.signed_documents.values_list("status_index", flat=True)
    return sorted({status_list.location(index)[0] for index in indexes})


def _positions_set(purpose, number):
    """Positions whose bit is set, computed from the database: revoked credentials for
    revocation; lapsed (and not revoked) credentials for suspension."""
    first = number * status_list.LIST_SIZE
    signed = SignedCredential.objects.filter(
        status_index__gte=first, status_index__lt=first + status_list.LIST_SIZE
    )
    if purpose == StatusList.Purpose.REVOCATION:
        signed = signed.filter(credential__revoked_at__isnull=False)
    else:
        signed = signed.filter(
            credential__status=Credential.Status.LAPSED, credential__revoked_at__isnull=True
        )
    return [index - first for index in signed.values_list("status_index", flat=True)]


@transaction.atomic
def refresh_status_list(*, purpose, number, now=None):
    """The signed status list `purpose`/`number`, re-signed only when a bit changed since
    it was last signed (revoked, lapsed or renewed credentials)."""
    if purpose not in StatusList.Purpose.values:
        raise ValueError(f"Unknown status purpose {purpose!r}.")
    encoded = status_list.encode(_positions_set(purpose, number))
    current = StatusList.objects.select_for_update().filter(purpose=purpose, number=number).first()
    if current and current.encoded_list == encoded:
        return current
    now = now or timezone.now()
    document = signing.sign(
        documents.status_list_credential(
            purpose=purpose,
            number=number,
            encoded_list=encoded,
            valid_from=signing.utc_timestamp(now),
        ),
        created=now,
    )
    if current is None:
        try:
            with transaction.atomic():
                return StatusList.objects.create(
                    purpose=purpose,
                    number=number,
                    encoded_list=encoded,
                    document=document,
                    signed_at=now,
                )
        except IntegrityError:
            current = StatusList.objects.select_for_update().get(purpose=purpose, number=number)
    current.encoded_list, current.document, current.signed_at = encoded, document, now
    current.save(update_fields=["encoded_list", "signed_json", "signed_at"])
    return current


def refresh_status_lists(*, now=None):
    """Re-sign every status list in use whose bits changed (after the daily sweep has
    lapsed or reinstated credentials); lists that did not change are left alone."""
    last = (
        SignedCredential.objects.order_by("-status_index")
        .values_list("status_index", flat=True)
        .first()
    )
    if last is None:
        return []
    return [
        refresh_status_list(purpose=purpose, number=number, now=now)
        for number in range(status_list.location(last)[0] + 1)
        for purpose in StatusList.Purpose.values
    ]
