"""One HTTP POST to a webhook target, pinned to addresses the guard checked.

The connection goes to a checked IP address, while the Host header, the TLS server
name (SNI) and the certificate check use the URL's host name. Redirects are not
followed (http.client never follows them); the caller decides what a status means.

An attempt has one deadline for all of it (WEBHOOKS_TIMEOUT_SECONDS: connecting, the
TLS handshake, sending, the status line and headers), not a timeout per socket read:
a receiver that drips one header line every few seconds would otherwise hold a worker
for as long as it likes. Only the status line and headers are read, and at most
WEBHOOKS_MAX_RESPONSE_BYTES of them; the body never.
"""

import http.client
import io
import socket
import ssl
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.translation import gettext as _

from . import guard


@dataclass(frozen=True)
class Response:
    status_code: int | None
    error: str
    duration_ms: int


class DeadlinePassed(TimeoutError):
    """The attempt's total time is up."""


class ResponseTooLarge(http.client.HTTPException):
    """The receiver sent more than WEBHOOKS_MAX_RESPONSE_BYTES before its headers ended."""


@dataclass
class Budget:
    """What is left of one attempt: time until `deadline` (time.monotonic) and bytes."""

    deadline: float
    max_bytes: int
    bytes_read: int = 0

    def remaining(self):
        left = self.deadline - time.monotonic()
        if left <= 0:
            raise DeadlinePassed("the attempt's deadline passed")
        return left


class _Reader(io.RawIOBase):
    """The response stream: each read waits at most for what is left of the deadline,
    and the whole stream stops at the byte budget."""

    def __init__(self, sock, budget):
        self._sock, self._budget = sock, budget

    def readable(self):
        return True

    def readinto(self, buffer):
        budget = self._budget
        if budget.bytes_read >= budget.max_bytes:
            raise ResponseTooLarge(
                f"the response headers were longer than {budget.max_bytes} bytes"
            )
        self._sock.settimeout(budget.remaining())
        count = self._sock.recv_into(buffer)
        budget.bytes_read += count
        return count


class _DeadlineSocket:
    """The connected (TLS) socket as http.client uses it: sendall and makefile bounded by
    the budget, everything else passed through."""

    def __init__(self, sock, budget):
        self._sock, self._budget = sock, budget

    def sendall(self, data):
        self._sock.settimeout(self._budget.remaining())  # a bound for the whole call
        return self._sock.sendall(data)

    def makefile(self, mode="rb", *args, **kwargs):
        return io.BufferedReader(_Reader(self._sock, self._budget))

    def __getattr__(self, name):
        return getattr(self._sock, name)


def _pinned(connection_class, host, port, address, budget):
    kwargs = {"timeout": budget.remaining()}
    if connection_class is http.client.HTTPSConnection:
        kwargs["context"] = ssl.create_default_context()
    connection = connection_class(host, port, **kwargs)

    def create_connection(_address, timeout=None, source_address=None):
        sock = socket.create_connection((address, port), budget.remaining(), source_address)
        sock.settimeout(budget.remaining())  # the TLS handshake gets what is left
        return sock

    connection._create_connection = create_connection
    return connection


def post(url, *, body, headers):
    """POST `body` to `url` once, within WEBHOOKS_TIMEOUT_SECONDS in all. Never raises
    for network trouble: returns the status code, or None and the error."""
    started = time.monotonic()
    budget = Budget(
        deadline=started + settings.WEBHOOKS_TIMEOUT_SECONDS,
        max_bytes=settings.WEBHOOKS_MAX_RESPONSE_BYTES,
    )

    def done(status_code=None, error=""):
        elapsed = int((time.monotonic() - started) * 1000)
        return Response(status_code=status_code, error=error[:500], duration_ms=elapsed)

    try:
        scheme, host, port, addresses = guard.check_target(url)
    except guard.TargetRefused as refused:
        return done(error=_("Refused: %(reason)s") % {"reason": refused})
    parts = urlsplit(url)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    connection_class = (
        http.client.HTTPSConnection if scheme == "https" else http.client.HTTPConnection
    )
    last_error = ""
    for address in addresses:
        connection = None
        try:
            connection = _pinned(connection_class, host, port, address, budget)
            connection.connect()
            connection.sock = _DeadlineSocket(connection.sock, budget)
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
        except TimeoutError:
            limit = settings.WEBHOOKS_TIMEOUT_SECONDS
            return done(
                error=_("Timeout: no complete answer within %(seconds)s seconds")
                % {"seconds": f"{limit:g}"}
            )
        except (OSError, http.client.HTTPException) as error:
            last_error = f"{type(error).__name__}: {error}"
        finally:
            if connection is not None:
                connection.close()
    return done(error=last_error or _("No address answered."))
