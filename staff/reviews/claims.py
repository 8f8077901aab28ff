"""The staff claims queue: claims of credentials issued elsewhere, with their evidence,
approved (the credential is issued by the one issuing rule) or rejected with a reason
(rules in renewals/claims/services.py)."""

import mimetypes

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from certifications.permissions import staff_required
from renewals.claims import services as claims
from renewals.claims.models import CredentialClaim

from .forms import ReasonForm


@staff_required
def staff_claims(request):
    return render(
        request,
        "staff/claims.html",
        {
            "pending": claims.with_held(claims.pending_claims()),
            "decided": claims.recent_decisions(),
            "reject_form": ReasonForm(),
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
    return redirect("staff_claims")


@staff_required
@require_POST
def approve_claim(request, pk):
    return _decide(
        request,
        pk,
        lambda c: claims.approve_claim(claim=c, by=request.user),
        _("Claim approved: the credential is issued and its renewal cycle is open."),
    )


@staff_required
@require_POST
def reject_claim(request, pk):
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say why the claim is rejected."))
        return redirect("staff_claims")
    return _decide(
        request,
        pk,
        lambda c: claims.reject_claim(claim=c, by=request.user, reason=form.cleaned_data["reason"]),
        _("Claim rejected; the practitioner is told why by email."),
    )


@staff_required
def claim_evidence(request, pk):
    claim_row = get_object_or_404(CredentialClaim, pk=pk)
    if not claim_row.evidence:
        raise Http404(_("This claim has no evidence."))
    name = claim_row.evidence.name
    return FileResponse(
        claim_row.evidence.open("rb"),
        as_attachment=True,
        filename=f"claim-{claim_row.pk}-evidence{name[name.rfind('.') :] if '.' in name else ''}",
        content_type=mimetypes.guess_type(name)[0] or "application/octet-stream",
    )
