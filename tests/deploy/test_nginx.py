"""deploy/nginx.conf, run as shipped in front of gunicorn's sync workers: clients that
send their headers slowly do not stall /healthz, TLS answers, and the app sees each
client's own address (from the proxy's X-Forwarded-For), not the proxy's and not one a
client forged.

nginx is Debian's package; bin/test installs it, and CI fails rather than skips
without it."""

import datetime
import http.client
import os
import shutil
import socket
import ssl
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from django.db import connection

from tests.renewals.reminders.test_smtp import free_port

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = ROOT / "deploy" / "nginx.conf"
HOST = "cspo.example.org"
# Clients connect from loopback addresses other than 127.0.0.1, which is the trusted
# proxy's (nginx's) own address.
CLIENT, OTHER_CLIENT = "127.0.0.2", "127.0.0.3"

pytestmark = pytest.mark.django_db(transaction=True)


def nginx_binary():
    found = shutil.which("nginx") or next(
        (p for p in ("/usr/sbin/nginx", "/sbin/nginx") if os.path.exists(p)), None
    )
    if found:
        return found
    reason = "nginx is not installed (bin/test installs Debian's nginx)"
    if os.environ.get("CI"):
        pytest.fail(reason, pytrace=False)
    pytest.skip(reason)


def self_signed_certificate(folder):
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, HOST)])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(HOST)]), critical=False)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "fullchain.pem", folder / "privkey.pem"
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


def site_config(folder, *, http_port, https_port, upstream_port):
    """deploy/nginx.conf with only what a test machine must change: ports (no root, no
    IPv6 needed), the certificate and the upstream's port. Each replaced line must be in
    the shipped file."""
    cert, key = self_signed_certificate(folder)
    text = SHIPPED.read_text()
    for shipped, local in [
        ("listen 80;", f"listen 127.0.0.1:{http_port};"),
        ("listen [::]:80;", ""),
        ("listen 443 ssl http2;", f"listen 127.0.0.1:{https_port} ssl http2;"),
        ("listen [::]:443 ssl http2;", ""),
        ("server 127.0.0.1:8000;", f"server 127.0.0.1:{upstream_port};"),
        (f"/etc/letsencrypt/live/{HOST}/fullchain.pem", str(cert)),
        (f"/etc/letsencrypt/live/{HOST}/privkey.pem", str(key)),
    ]:
        assert shipped in text, f"deploy/nginx.conf no longer has {shipped!r}"
        text = text.replace(shipped, local)
    return text


class Nginx:
    def __init__(self, folder, site, binary):
        self.folder, self.binary = folder, binary
        (folder / "site.conf").write_text(site)
        temp = "\n".join(
            f"  {kind}_temp_path {folder / kind};" for kind in ("client_body", "proxy")
        )
        user = "user root;\n" if os.geteuid() == 0 else ""
        (folder / "nginx.conf").write_text(
            f"{user}worker_processes 1;\npid {folder / 'nginx.pid'};\n"
            f"error_log {folder / 'error.log'} warn;\n"
            "events { worker_connections 512; }\n"
            f"http {{\n  access_log off;\n{temp}\n"
            f"  fastcgi_temp_path {folder / 'fastcgi'};\n  uwsgi_temp_path {folder / 'uwsgi'};\n"
            f"  scgi_temp_path {folder / 'scgi'};\n  include {folder / 'site.conf'};\n}}\n"
        )
        self.command = [binary, "-p", str(folder), "-c", str(folder / "nginx.conf"),
                        "-e", str(folder / "error.log")]  # fmt: skip

    def start(self):
        check = subprocess.run([*self.command, "-t"], capture_output=True, text=True)
        assert check.returncode == 0, check.stderr
        self.process = subprocess.Popen([*self.command, "-g", "daemon off;"])

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=10)


def database_url(folder):
    """The test database, for gunicorn: PostgreSQL's by URL; SQLite's (in memory, not
    shareable) copied to a file with sqlite3's backup."""
    if connection.vendor == "postgresql":
        from tests.renewals.reminders.test_worker import database_url as test_database

        return test_database()
    import sqlite3

    path = folder / "test.sqlite3"
    connection.ensure_connection()
    with sqlite3.connect(path) as copy:
        connection.connection.backup(copy)
    return f"sqlite:///{path}"


def wait_for_port(port, process, what):
    for _ in range(150):
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        if process.poll() is not None:
            raise RuntimeError(f"{what} exited")
        time.sleep(0.2)
    raise RuntimeError(f"{what} did not listen on {port}")


@pytest.fixture
def stack(tmp_path):
    """gunicorn (2 sync workers, production settings) with deploy/nginx.conf in front."""
    binary = nginx_binary()
    upstream, http_port, https_port = free_port(), free_port(), free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": "x" * 50,
        "DJANGO_ALLOWED_HOSTS": f"{HOST},127.0.0.1",
        "CELERY_BROKER_URL": "",
        "API_ANON_RATE_LIMIT": "3/minute",
        "CSPO_VAR_DIR": str(tmp_path / "var"),
    }
    env["DATABASE_URL"] = database_url(tmp_path)
    env.pop("CACHE_URL", None)
    gunicorn = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "config.wsgi", "--bind", f"127.0.0.1:{upstream}",
         "--workers", "2", "--log-level", "warning"],
        cwd=ROOT, env=env,
    )  # fmt: skip
    nginx = Nginx(
        tmp_path,
        site_config(tmp_path, http_port=http_port, https_port=https_port, upstream_port=upstream),
        binary,
    )
    try:
        wait_for_port(upstream, gunicorn, "gunicorn")
        warm_up(upstream)
        nginx.start()
        wait_for_port(http_port, nginx.process, "nginx")
        yield {"http": http_port, "https": https_port, "upstream": upstream}
    finally:
        if getattr(nginx, "process", None) is not None:
            nginx.stop()
        gunicorn.terminate()
        gunicorn.wait(timeout=30)


def warm_up(port):
    """Until both workers have loaded the app: a worker's first request waits for it."""
    fast = 0
    deadline = time.monotonic() + 120
    while fast < 4 and time.monotonic() < deadline:
        seconds = get(port, "/healthz", source="127.0.0.1")[2]
        fast = fast + 1 if seconds < 0.3 else 0


def get(port, path, *, source=CLIENT, tls=False, headers=None, timeout=30):
    """(status, body, seconds) of a GET from the client address `source`."""
    if tls:
        context = ssl.create_default_context()
        context.check_hostname, context.verify_mode = False, ssl.CERT_NONE
        conn = http.client.HTTPSConnection(
            "127.0.0.1", port, timeout=timeout, context=context, source_address=(source, 0)
        )
    else:
        conn = http.client.HTTPConnection(
            "127.0.0.1", port, timeout=timeout, source_address=(source, 0)
        )
    started = time.monotonic()
    conn.request("GET", path, headers={"Host": HOST, **(headers or {})})
    response = conn.getresponse()
    body = response.read()
    conn.close()
    return response.status, body, time.monotonic() - started


class SlowHeaders:
    """Connections that send a request line, then one header line a second, never
    finishing: each would hold a sync worker for as long as it lasts."""

    def __init__(self, port, count):
        self.port, self.count = port, count
        self.stopped = threading.Event()
        self.dripping = threading.Semaphore(0)  # released once per connection's first header
        self.threads = [threading.Thread(target=self.drip, daemon=True) for _ in range(count)]

    def drip(self):
        with socket.create_connection(("127.0.0.1", self.port), timeout=5) as sock:
            try:
                sock.sendall(f"GET /healthz HTTP/1.1\r\nHost: {HOST}\r\n".encode())
                self.dripping.release()
                n = 0
                while not self.stopped.wait(1):
                    n += 1
                    sock.sendall(f"X-Slow-{n}: {n}\r\n".encode())
            except OSError:
                pass  # the server gave up on it: that is the point

    def __enter__(self):
        for thread in self.threads:
            thread.start()
        for _ in self.threads:  # all of them connected and dripping
            assert self.dripping.acquire(timeout=10), "a slow connection did not connect"
        return self

    def __exit__(self, *exc):
        self.stopped.set()
        for thread in self.threads:
            thread.join(timeout=5)


def test_slow_header_connections_do_not_stall_healthz_behind_nginx(stack):
    # The slow connections last about 10 s: a probe they stalled would wait that long,
    # so a 3 s bound tells a stall from a busy machine's slow answer.
    with SlowHeaders(stack["http"], count=6):
        timings = []
        for _ in range(8):
            status, body, seconds = get(stack["http"], "/healthz")
            assert status == 200 and b'"database"' in body
            timings.append(seconds)
            time.sleep(1)
        status, body, seconds = get(stack["https"], "/healthz", tls=True)
        assert status == 200 and b'"database"' in body
        timings.append(seconds)
    assert max(timings) < 3.0, timings


def test_behind_nginx_each_client_has_its_own_address_and_a_forged_one_is_ignored(stack):
    path = "/api/v1/verify/CSPO-0"
    codes = [
        get(stack["https"], path, tls=True, headers={"X-Forwarded-For": f"192.0.2.{n}"})[0]
        for n in range(10)
    ]
    # 3 a minute per client address; each of the 2 workers counts in its own memory.
    assert codes.count(404) <= 6 and codes.count(429) >= 4, codes
    assert get(stack["https"], path, tls=True, source=OTHER_CLIENT)[0] == 404
