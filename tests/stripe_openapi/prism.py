"""Stoplight's Prism serving Stripe's OpenAPI document (served.py) on a free local port.
Prism checks every request against the document (a request the document does not allow
is answered 422) and answers with a response built from the document's schema."""

import json
import os
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from types import SimpleNamespace

from . import served

HERE = Path(__file__).resolve().parent
PRISM = HERE / "node_modules" / ".bin" / "prism"
# Prism resolves the document before it listens: about 20 s on a loaded two-core machine.
STARTUP_SECONDS = 180


def _free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _answers(base):
    try:
        with urllib.request.urlopen(base + "/v1/checkout/sessions/cs_probe", timeout=2):
            return True
    except urllib.error.HTTPError:  # any HTTP answer (401 without a key) means it listens
        return True
    except OSError:
        return False


class Prism:
    def __init__(self):
        self.workdir = tempfile.TemporaryDirectory(prefix="prism-")
        self.document = served.write(Path(self.workdir.name) / "stripe.json")
        self.base = f"http://127.0.0.1:{_free_port()}"
        self.log = open(Path(self.workdir.name) / "prism.log", "w+")  # noqa: SIM115
        self.process = None
        self.startup_seconds = None

    def start(self):
        started = time.monotonic()
        self.process = subprocess.Popen(
            [str(PRISM), "mock", str(self.document), "-h", "127.0.0.1"]
            + ["-p", self.base.rsplit(":", 1)[1], "--errors"],
            stdout=self.log,
            stderr=subprocess.STDOUT,
            env={**os.environ, "NO_COLOR": "1"},
        )
        deadline = started + STARTUP_SECONDS
        while not _answers(self.base):
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"Prism did not start:\n{self.output()[-2000:]}")
            time.sleep(0.2)  # polling interval while Prism resolves the document
        self.startup_seconds = time.monotonic() - started
        return self

    def output(self):
        self.log.seek(0)
        return self.log.read()

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
        self.log.close()
        self.workdir.cleanup()


def start_or_skip():
    """A started Prism, when Node.js and Prism are installed (tests/node_packages.py says
    what happens otherwise)."""
    from tests.node_packages import require

    require("Stripe's API mock (Prism)", PRISM)
    return Prism().start()


def session_json(base, session_id="cs_test_prism"):
    """Prism's answer to retrieving a Checkout Session: an object of Stripe's schema."""
    request = urllib.request.Request(
        f"{base}/v1/checkout/sessions/{session_id}",
        headers={"Authorization": "Bearer sk_test_local"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.load(response)


def create_sessions_from_prism(monkeypatch, gateway, base):
    """Record the parameters of each Checkout Session the app asks the library to create,
    and answer with Prism's session. Prism 5.14 cannot read Stripe's form encoding of
    line_items (docs/decisions/0035-stripes-openapi-document-served-by-prism.md). Its
    top level is handed back as attributes: the library cannot decode Prism's placeholder
    "string" in the schema's decimal fields (fx_rate, unit_amount_decimal) as numbers."""
    sent = []
    real_client = gateway._client

    def recording_client():
        client = real_client()

        def create(params, options=None):
            sent.append(params)
            return SimpleNamespace(**session_json(base))

        client.v1.checkout.sessions.create = create
        return client

    monkeypatch.setattr(gateway, "_client", recording_client)
    return sent
