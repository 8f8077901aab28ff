"""Stoplight's Prism serving Stripe's OpenAPI document (served.py) on a free local port.
Prism checks every request against the document (a request the document does not allow
is answered 422) and answers with a response built from the document's schema."""

import os
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

from . import served

HERE = Path(__file__).resolve().parent
PRISM = HERE / "node_modules" / ".bin" / "prism"
# Prism resolves the document before it listens: about 20 s on a loaded two-core machine.
STARTUP_SECONDS = 180


def missing():
    """Why Prism cannot run here, or "" when it can."""
    if not (shutil.which("node") and shutil.which("npm")):
        return "Node.js and npm are not installed"
    if not PRISM.exists():
        return "tests/stripe_openapi/node_modules is not installed (bin/test runs npm ci there)"
    return ""


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
