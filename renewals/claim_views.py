"""Claim pages: the practitioner's claim form and claims, and the staff list where
claims are approved or rejected (rules in renewals/claims.py)."""

import mimetypes

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from certifications.permissions import staff_required
from certifications.selectors import practitioner_for

from . import claims
from .claim_forms import ClaimForm, ClaimRejectForm
from .claim_models import CredentialClaim


@login_required
def claim(request):
    practitioner = practitioner_for(request.user)
    form = ClaimForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            made = claims.submit_claim(practitioner=practitioner, **form.cleaned_data)
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(
                request,
                f"Claim of {made.certificate_number} sent: staff check it and you will get "
                "an email when they decide.",
            )
            return redirect("renewals:claim")
    return render(
        request,
        "renewals/claim.html",
        {"form": form, "claims": claims.claims_of(practitioner)},
    )


@staff_required
def staff_claims(request):
    return render(
        request,
        "renewals/staff_claims.html",
        {
            "pending": claims.pending_claims(),
            "decided": claims.recent_decisions(),
            "reject_form": ClaimRejectForm(),
        },
    )


def _decide(request, pk, action, done):
    claim_row = get_object_or_404(CredentialClaim, pk=pk)
    try:
        action(claim_row)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, done)
    return redirect("renewals:staff_claims")


@staff_required
@require_POST
def approve_claim(request, pk):
    return _decide(
        request,
        pk,
        lambda c: claims.approve_claim(claim=c, by=request.user),
        "Claim approved: the credential is issued and its renewal cycle is open.",
    )


@staff_required
@require_POST
def reject_claim(request, pk):
    form = ClaimRejectForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Say why the claim is rejected.")
        return redirect("renewals:staff_claims")
    return _decide(
        request,
        pk,
        lambda c: claims.reject_claim(claim=c, by=request.user, reason=form.cleaned_data["reason"]),
        "Claim rejected; the practitioner is told why by email.",
    )


@staff_required
def claim_evidence(request, pk):
    claim_row = get_object_or_404(CredentialClaim, pk=pk)
    if not claim_row.evidence:
        raise Http404("This claim has no evidence.")
    name = claim_row.evidence.name
    return FileResponse(
        claim_row.evidence.open("rb"),
        as_attachment=True,
        filename=f"claim-{claim_row.pk}-evidence{name[name.rfind('.') :] if '.' in name else ''}",
        content_type=mimetypes.guess_type(name)[0] or "application/octet-stream",
    )
