"""Thin views for portable credentials: the DID document, the issuer profile, status
lists, signed credentials (public by id, downloaded by their holder), the badge image,
and the /verify/ check of a pasted or uploaded credential."""

import json

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from ..lookup import canonical_number
from ..models import Credential, Program, SignedCredential, StatusList
from ..permissions import staff_required
from . import badge, documents, selectors, services
from .did import did_document, issuer_did
from .verification import MAX_BYTES, UnreadableCredential, parse_credential, verify_document

LD_JSON = "application/ld+json"


def _json(document, *, content_type="application/json", max_age=None, filename=None):
    response = HttpResponse(
        json.dumps(document, indent=2, ensure_ascii=False), content_type=content_type
    )
    response["Access-Control-Allow-Origin"] = "*"  # verifiers read these from any origin
    if max_age is not None:
        response["Cache-Control"] = f"public, max-age={max_age}"
    if filename:
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def did_json(request):
    return _json(did_document(), content_type="application/did+ld+json", max_age=3600)


def issuer_profile(request):
    profile = documents.issuer_profile()
    if LD_JSON in request.headers.get("Accept", ""):
        return _json(profile, content_type=LD_JSON)
    return render(
        request,
        "certifications/vc/issuer.html",
        {
            "profile": profile,
            "did": issuer_did(),
            "programs": Program.objects.filter(is_active=True),
        },
    )


def achievement(request, code):
    program = get_object_or_404(Program, code=code)
    return _json(documents.achievement(program), content_type=LD_JSON, max_age=3600)


def status_list(request, purpose, number):
    """The signed status list as last signed; it is re-signed only when a bit changed."""
    if purpose not in StatusList.Purpose.values or not selectors.list_in_use(number):
        raise Http404("No such status list.")
    listed = services.refresh_status_list(purpose=purpose, number=number)
    return _json(listed.document, content_type=LD_JSON, max_age=settings.CREDENTIAL_STATUS_MAX_AGE)


def signed_credential(request, certificate_number, pk):
    """A signed credential at its `id` URL. Public like /verify/<number>/: it names only
    the holder, the program and the dates."""
    signed = get_object_or_404(
        SignedCredential,
        pk=pk,
        credential__certificate_number=certificate_number,
        signed_json__gt="",
    )
    return _json(signed.document, content_type=LD_JSON)


@login_required
def download(request, certificate_number):
    """The holder's (or staff's) signed credential for the current expiry, as a file."""
    credential = selectors.credential_for_viewer(request.user, certificate_number)
    if credential is None:
        raise Http404("No credential of yours has this number.")
    try:
        signed = services.issue_signed_credential(credential)
    except services.HolderHasNoName as error:
        return _no_name(request, credential, error)
    return _json(
        signed.document,
        content_type=LD_JSON,
        filename=f"{credential.certificate_number}-open-badge.json",
    )


def _no_name(request, credential, error):
    """409: the staff member (a holder is asked for a name before any page) learns why
    there is no signed copy yet and where to give the name."""
    return render(
        request,
        "certifications/vc/no_name.html",
        {"credential": credential, "message": str(error)},
        status=409,
    )


def badge_image(request, code):
    program = get_object_or_404(Program, code=code)
    response = HttpResponse(badge.badge_png(program), content_type="image/png")
    response["Cache-Control"] = "public, max-age=86400"
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
        context["number_error"] = "Enter the certificate number printed on the certificate."
    status = 200
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload:
            raw = upload.read(MAX_BYTES + 1)
        elif request.content_type in ("application/json", LD_JSON):
            raw = request.body
        else:
            raw = request.POST.get("text", "")
        context["text"] = raw if isinstance(raw, str) else ""
        try:
            report = verify_document(parse_credential(raw))
        except UnreadableCredential as error:
            if wants_json:
                return JsonResponse({"verdict": "unreadable", "problem": str(error)}, status=400)
            context["error"], status = str(error), 400
        else:
            if wants_json:
                return JsonResponse(report.as_json())
            context["report"] = report
    return render(request, "certifications/vc/verify_upload.html", context, status=status)


@login_required
def baked_badge(request, certificate_number):
    """The program's badge image with the holder's signed credential baked in."""
    credential = selectors.credential_for_viewer(request.user, certificate_number)
    if credential is None:
        raise Http404("No credential of yours has this number.")
    try:
        signed = services.issue_signed_credential(credential)
    except services.HolderHasNoName as error:
        return _no_name(request, credential, error)
    response = HttpResponse(
        badge.badge_png(credential.program, credential_document=signed.document),
        content_type="image/png",
    )
    response["Content-Disposition"] = (
        f'attachment; filename="{credential.certificate_number}-open-badge.png"'
    )
    return response


def signed_credential_for_number(request, certificate_number):
    """`/verify/<number>/` asked for JSON-LD: the signed credential for the current expiry
    (signed now if it never was). A revoked one is still served: its status says so."""
    credential = Credential.objects.with_related().filter(certificate_number=certificate_number)
    credential = credential.first()
    if credential is None:
        return JsonResponse({"error": "No credential has this number."}, status=404)
    try:
        signed = services.issue_signed_credential(credential)
    except services.HolderHasNoName as error:
        return JsonResponse({"error": str(error)}, status=409)
    response = _json(signed.document, content_type=LD_JSON)
    response["Vary"] = "Accept"
    return response


@staff_required
@require_http_methods(["GET", "POST"])
def revoke(request, certificate_number):
    """Staff revoke a credential with a reason; the status lists follow at once."""
    credential = get_object_or_404(
        Credential.objects.with_related(), certificate_number=certificate_number
    )
    error = ""
    if request.method == "POST" and not credential.is_revoked:
        try:
            services.revoke_credential(
                credential=credential, by=request.user, reason=request.POST.get("reason", "")
            )
        except ValidationError as exc:
            error = " ".join(exc.message_dict.get("reason", exc.messages))
        else:
            messages.success(request, f"{credential.certificate_number} is revoked.")
            return redirect("verify_credential", credential.certificate_number)
    return render(
        request,
        "certifications/vc/revoke.html",
        {"credential": credential, "error": error},
        status=400 if error else 200,
    )
