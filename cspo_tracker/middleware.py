"""Project-wide request and response rules (issue 11): a request body limit and
private, uncached responses."""

from django.conf import settings
from django.shortcuts import render


class RequestBodyLimitMiddleware:
    """Refuse a request whose declared body (Content-Length) exceeds MAX_REQUEST_BYTES
    with 413, before anything reads it: a 100 MB upload is not read in full only to be
    refused by the form. The connection is closed so the unread body is not parsed as
    the next request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            declared = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            declared = 0
        limit = settings.MAX_REQUEST_BYTES
        if declared > limit:
            response = render(
                request,
                "413.html",
                {"limit_mb": f"{limit / (1024 * 1024):g}"},
                status=413,
            )
            response["Connection"] = "close"
            return response
        return self.get_response(request)


class PrivateNoStoreMiddleware:
    """Every response the app renders (dashboard, SEU log, CSV exports, PDF certificates,
    the calendar feed, evidence files) holds someone's data: no shared cache may keep
    it and no browser may store it on disk. A view that sets its own Cache-Control
    (Django's never_cache already says private, no-store) keeps it. Static files are
    answered earlier by WhiteNoise with their own long-lived caching."""

    VALUE = "private, no-store"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not response.has_header("Cache-Control"):
            response["Cache-Control"] = self.VALUE
        return response
