"""A real HTTP receiver for webhook tests: http.server in a thread, on a port of this
branch's range, answering each request with the next scripted status."""

import errno
import http.server
import json
import socket
import threading
import time
from dataclasses import dataclass, field

import pytest

from tests.factories import PractitionerFactory
from webhooks import services

PORTS = range(8700, 8800)


@dataclass
class Received:
    path: str
    headers: dict
    body: bytes

    @property
    def json(self):
        return json.loads(self.body)


@dataclass
class Receiver:
    port: int
    script: list = field(default_factory=list)  # statuses to answer, then 200
    requests: list = field(default_factory=list)
    location: str = ""
    # When set, each request is recorded at once but answered only once the gate opens:
    # a test can act while a delivery is in flight.
    gate: threading.Event | None = None

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}/hooks"

    def answer(self, *statuses):
        self.script[:] = list(statuses)


def _handler(receiver):
    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self):
            length = int(self.headers.get("Content-Length", 0))
            body = self.rfile.read(length)
            receiver.requests.append(Received(self.path, dict(self.headers.items()), body))
            if receiver.gate is not None:
                receiver.gate.wait(timeout=30)
            status = receiver.script.pop(0) if receiver.script else 200
            self.send_response(status)
            if 300 <= status < 400:
                self.send_header("Location", receiver.location or receiver.url + "/moved")
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, *args):
            pass

    return Handler


def _server(receiver):
    for port in PORTS:
        try:
            server = http.server.ThreadingHTTPServer(("127.0.0.1", port), _handler(receiver))
        except OSError as error:
            if error.errno == errno.EADDRINUSE:
                continue
            raise
        receiver.port = port
        return server
    raise RuntimeError("no free port in 8700-8799")


@pytest.fixture
def receiver(settings):
    """A local receiver; loopback and plain http are allowed by the explicit settings."""
    settings.WEBHOOKS_ALLOW_HTTP = True
    settings.WEBHOOKS_ALLOW_PRIVATE_TARGETS = True
    settings.WEBHOOKS_TIMEOUT_SECONDS = 5
    receiver = Receiver(port=0)
    server = _server(receiver)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield receiver
    server.shutdown()
    server.server_close()


class SlowDrip:
    """A receiver that answers its status line at once, then one header line every
    `interval` seconds (`lines` of them, each `line_bytes` long) before the blank line:
    each socket read gets something in time, so only a deadline for the whole attempt
    stops it."""

    def __init__(self, *, interval=8.0, lines=20, line_bytes=20):
        self.interval, self.lines, self.line_bytes = interval, lines, line_bytes
        self.connections = 0
        self._stopping = threading.Event()
        self._listener = socket.socket()
        self._listener.bind(("127.0.0.1", 0))
        self._listener.listen(64)
        self.port = self._listener.getsockname()[1]
        threading.Thread(target=self._accept, daemon=True).start()

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}/hooks"

    def _accept(self):
        while not self._stopping.is_set():
            try:
                client, _address = self._listener.accept()
            except OSError:
                return
            self.connections += 1
            threading.Thread(target=self._drip, args=(client,), daemon=True).start()

    def _drip(self, client):
        with client:
            try:
                client.recv(65536)  # the request (small): its content does not matter
                client.sendall(b"HTTP/1.1 200 OK\r\n")
                for n in range(self.lines):
                    if self._stopping.wait(self.interval):
                        return
                    client.sendall(b"X-Drip-%05d: " % n + b"x" * self.line_bytes + b"\r\n")
                client.sendall(b"Content-Length: 0\r\n\r\n")
            except OSError:
                return

    def stop(self):
        self._stopping.set()
        self._listener.close()


@pytest.fixture
def slow_drip(settings):
    """Make one with `slow_drip(interval=..., lines=...)`; all are stopped afterwards."""
    settings.WEBHOOKS_ALLOW_HTTP = True
    settings.WEBHOOKS_ALLOW_PRIVATE_TARGETS = True
    made = []

    def make(**kwargs):
        made.append(SlowDrip(**kwargs))
        return made[-1]

    yield make
    for server in made:
        server.stop()


def elapsed(since):
    return time.monotonic() - since


@pytest.fixture
def strict(settings):
    """Production rules: https only, public addresses only."""
    settings.WEBHOOKS_ALLOW_HTTP = False
    settings.WEBHOOKS_ALLOW_PRIVATE_TARGETS = False


@pytest.fixture
def fake_dns(monkeypatch):
    """Names resolve to what the test says, not through the network."""
    answers = {}

    def resolver(host, port):
        if host not in answers:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return list(answers[host])

    monkeypatch.setattr("webhooks.guard.resolver", resolver)
    return answers


@pytest.fixture
def subscriber(db):
    return PractitionerFactory()


def subscribe(owner, url, events=None, **kwargs):
    from webhooks.models import EVENT_NAMES

    return services.create_subscription(
        owner=owner.user if hasattr(owner, "user") else owner,
        url=url,
        events=events or EVENT_NAMES,
        **kwargs,
    )
