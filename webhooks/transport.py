"""One HTTP POST to a webhook target, pinned to addresses the guard checked.

The connection goes to a checked IP address, while the Host header, the TLS server
name (SNI) and the certificate check use the URL's host name. Redirects are not
followed (http.client never follows them); the caller decides what a status means.
"""

import http.client
import socket
import ssl
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings

from . import guard


@dataclass(frozen=True)
class Response:
    status_code: int | None
    error: str
    duration_ms: int


def _pinned(connection_class, host, port, address, timeout):
    kwargs = {"timeout": timeout}
    if connection_class is http.client.HTTPSConnection:
        kwargs["context"] = ssl.create_default_context()
    connection = connection_class(host, port, **kwargs)

    def create_connection(_address, timeout=None, source_address=None):
        return socket.create_connection((address, port), timeout, source_address)

    connection._create_connection = create_connection
    return connection


def post(url, *, body, headers):
    """POST `body` to `url` once. Never raises for network trouble: returns the status
    code, or None and the error."""
    started = time.monotonic()

    def done(status_code=None, error=""):
        elapsed = int((time.monotonic() - started) * 1000)
        return Response(status_code=status_code, error=error[:500], duration_ms=elapsed)

    try:
        scheme, host, port, addresses = guard.check_target(url)
    except guard.TargetRefused as refused:
        return done(error=f"Refused: {refused}")
    parts = urlsplit(url)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    connection_class = (
        http.client.HTTPSConnection if scheme == "https" else http.client.HTTPConnection
    )
    timeout = settings.WEBHOOKS_TIMEOUT_SECONDS
    last_error = ""
    for address in addresses:
        connection = _pinned(connection_class, host, port, address, timeout)
        try:
            connection.request(
                "POST",
                path,
                body=body,
                headers={
                    "Content-Type": "application/json",
                    "User-Agent": "CSPO-Tracker-Webhooks/1.0",
                    **headers,
                },
            )
            response = connection.getresponse()  # the status line and headers only:
            return done(status_code=response.status)  # the body is never read
        except (OSError, http.client.HTTPException) as error:
            last_error = f"{type(error).__name__}: {error}"
        finally:
            connection.close()
    return done(error=last_error or "No address answered.")
