"""Claims of credentials issued elsewhere: the practitioner claims a
certificate number for a program and issue date; staff approve it, which issues the
credential through the one issuing rule (certifications.issuing.services.issue_credential, so its
first renewal cycle opens), or reject it with a reason. Each step emails the claimant
once (outbox keys)."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from certifications.dates import today_for
from certifications.issuing.services import issue_credential, verification_url
from certifications.models import Credential
from certifications.selectors import held_credentials
from cspo_tracker.formats import day
from cspo_tracker.outbox import services as outbox
from seus.services import validate_evidence

from .models import CredentialClaim


def normalise_number(number):
    return (number or "").strip().upper()


@transaction.atomic
def submit_claim(*, practitioner, program, certificate_number, issued_on, evidence=None):
    """Record a claim waiting for staff. Refused, with the reason beside the field, for a
    number already held here, a number with a claim waiting, or a future issue date."""
    number = normalise_number(certificate_number)
    errors = {}
    if issued_on > today_for(practitioner):
        errors["issued_on"] = _("The issue date cannot be in the future.")
    if Credential.objects.filter(certificate_number=number).exists():
        errors["certificate_number"] = _(
            "A credential with this number is already recorded here. If it is yours "
            "and does not show on your dashboard, contact staff."
        )
    elif CredentialClaim.objects.filter(
        certificate_number=number, status=CredentialClaim.Status.PENDING
    ).exists():
        errors["certificate_number"] = _(
            "This certificate number is already claimed and waits for staff."
        )
    if evidence:
        try:
            validate_evidence(evidence)
        except ValidationError as exc:
            errors.update(exc.message_dict)
    claim = CredentialClaim(
        practitioner=practitioner,
        program=program,
        certificate_number=number,
        issued_on=issued_on,
        evidence=evidence or "",
    )
    try:
        claim.full_clean(exclude=["evidence", "practitioner", "program"])
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            errors.setdefault(field, messages[0])
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            claim.save()
    except IntegrityError as exc:  # two claims of one number at the same moment
        raise ValidationError(
            {
                "certificate_number": _(
                    "This certificate number is already claimed and waits for staff."
                )
            }
        ) from exc
    _email(claim, "claim_received")
    return claim


def _locked_pending(claim):
    claim = CredentialClaim.objects.select_for_update().get(pk=claim.pk)
    if claim.status != CredentialClaim.Status.PENDING:
        raise ValidationError(_("This claim was already decided."))
    return claim


@transaction.atomic
def approve_claim(*, claim, by, now=None):
    """Issue the claimed credential to the claimant (its cycle opens) and say so."""
    claim = _locked_pending(claim)
    if Credential.objects.filter(certificate_number=claim.certificate_number).exists():
        raise ValidationError(
            _("A credential with this number is already recorded: reject the claim instead.")
        )
    held = held_credential_for(claim)
    if held is not None:
        raise ValidationError(
            _(
                "%(holder)s holds %(code)s %(number)s already (expires %(expires_on)s): "
                "approving would issue a second one. Reject the claim with the reason."
            )
            % {
                "holder": claim.practitioner.full_name or claim.practitioner.email,
                "code": held.program.code,
                "number": held.certificate_number,
                "expires_on": day(held.expires_on),
            }
        )
    credential = issue_credential(
        holder=claim.practitioner,
        program=claim.program,
        issued_on=claim.issued_on,
        certificate_number=claim.certificate_number,
    )
    claim.status = CredentialClaim.Status.APPROVED
    claim.credential = credential
    claim.decided_by, claim.decided_at = by, now or timezone.now()
    claim.save(update_fields=["status", "credential", "decided_by", "decided_at"])
    _email(claim, "claim_approved")
    return claim


@transaction.atomic
def reject_claim(*, claim, by, reason, now=None):
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the claim is rejected.")})
    claim = _locked_pending(claim)
    claim.status = CredentialClaim.Status.REJECTED
    claim.rejection_reason = reason
    claim.decided_by, claim.decided_at = by, now or timezone.now()
    claim.save(update_fields=["status", "rejection_reason", "decided_by", "decided_at"])
    _email(claim, "claim_rejected")
    return claim


def _email(claim, template):
    claim = CredentialClaim.objects.select_related(
        "practitioner__user", "program", "credential"
    ).get(pk=claim.pk)
    context = {
        "claim": claim,
        "practitioner": claim.practitioner,
        "claims_url": settings.SITE_URL + reverse("renewals:claim"),
        "verify_url": verification_url(claim.credential) if claim.credential else "",
    }
    return outbox.enqueue(
        template, context, to=claim.practitioner.email, key=f"{template}:{claim.pk}"
    )


def held_credential_for(claim):
    """The credential of the claimed program its claimant holds already, or None: the
    same rule as a closing course (certifications.selectors.held_credentials). Such a
    claim is not approved, and its review page says so before anyone tries."""
    return held_credentials({(claim.practitioner_id, claim.program_id)}).get(
        (claim.practitioner_id, claim.program_id)
    )


def with_held(claims):
    """The claims, each with `.held`: the credential of its program its claimant holds
    already, or None (one query for all)."""
    claims = list(claims)
    held = held_credentials({(c.practitioner_id, c.program_id) for c in claims})
    for c in claims:
        c.held = held.get((c.practitioner_id, c.program_id))
    return claims


def pending_claims():
    """Claims waiting for staff, oldest first (the staff list)."""
    return (
        CredentialClaim.objects.filter(status=CredentialClaim.Status.PENDING)
        .select_related("practitioner__user", "program")
        .order_by("submitted_at", "pk")
    )


def recent_decisions(limit=20):
    return (
        CredentialClaim.objects.exclude(status=CredentialClaim.Status.PENDING)
        .select_related("practitioner__user", "program", "decided_by")
        .order_by("-decided_at", "-pk")[:limit]
    )


def pending_claims_of(practitioner):
    """The practitioner's claims waiting for staff (their dashboard lists them)."""
    return (
        claims_of(practitioner)
        .filter(status=CredentialClaim.Status.PENDING)
        .order_by("submitted_at", "pk")
    )


def claims_of(practitioner):
    return CredentialClaim.objects.filter(practitioner=practitioner).select_related("program")
