"""How the issuer's JSON documents are served: readable from any origin (verifiers fetch
them from their own pages), cached where they change rarely, downloaded with a name."""

import json

from django.http import HttpResponse

LD_JSON = "application/ld+json"


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
