"""Thin views of OpenID4VCI: the two metadata documents, the token, nonce and credential
endpoints a wallet calls (no session, no CSRF: the pre-authorized code and the access
token are the credentials), and the holder's "Add to wallet" page."""

import json

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, JsonResponse
from django.shortcuts import render
from django.utils.safestring import mark_safe
from django.utils.translation import gettext
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ..vc import selectors as vc_selectors
from ..vc.services import HolderHasNoName
from . import metadata, services

MAX_BODY = 16_000


def _json(document, *, status=200, cache=False, headers=None):
    response = JsonResponse(document, status=status, headers=headers)
    # Metadata is public and read by wallets from any origin; tokens and credentials
    # are never cached (RFC 6749 section 5.1).
    response["Cache-Control"] = "public, max-age=300" if cache else "no-store"
    response["Access-Control-Allow-Origin"] = "*"
    return response


def _error(error):
    headers = None
    if error.status == 401:
        headers = {"WWW-Authenticate": f'Bearer error="{error.error}"'}
    return _json(
        {"error": error.error, "error_description": error.description},
        status=error.status,
        headers=headers,
    )


@require_GET
def issuer_metadata(request):
    return _json(metadata.issuer_metadata(), cache=True)


@require_GET
def authorization_server_metadata(request):
    return _json(metadata.authorization_server_metadata(), cache=True)


@csrf_exempt
@require_POST
def token(request):
    """RFC 6749 token request, form-encoded, for the pre-authorized code grant."""
    grant_type = request.POST.get("grant_type")
    if grant_type != services.PRE_AUTHORIZED_GRANT:
        return _error(
            services.WalletError(
                "unsupported_grant_type", f'grant_type must be "{services.PRE_AUTHORIZED_GRANT}".'
            )
        )
    try:
        access_token, expires_in = services.redeem_code(
            code=request.POST.get("pre-authorized_code")
        )
    except services.WalletError as error:
        return _error(error)
    return _json({"access_token": access_token, "token_type": "Bearer", "expires_in": expires_in})


@csrf_exempt
@require_POST
def nonce(request):
    value, expires_in = services.new_nonce()
    return _json({"c_nonce": value, "c_nonce_expires_in": expires_in})


@csrf_exempt
@require_POST
def credential(request):
    """A credential request: Bearer access token, JSON body with one `jwt` proof."""
    scheme, _, access_token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer":
        access_token = ""
    if len(request.body) > MAX_BODY:
        return _error(services.WalletError("invalid_credential_request", "The body is too large."))
    try:
        body = json.loads(request.body or b"null")
    except (ValueError, UnicodeDecodeError):
        body = None
    try:
        response = services.issue_to_wallet(access_token=access_token.strip(), body=body)
    except services.WalletError as error:
        return _error(error)
    return _json(response)


def qr_svg(text):
    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    return mark_safe(image.to_string(encoding="unicode"))  # our own SVG, not user input


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def add_to_wallet(request, certificate_number):
    """GET explains; POST makes an offer and shows it once, as a QR code and a link. Only
    the holder may: staff see any credential but add none to their own wallet."""
    held = vc_selectors.credential_for_viewer(request.user, certificate_number)
    if held is None or held.holder.user_id != request.user.pk:
        raise Http404(gettext("No credential of yours has this number."))
    context = {"credential": held, "offer_minutes": settings.WALLET_OFFER_SECONDS // 60}
    if request.method == "POST":
        try:
            offer = services.make_offer(credential=held)
        except (services.OfferRefused, HolderHasNoName) as refusal:
            context["refusal"] = str(refusal)
            return render(request, "certifications/wallet/add.html", context, status=409)
        context |= {"offer": offer.offer, "uri": offer.uri, "qr": qr_svg(offer.uri)}
    return render(request, "certifications/wallet/add.html", context)
