"""OpenAPI additions: the bearer token scheme, the problem responses every operation can
give, and the Idempotency-Key header of POSTs."""

from django.utils.translation import gettext_lazy
from drf_spectacular.authentication import SessionScheme as SpectacularSessionScheme
from drf_spectacular.extensions import OpenApiAuthenticationExtension

PROBLEM_SCHEMA = {
    "type": "object",
    "description": gettext_lazy("RFC 9457 problem details."),
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "instance": {"type": "string"},
        "errors": {
            "type": "object",
            "description": gettext_lazy(
                "Field name to its messages (entries[2].seus inside lists)."
            ),
            "additionalProperties": {"type": "array", "items": {"type": "string"}},
        },
    },
    "required": ["type", "title", "status", "detail"],
}

PROBLEM_STATUSES = {
    "400": gettext_lazy("Malformed request body."),
    "401": gettext_lazy("No valid token or session."),
    "403": gettext_lazy("The token lacks the scope, or the caller the role, this endpoint needs."),
    "404": gettext_lazy("No such object for this caller (another user's object answers the same)."),
    "405": gettext_lazy("Method not allowed."),
    "406": gettext_lazy("Not acceptable."),
    "415": gettext_lazy("Unsupported media type."),
    "422": gettext_lazy(
        "Field errors (`errors`), or an Idempotency-Key reused for another request."
    ),
    "429": gettext_lazy("Rate limit reached; retry after `Retry-After` seconds."),
    "500": gettext_lazy("A fault on our side, logged; nothing was saved."),
}

RETRY_AFTER_HEADER = {
    "Retry-After": {
        "description": gettext_lazy("Seconds to wait before the next request."),
        "schema": {"type": "integer", "minimum": 0},
    }
}

IDEMPOTENCY_PARAMETER = {
    "name": "Idempotency-Key",
    "in": "header",
    "required": False,
    "description": gettext_lazy(
        "Any unique string (e.g. a UUID). A retry with the same key returns the "
        "first answer and writes nothing twice; the same key with another body answers 422."
    ),
    "schema": {"type": "string", "minLength": 1, "maxLength": 255},
}


class BearerTokenScheme(OpenApiAuthenticationExtension):
    target_class = "api.authentication.BearerTokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": gettext_lazy(
                "A personal access token from your profile page, or an "
                "organisation token from staff: `Authorization: Bearer cspo_…`."
            ),
        }


class SessionScheme(SpectacularSessionScheme):
    """The browser's session, as DRF's: the API's subclass only adds the second-factor
    refusal, so the document describes it as the cookie it is."""

    target_class = "api.authentication.SessionAuthentication"


def add_problems(result, generator, request, public):
    """Postprocessing hook: every operation documents the problem responses."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas["Problem"] = PROBLEM_SCHEMA
    ref = {"$ref": "#/components/schemas/Problem"}
    for path_item in result.get("paths", {}).values():
        for method, operation in path_item.items():
            responses = operation.setdefault("responses", {})
            for code, text in PROBLEM_STATUSES.items():
                responses.setdefault(code, {"description": text})
            for code, response in responses.items():
                # Every error answer is a problem, those an endpoint names itself too (409).
                if code.startswith(("4", "5")) and not response.get("content"):
                    response["content"] = {"application/problem+json": {"schema": ref}}
            responses["429"]["headers"] = RETRY_AFTER_HEADER
            if method == "post":
                operation.setdefault("parameters", []).append(IDEMPOTENCY_PARAMETER)
    return result
