"""One place for error answers. Under `/api/` every error is an RFC 9457 problem
(`application/problem+json`), whoever answers it: the API's views, the middleware that
refuses a request before any view (400, 411, 413, 414), or Django's own error handlers
(400, 403, 404, 500, named in config/urls.py). Elsewhere the site's HTML error pages.

    {"type": "about:blank", "title": "Not Found", "status": 404, "detail": "Not found.",
     "instance": "/api/v1/seus/7"}
"""

from http import HTTPStatus

from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import defaults

PROBLEM_CONTENT_TYPE = "application/problem+json"
API_PREFIX = "/api/"


# The titles a reader meets in the API's problems, in their language; any other status
# keeps the standard English phrase.
TITLES = {
    400: gettext_lazy("Bad Request"),
    401: gettext_lazy("Unauthorized"),
    403: gettext_lazy("Forbidden"),
    404: gettext_lazy("Not Found"),
    405: gettext_lazy("Method Not Allowed"),
    406: gettext_lazy("Not Acceptable"),
    409: gettext_lazy("Conflict"),
    411: gettext_lazy("Length Required"),
    413: gettext_lazy("Content Too Large"),
    414: gettext_lazy("URI Too Long"),
    415: gettext_lazy("Unsupported Media Type"),
    422: gettext_lazy("Unprocessable Content"),
    429: gettext_lazy("Too Many Requests"),
    500: gettext_lazy("Internal Server Error"),
    503: gettext_lazy("Service Unavailable"),
}


def problem_body(status_code, *, detail=None, type_="about:blank", errors=None, instance=None):
    body = {
        "type": type_,
        "title": str(TITLES.get(status_code, HTTPStatus(status_code).phrase)),
        "status": status_code,
        "detail": str(detail or HTTPStatus(status_code).description),
    }
    if instance:
        body["instance"] = instance
    if errors:
        body["errors"] = errors
    return body


def answers_problems(request):
    """True for a request to the API, whose clients read problems, not HTML pages."""
    return request.path_info.startswith(API_PREFIX)


def safe_path(request):
    """The path to name in `instance`, without characters that are not text."""
    return "".join(ch for ch in request.path if ch.isprintable())


def problem_response(request, status_code, *, detail=None, headers=None, **kwargs):
    response = JsonResponse(
        problem_body(status_code, detail=detail, instance=safe_path(request), **kwargs),
        status=status_code,
        content_type=PROBLEM_CONTENT_TYPE,
        headers=headers,
    )
    return response


def error_response(request, status_code, *, detail, template, context=None):
    """A problem under /api/, the template's page elsewhere, both saying `detail`."""
    if answers_problems(request):
        return problem_response(request, status_code, detail=detail)
    return render(request, template, {"detail": detail, **(context or {})}, status=status_code)


# Django's error handlers (config/urls.py): problems under /api/, the site's pages elsewhere.


def bad_request(request, exception):
    """Django's answer to a SuspiciousOperation; a body over DATA_UPLOAD_MAX_MEMORY_SIZE
    is one, and the API calls it what it is: 413."""
    if answers_problems(request):
        if isinstance(exception, RequestDataTooBig):
            return problem_response(
                request, 413, detail=_("The request body is too large to read.")
            )
        return problem_response(request, 400, detail=_request_refusal(exception))
    return defaults.bad_request(request, exception)


def permission_denied(request, exception):
    if answers_problems(request):
        return problem_response(request, 403, detail=str(exception) or None)
    return defaults.permission_denied(request, exception)


def page_not_found(request, exception):
    if answers_problems(request):
        return problem_response(request, 404, detail=_("Not found."))
    return defaults.page_not_found(request, exception)


def server_error(request):
    """Renders without the database (the 500 page shows while it is down)."""
    if answers_problems(request):
        return problem_response(
            request,
            500,
            detail=_("Something went wrong on our side; it is logged. Try again in a few minutes."),
        )
    return defaults.server_error(request)


def _request_refusal(exception):
    if isinstance(exception, TooManyFieldsSent):
        return _("The request has too many fields.")
    return _("The request could not be understood.")
