"""Thin views for portable credentials: the DID document, the issuer profile, status
lists, signed credentials (public by id, downloaded by their holder), the badge image,
and the /verify/ check of a pasted or uploaded credential."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.vary import vary_on_headers

from ..models import Program, StatusList
from . import badge, documents, selectors, services
from .did import did_document, issuer_did
from .loader import CREDENTIALS_V2, OPEN_BADGES_V3
from .responses import LD_JSON, json_ld_type_wanted
from .responses import json_response as _json

# Served on their own, the issuer's profile and an achievement are JSON-LD documents and
# name their contexts; inside a credential they use the credential's.
CONTEXTS = [CREDENTIALS_V2, OPEN_BADGES_V3]


def did_json(request):
    return _json(did_document(), content_type="application/did+ld+json", max_age=3600)


@vary_on_headers("Accept")
def issuer_profile(request):
    profile = documents.issuer_profile()
    wanted = json_ld_type_wanted(request)
    if wanted:
        return _json({"@context": CONTEXTS, **profile}, content_type=wanted)
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
    document = {"@context": CONTEXTS, **documents.achievement(program)}
    return _json(document, content_type=LD_JSON, max_age=3600)


def status_list(request, purpose, number):
    """The signed status list as last signed; it is re-signed only when a bit changed."""
    if purpose not in StatusList.Purpose.values or not selectors.list_in_use(number):
        raise Http404(_("No such status list."))
    listed = services.refresh_status_list(purpose=purpose, number=number)
    return _json(listed.document, content_type=LD_JSON, max_age=settings.CREDENTIAL_STATUS_MAX_AGE)


def signed_credential(request, certificate_number, pk):
    """A signed credential at its `id` URL (the current version; a later copy at its
    own address). Public like /verify/<number>/: it names only the holder, the program
    and the dates."""
    signed = selectors.copy_at(certificate_number, pk)
    if signed is None:
        raise Http404(_("No signed credential has this address."))
    return _json(signed.document, content_type=LD_JSON)


@login_required
def download(request, certificate_number):
    """The holder's (or staff's) signed credential for the current expiry, as a file."""
    credential = selectors.credential_for_viewer(request.user, certificate_number)
    if credential is None:
        raise Http404(_("No credential of yours has this number."))
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


@login_required
def baked_badge(request, certificate_number):
    """The program's badge image with the holder's signed credential baked in."""
    credential = selectors.credential_for_viewer(request.user, certificate_number)
    if credential is None:
        raise Http404(_("No credential of yours has this number."))
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
