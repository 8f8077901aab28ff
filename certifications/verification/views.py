"""Public verification of a certificate, the preview image a shared link shows, and the
holder's PDF download."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods
from django.views.decorators.vary import vary_on_headers

from cspo_tracker import i18n
from cspo_tracker.kept_pages import pages as kept_pages

from ..dates import today_for
from ..issuing.certificates import certificate_pdf
from ..models import Credential, display_name
from ..vc import services as vc_services
from ..vc.responses import LD_JSON, json_ld_type_wanted, json_response
from ..vc.verification import MAX_BYTES, UnreadableCredential, check_credential
from . import cache as verify_cache
from .lookup import canonical_number, find_by_number
from .rate_limit import seconds_until_allowed
from .share import preview_png

ERASED_HOLDER = gettext_lazy(
    "The holder erased their account: the registry keeps this credential's number, "
    "program, dates and status without their name, and no signed copy. Copies they kept "
    "still verify."
)


@vary_on_headers("Accept")
def verify_credential(request, certificate_number):
    """Anyone may check a certificate number: holder name, program, dates and status,
    nothing else personal. A credential past its expiry date shows as expired, in grace
    or lapsed alike (docs/domain.md); a revoked one as revoked, never active; a public
    page needs the dates, not the holder's SEU count. A client that prefers JSON-LD
    (`application/ld+json`, `application/vc`, `application/vc+ld+json`, by q-value)
    gets the signed Open Badges credential itself."""
    wanted = json_ld_type_wanted(request)
    if wanted:
        return _signed_credential_for_number(request, certificate_number, wanted)
    # The holder's language unless the visitor chose one (?lang=, the switcher, their
    # account): the signed credential is the same in every language.
    chosen = i18n.visitor_choice(request)
    if not verify_cache.is_cold_visitor(request):
        return _verify_page(request, certificate_number, chosen)
    key = verify_cache.page_key(certificate_number, language=chosen)
    if key is None:  # no credential has exactly this number: a redirect or a 404
        return _verify_page(request, certificate_number, chosen)
    request.LANGUAGE_CODE = translation.get_language()
    return kept_pages.serve(request, key, lambda: _verify_page(request, certificate_number, chosen))


def _verify_page(request, certificate_number, chosen=""):
    credential = find_by_number(certificate_number)
    if credential is not None:
        language = chosen or i18n.supported(credential.holder.user.language)
        if language:
            i18n.activate_for_page(request, language)
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
            "holder_erased_at": credential.holder.erased_at,
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
        raise Http404(_("No certificate of yours has this number."))
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


def verify_preview_image(request, certificate_number):
    number = certificate_number.strip().upper()
    credential = Credential.objects.with_related().filter(certificate_number=number).first()
    if credential is None:
        raise Http404(_("No credential has this number."))
    response = HttpResponse(preview_png(credential), content_type="image/png")
    # The status can change (expiry, revocation): previews are re-read within the hour.
    response["Cache-Control"] = "public, max-age=3600"
    return response


def _signed_credential_for_number(request, certificate_number, content_type=LD_JSON):
    """`/verify/<number>/` asked for JSON-LD: the signed credential for the current expiry
    (signed now if it never was). A revoked one is still served: its status says so."""
    credential = Credential.objects.with_related().filter(certificate_number=certificate_number)
    credential = credential.first()
    if credential is None:
        return JsonResponse({"error": _("No credential has this number.")}, status=404)
    if credential.holder.erased_at is not None:
        # Copies the holder took away still verify; this server no longer holds one.
        return JsonResponse({"error": str(ERASED_HOLDER)}, status=410)
    try:
        signed = vc_services.issue_signed_credential(credential)
    except vc_services.HolderHasNoName as error:
        return JsonResponse({"error": str(error)}, status=409)
    response = json_response(signed.document, content_type=content_type)
    response["Vary"] = "Accept"
    return response


@csrf_exempt  # a public, read-only check: scripts POST JSON here without a session
@require_http_methods(["GET", "POST"])
def verify_upload(request):
    """Paste or upload a credential: the answer says whether the signature is valid, who
    issued it, whether it is expired, revoked or suspended now, and what it certifies.
    With `Accept: application/json` the same answer comes as JSON."""
    wants_json = "application/json" in request.headers.get("Accept", "")
    context = {"text": "", "number": ""}
    if request.method == "GET" and "number" in request.GET:
        number = canonical_number(request.GET["number"])
        if number:
            return redirect("verify_credential", certificate_number=number)
        context["number_error"] = _("Enter the certificate number printed on the certificate.")
    status = 200
    if request.method == "POST":
        wait = seconds_until_allowed(request)
        if wait:
            return _too_many_checks(request, context, wait, wants_json)
        if _declared_length(request) > MAX_BYTES + FORM_OVERHEAD:
            # Refused before the body is read: Django's own refusal is a bare error page.
            message = _("The file is larger than a credential can be (512 KB).")
            if wants_json:
                return JsonResponse({"verdict": "unreadable", "problem": message}, status=413)
            context["error"] = message
            return render(request, "certifications/verify_upload.html", context, status=413)
        upload = request.FILES.get("file")
        if upload:
            raw = upload.read(MAX_BYTES + 1)
        elif request.content_type in ("application/json", LD_JSON):
            raw = request.body
        else:
            raw = request.POST.get("text", "")
        context["text"] = raw if isinstance(raw, str) else ""
        try:
            report = check_credential(raw)
        except UnreadableCredential as error:
            if wants_json:
                return JsonResponse({"verdict": "unreadable", "problem": str(error)}, status=400)
            context["error"], status = str(error), 400
        else:
            if wants_json:
                return JsonResponse(report.as_json())
            context["report"] = report
    return render(request, "certifications/verify_upload.html", context, status=status)


# Room for the form's other fields and multipart boundaries around a file of MAX_BYTES.
FORM_OVERHEAD = 16 * 1024


def _declared_length(request):
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


def _too_many_checks(request, context, wait, wants_json):
    message = ngettext(
        "Too many credentials checked from your address; try again in %(count)s second, "
        "or sign in.",
        "Too many credentials checked from your address; try again in %(count)s seconds, "
        "or sign in.",
        wait,
    ) % {"count": wait}
    if wants_json:
        response = JsonResponse({"verdict": "unreadable", "problem": message}, status=429)
    else:
        context["error"] = message
        response = render(request, "certifications/verify_upload.html", context, status=429)
    response["Retry-After"] = str(wait)
    return response
