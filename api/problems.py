"""Every error is an RFC 9457 problem (`application/problem+json`):

    {"type": "about:blank", "title": "Not Found", "status": 404, "detail": "Not found."}

Field errors add `errors`, one list of messages per field (`entries[2].seus` inside
lists). 401, 403 and 404 say nothing about whether another user's object exists: an
object the caller may not see is "Not found." exactly like one that never existed."""

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from cspo_tracker.errors import PROBLEM_CONTENT_TYPE, problem_body, problem_response

VALIDATION_TYPE = "urn:cspo:problem:validation-error"
IDEMPOTENCY_TYPE = "urn:cspo:problem:idempotency-key-reused"
CONFLICT_TYPE = "urn:cspo:problem:entry-read-only"
NOT_FOUND_DETAIL = gettext_lazy("Not found.")


def problem(status_code, *, headers=None, **kwargs):
    """A DRF Response carrying a problem."""
    return Response(
        problem_body(status_code, **kwargs),
        status=status_code,
        headers=headers,
        content_type=PROBLEM_CONTENT_TYPE,
    )


def flatten(errors, prefix=""):
    """DRF's nested error detail as {"field": [messages]}, lists indexed: entries[2].seus."""
    flat = {}
    if isinstance(errors, dict):
        for key, value in errors.items():
            if isinstance(key, int):  # a list's errors, by index
                name = f"{prefix}[{key}]"
            else:
                name = f"{prefix}.{key}" if prefix else str(key)
            flat.update(flatten(value, name))
    elif isinstance(errors, list) and errors and all(isinstance(e, str) for e in errors):
        flat[prefix or "non_field_errors"] = [str(e) for e in errors]
    elif isinstance(errors, list):
        for index, value in enumerate(errors):
            if value:
                flat.update(flatten(value, f"{prefix}[{index}]"))
    else:
        flat[prefix or "non_field_errors"] = [str(errors)]
    return flat


def django_errors(error, rename=None):
    """A Django ValidationError (from a service) as {"field": [messages]}; messages that
    name no field go under non_field_errors."""
    rename = rename or {}
    if hasattr(error, "error_dict"):
        return {
            rename.get(field, "non_field_errors" if field == "__all__" else str(field)): [
                m for e in errors for m in e.messages
            ]
            for field, errors in error.error_dict.items()
        }
    return {"non_field_errors": list(error.messages)}


def validation_problem(errors, *, detail=None):
    summary = detail or next(iter(errors.values()), [_("Invalid request.")])[0]
    return problem(
        status.HTTP_422_UNPROCESSABLE_ENTITY,
        type_=VALIDATION_TYPE,
        detail=summary,
        errors=errors,
    )


def exception_handler(exc, context):
    request = context.get("request")
    instance = request.path if request is not None else None
    if isinstance(exc, DjangoValidationError):
        response = validation_problem(django_errors(exc))
        response.data["instance"] = instance
        return response
    if isinstance(exc, Http404):
        exc = exceptions.NotFound(NOT_FOUND_DETAIL)
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None  # a real bug: Django's 500 handler, logged with the request id
    if isinstance(exc, exceptions.ValidationError):
        body = problem_body(
            status.HTTP_422_UNPROCESSABLE_ENTITY,
            type_=VALIDATION_TYPE,
            errors=flatten(exc.detail),
            instance=instance,
        )
        body["detail"] = next(iter(body["errors"].values()))[0]
        response.status_code = status.HTTP_422_UNPROCESSABLE_ENTITY
    else:
        detail = exc.detail if isinstance(exc, exceptions.APIException) else None
        if isinstance(detail, list | dict):
            detail = "; ".join(m for ms in flatten(detail).values() for m in ms)
        body = problem_body(
            response.status_code,
            detail=str(detail or ""),
            type_=getattr(exc, "problem_type", "about:blank"),
            instance=instance,
        )
    response.data = body
    response.content_type = PROBLEM_CONTENT_TYPE
    return response


@csrf_exempt
def not_found_view(request, *args, **kwargs):
    """Unknown paths under /api/ answer a problem too, not the HTML 404 page."""
    return problem_response(request, 404, detail=NOT_FOUND_DETAIL)
