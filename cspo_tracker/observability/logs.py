"""Request ids and user ids on every log line.

`RequestIdMiddleware` takes the request id from the `X-Request-ID` header (a proxy's)
or makes a new uuid, keeps the request in a context variable for the duration of the
request and echoes the id in the response header. `RequestContextFilter` copies the id
and the user id onto each log record; `JsonFormatter` writes a record as one JSON object
(LOG_FORMAT=json). Context variables, not thread locals, so the ids follow the request
under threads and asyncio alike.
"""

import contextvars
import logging
import re
import time
import uuid
from datetime import UTC, datetime

from django.conf import settings
from django.utils.functional import SimpleLazyObject, empty
from pythonjsonlogger.json import JsonFormatter as _BaseJsonFormatter

REQUEST_ID_HEADER = "X-Request-ID"
# A proxy's id is kept only when it is short and plain: it ends up in every log line.
_SAFE_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")

_current_request = contextvars.ContextVar("current_request", default=None)

logger = logging.getLogger("cspo_tracker.request")


def current_request_id():
    request = _current_request.get()
    return getattr(request, "request_id", None)


def _current_user_id(request):
    """The user id once authentication has looked the user up. A log filter must not
    query the database itself (that query would log, and re-enter the lookup)."""
    user = request.__dict__.get("user")
    if isinstance(user, SimpleLazyObject):
        user = None if user._wrapped is empty else user._wrapped
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return user.pk


class RequestIdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get(REQUEST_ID_HEADER, "")
        request.request_id = incoming if _SAFE_REQUEST_ID.match(incoming) else uuid.uuid4().hex
        token = _current_request.set(request)
        started = time.monotonic()
        try:
            response = self.get_response(request)
            response[REQUEST_ID_HEADER] = request.request_id
            if settings.LOG_REQUESTS:
                logger.info(
                    "%s %s %s",
                    request.method,
                    request.path,
                    response.status_code,
                    extra={
                        "method": request.method,
                        "path": request.path,
                        "status": response.status_code,
                        "duration_ms": round((time.monotonic() - started) * 1000, 1),
                    },
                )
            return response
        finally:
            _current_request.reset(token)


class RequestContextFilter(logging.Filter):
    """Adds `request_id` and `user_id` (None outside a request) to every record."""

    def filter(self, record):
        request = _current_request.get()
        if not hasattr(record, "request_id"):
            record.request_id = getattr(request, "request_id", None)
        if not hasattr(record, "user_id"):
            record.user_id = _current_user_id(request) if request is not None else None
        return True


class JsonFormatter(_BaseJsonFormatter):
    """One JSON object a line: time (ISO 8601, UTC), level, logger, message, request_id,
    user_id, plus any `extra` fields and the traceback when there is one."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault(
            "rename_fields", {"asctime": "time", "levelname": "level", "name": "logger"}
        )
        super().__init__(*args, **kwargs)

    def formatTime(self, record, datefmt=None):  # noqa: N802 (logging's name)
        return datetime.fromtimestamp(record.created, tz=UTC).isoformat(timespec="milliseconds")
