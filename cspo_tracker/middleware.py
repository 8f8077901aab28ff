"""Project-wide request and response rules: a request body limit (and chunked bodies
made readable), private, uncached responses, and the audit trail's client address."""

import io

from auditlog.middleware import AuditlogMiddleware
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from .client_address import client_ip
from .errors import error_response

# Longer than this (path and query string) is refused with 414; gunicorn refuses a
# request line over 4094 bytes before the app sees it.
MAX_URL_CHARS = 2048


def is_chunked(environ):
    return "chunked" in environ.get("HTTP_TRANSFER_ENCODING", "").lower()


class ChunkedBodyBuffer:
    """WSGI middleware (config/wsgi.py): a chunked request body, which has no
    Content-Length, read into memory so Django sees it. Django reads CONTENT_LENGTH bytes
    of a body, none without it: a chunked upload arrived empty ("No file was
    submitted"). Only servers that decode the chunks and end the stream themselves say
    so (wsgi.input_terminated, gunicorn does); at most MAX_REQUEST_BYTES + 1 bytes are
    read, and a longer body is then refused with 413 by RequestBodyLimitMiddleware.
    Behind nginx the body arrives with a length already (it buffers it)."""

    def __init__(self, application):
        self.application = application

    def __call__(self, environ, start_response):
        if (
            is_chunked(environ)
            and not environ.get("CONTENT_LENGTH")
            and environ.get("wsgi.input_terminated")
        ):
            body = read_at_most(environ["wsgi.input"], settings.MAX_REQUEST_BYTES + 1)
            environ["wsgi.input"] = io.BytesIO(body)
            environ["CONTENT_LENGTH"] = str(len(body))
        return self.application(environ, start_response)


def read_at_most(stream, limit):
    parts, size = [], 0
    while size < limit:
        part = stream.read(min(64 * 1024, limit - size))
        if not part:
            break
        parts.append(part)
        size += len(part)
    return b"".join(parts)


def _request_language(request):
    """The refusals below answer before LocaleMiddleware has run: they speak the
    language the cookie or Accept-Language asks for all the same."""
    return translation.override(translation.get_language_from_request(request))


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
        if is_chunked(request.META) and not request.META.get("CONTENT_LENGTH"):
            # A chunked body the server left undecoded (ChunkedBodyBuffer reads it where
            # the server decodes it): say so, rather than let the form find it empty.
            with _request_language(request):
                response = error_response(
                    request,
                    411,
                    detail=_("Send the body with a Content-Length."),
                    template="411.html",
                )
            response["Connection"] = "close"
            return response
        if declared > limit:
            limit_mb = f"{limit / (1024 * 1024):g}"
            with _request_language(request):
                response = error_response(
                    request,
                    413,
                    detail=_("The request body is larger than %(limit_mb)s MB; nothing was read.")
                    % {"limit_mb": limit_mb},
                    template="413.html",
                    context={"limit_mb": limit_mb},
                )
            response["Connection"] = "close"
            return response
        return self.get_response(request)


class RequestLineMiddleware:
    """Refuse a request line no view can use, before any view or query sees it: a NUL
    character in the path (PostgreSQL refuses NUL in text, which would be a 500; the
    path's parts reach lookups unchecked) with 400, and a URL over MAX_URL_CHARS with
    414. A NUL in the query string is left to the forms, which refuse it by field."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path:
            with _request_language(request):
                return error_response(
                    request,
                    400,
                    # Translators: %%00 shows as "%00", the NUL character as written in an address.
                    detail=_("The address contains a NUL character (%%00); remove it.") % {},
                    template="400.html",
                )
        if len(request.get_full_path()) > MAX_URL_CHARS:
            with _request_language(request):
                return error_response(
                    request,
                    414,
                    detail=_("The address is longer than %(max)s characters.")
                    % {"max": MAX_URL_CHARS},
                    template="400.html",
                )
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


class AuditClientAddressMiddleware(AuditlogMiddleware):
    """django-auditlog's middleware, recording the client's address as every other rule
    reads it: its own takes the first X-Forwarded-For entry, which any client writes."""

    @staticmethod
    def _get_remote_addr(request):
        if settings.AUDITLOG_DISABLE_REMOTE_ADDR:
            return None
        return client_ip(request) or None
