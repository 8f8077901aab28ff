"""Public verification of a certificate, and the holder's PDF download."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.vary import vary_on_headers

from cspo_tracker import kept_pages

from . import verify_cache
from .certificates import certificate_pdf
from .dates import today_for
from .lookup import canonical_number, find_by_number
from .models import Credential
from .names import display_name
from .vc import views as vc_views


@vary_on_headers("Accept")
def verify_credential(request, certificate_number):
    """Anyone may check a certificate number: holder name, program, dates and status,
    nothing else personal. A credential past its expiry date shows as expired, in grace
    or lapsed alike (docs/domain.md); a revoked one as revoked, never active; a public
    page needs the dates, not the holder's SEU count. With `Accept: application/ld+json`
    the answer is the signed Open Badges credential itself."""
    if "application/ld+json" in request.headers.get("Accept", ""):
        return vc_views.signed_credential_for_number(request, certificate_number)
    if not verify_cache.is_cold_visitor(request):
        return _verify_page(request, certificate_number)
    key = verify_cache.page_key(certificate_number)
    if key is None:  # no credential has exactly this number: a redirect or a 404
        return _verify_page(request, certificate_number)
    return kept_pages.serve(request, key, lambda: _verify_page(request, certificate_number))


def _verify_page(request, certificate_number):
    credential = find_by_number(certificate_number)
    if credential is not None and credential.certificate_number != certificate_number:
        # Any case, surrounding spaces: one canonical address per certificate.
        return redirect("verify_credential", certificate_number=credential.certificate_number)
    if credential is None:
        return render(
            request,
            "certifications/verify_not_found.html",
            {"certificate_number": canonical_number(certificate_number)},
            status=404,
        )
    return render(
        request,
        "certifications/verify.html",
        {
            "credential": credential,
            "holder_name": display_name(credential.holder),
            "is_revoked": credential.is_revoked,
            "is_expired": credential.expires_on < today_for(credential.holder),
            "is_holder": request.user.is_authenticated
            and credential.holder.user_id == request.user.pk,
        },
    )


@login_required
def credential_certificate(request, certificate_number):
    """The PDF certificate, for its holder (and staff); anyone else gets 404."""
    credentials = Credential.objects.with_related().select_related("course__trainer__user")
    if not request.user.is_staff:
        credentials = credentials.filter(holder__user=request.user)
    credential = credentials.filter(certificate_number=certificate_number).first()
    if credential is None:
        raise Http404("No certificate of yours has this number.")
    if not display_name(credential.holder):
        # The holder is asked for a name at their next login; no certificate without it.
        return render(
            request,
            "certifications/certificate_needs_name.html",
            {"credential": credential},
            status=409,
        )
    response = HttpResponse(certificate_pdf(credential), content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="{credential.program.code}-certificate-'
        f'{credential.certificate_number}.pdf"'
    )
    return response
