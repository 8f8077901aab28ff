"""How the issuer's JSON documents are served: readable from any origin (verifiers fetch
them from their own pages), cached where they change rarely, downloaded with a name."""

import json

from django.http import HttpResponse

LD_JSON = "application/ld+json"
# What a client may ask for to get the signed JSON-LD rather than the page: JSON-LD, and
# the media types of Verifiable Credentials 2.0 (section 6.3) and of its drafts.
JSON_LD_TYPES = (LD_JSON, "application/vc", "application/vc+ld+json")


def json_ld_type_wanted(request):
    """The JSON-LD media type `request` prefers to HTML, by its Accept header's q-values
    and specificity (RFC 9110, 12.5.1), or None for the page. No Accept header, or only
    `*/*`, means the page."""
    preferred = request.get_preferred_type(["text/html", *JSON_LD_TYPES])
    return preferred if preferred in JSON_LD_TYPES else None


def json_response(document, *, content_type="application/json", max_age=None, filename=None):
    response = HttpResponse(
        json.dumps(document, indent=2, ensure_ascii=False), content_type=content_type
    )
    response["Access-Control-Allow-Origin"] = "*"  # verifiers read these from any origin
    if max_age is not None:
        response["Cache-Control"] = f"public, max-age={max_age}"
    if filename:
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
