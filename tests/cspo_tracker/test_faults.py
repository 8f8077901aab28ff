"""Fault suite: the project's own Redis on another port is stopped mid-run, a worker is
killed, SMTP stalls.

- As the broker (PostgreSQL), on the batched delivery path: across a renewal confirmed
  and one rejected, a course closed, 50 invitations and a reminder sweep, no email is
  lost and none is sent twice: what the broker never got waits in the outbox, the
  delivery run sends it, and a real worker draining the messages that did reach the
  broker finds them sent already.
- A real worker is killed mid-batch: the emails it sent stay sent, the rest are sent
  once its lease runs out; only a kill between the SMTP DATA and its 250 reply may send
  one twice (docs/operations.md), with the same Message-ID.
- Two delivery runs at once during an SMTP outage: neither waits on the other's locks,
  no row is tried before its next_attempt_at, and every email is sent once the server
  is back.
- As the cache (CACHE_URL): logins and API calls go on through the outage, their limits
  still hold (in each process's memory), /healthz says "degraded", and Redis takes over
  again when it is back."""

import datetime
import logging
import os
import shutil
import socket
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.core import mail
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from api.tokens import create_token
from certifications.courses.services import Attendee, close_course, enroll
from config.celery import app as celery_app
from cspo_tracker import cache as failover_cache
from cspo_tracker import publishing
from cspo_tracker.outbox import services as outbox
from cspo_tracker.outbox.models import OutboundEmail
from renewals import services
from renewals.sweep import services as sweep
from tests.factories import (
    PASSWORD,
    CourseFactory,
    PractitionerFactory,
    StaffFactory,
    course_with_attendees,
    credential_expiring,
    seus_for,
)
from tests.renewals.reminders.test_smtp import free_port
from tests.renewals.reminders.test_worker import database_url

ROOT = Path(__file__).resolve().parents[2]
D = datetime.date


class OwnRedis:
    """A redis-server of this test's own, on a free port, that the test stops and starts."""

    def __init__(self):
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process = None

    def start(self):
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        for _ in range(50):
            with socket.socket() as sock:
                if sock.connect_ex(("127.0.0.1", self.port)) == 0:
                    return
            time.sleep(0.1)
        raise RuntimeError("redis-server did not start")

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=10)


@pytest.fixture
def own_redis(settings):
    if connection.vendor != "postgresql":
        pytest.skip("the worker process must share the test database: PostgreSQL only")
    if not shutil.which("redis-server"):
        pytest.fail("redis-server is needed for the fault suite")
    redis = OwnRedis()
    redis.start()
    conf = celery_app.conf
    saved = conf.broker_url, conf.broker_write_url, conf.task_always_eager
    conf.broker_url = conf.broker_write_url = redis.url
    conf.task_always_eager = False
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_CONNECTION_TIMEOUT = 1
    celery_app._pool = None
    yield redis
    conf.broker_url, conf.broker_write_url, conf.task_always_eager = saved
    celery_app._pool = None
    if redis.process.poll() is None:
        redis.stop()


def start_worker(redis, **env):
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "CELERY_BROKER_URL": redis.url,
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        **env,
    }
    return subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=solo",
         "--without-gossip", "--without-mingle", "--without-heartbeat", "-l", "INFO"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip


def wait_until(condition, *, seconds):
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"not done within {seconds} s")
        time.sleep(0.1)


def drain_with_a_real_worker(redis, **env):
    """Run a worker on the messages that reached the broker, until the queue is empty."""
    import redis as redis_client

    broker = redis_client.Redis.from_url(redis.url)
    # Tasks acknowledge late: a message leaves the broker's "unacked" hash only after its
    # task ran. Entries already there belong to a killed worker, not to this one.
    stale = set(broker.hkeys("unacked"))
    worker = start_worker(redis, **env)

    def idle():
        return not broker.llen("celery") and set(broker.hkeys("unacked")) <= stale

    # A message moves from the queue to the hash in two steps: two idle reads in a row
    # (a poll apart) cannot both fall between them.
    wait_until(lambda: idle() and (time.sleep(0.1) or idle()), seconds=90)
    worker.terminate()
    output, _ = worker.communicate(timeout=30)
    return output


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_no_email_is_lost_or_doubled_when_the_broker_stops_mid_run(own_redis):
    staff = StaffFactory()
    at = time_machine.travel(datetime.datetime(2026, 5, 1, 12, tzinfo=datetime.UTC), tick=False)
    with at:
        # Broker up: a renewal confirmed, a course closed (2 welcome emails).
        confirmed = credential_expiring(D(2026, 6, 30))
        seus_for(confirmed.holder, 20)
        renewal = services.submit_renewal(
            practitioner=confirmed.holder, credentials=[confirmed], payment_reference="A"
        )
        services.confirm_fee(renewal=renewal, by=staff)
        course, _ = course_with_attendees(2)
        close_course(course=course)

        own_redis.stop()  # the broker goes away mid-run
        rejected_credential = credential_expiring(D(2026, 7, 30))
        seus_for(rejected_credential.holder, 20)
        rejected = services.submit_renewal(
            practitioner=rejected_credential.holder,
            credentials=[rejected_credential],
            payment_reference="B",
        )
        started = time.monotonic()
        services.reject_fee(renewal=rejected, by=staff, reason="Payment bounced")
        enroll(
            course=CourseFactory(capacity=60),
            attendees=[Attendee(f"fault{i}@example.org", "F", str(i)) for i in range(50)],
        )
        for _ in range(3):
            credential_expiring(D(2026, 5, 31))  # the 30-days-before reminder is due today
        sweep.run_sweep()
        outage_seconds = time.monotonic() - started

    templates = Counter(OutboundEmail.objects.values_list("template", flat=True))
    # 3 reminders 30 days before, and the rejected holder's 90-days-before reminder.
    assert templates == {
        "renewal_received": 2,  # each submitted renewal is acknowledged
        "renewal_confirmation": 1,
        "welcome": 2,
        "renewal_rejected": 1,
        "invitation": 50,
        "renewal_reminder": 4,
    }
    expected = sum(templates.values())
    assert outage_seconds < 20, "the outage cost requests one timeout each, not one per email"
    assert mail.outbox == []  # nothing was delivered in this process

    own_redis.start()  # the broker is back (empty: its messages were in memory)
    assert outbox.deliver_due() == (expected, 0)  # the periodic delivery run
    assert outbox.deliver_due() == (0, 0)
    assert len(mail.outbox) == expected
    assert len({(m.to[0], m.subject) for m in mail.outbox}) == expected

    # Messages that did reach a broker and are delivered late find their email sent.
    publishing._broker_down_until = 0.0  # the back-off after the outage has passed
    assert outbox.publish(list(OutboundEmail.objects.values_list("pk", flat=True)[:5]))
    import redis as redis_client

    assert redis_client.Redis.from_url(own_redis.url).llen("celery") == 1  # one batch
    output = drain_with_a_real_worker(own_redis)
    assert "cspo_tracker.tasks.deliver_emails" in output and "succeeded" in output
    assert set(OutboundEmail.objects.values_list("status", flat=True)) == {"sent"}
    assert len(mail.outbox) == expected
    assert settings.OUTBOX_MAX_ATTEMPTS >= 1


# --- The cache ------------------------------------------------------------------------

CACHE_BACKEND = "cspo_tracker.cache.FailoverRedisCache"  # what settings choose for redis://


def cache_at(settings, url):
    settings.CACHES = {
        **settings.CACHES,
        "default": {
            "BACKEND": CACHE_BACKEND,
            "LOCATION": url,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        },
    }
    failover_cache._down_until.clear()


@pytest.fixture
def cache_redis(settings):
    """The default cache on a Redis of this test's own, as production configures it."""
    if not shutil.which("redis-server"):
        pytest.fail("redis-server is needed for the fault suite")
    redis = OwnRedis()
    redis.start()
    cache_at(settings, redis.url)
    yield redis
    failover_cache._down_until.clear()
    if redis.process.poll() is None:
        redis.stop()


def log_in(email, password, address):
    browser = Client(REMOTE_ADDR=address)
    response = browser.post(reverse("account_login"), {"login": email, "password": password})
    return response, "_auth_user_id" in browser.session


def anonymous_verifications(address, times):
    return [
        APIClient(REMOTE_ADDR=address).get("/api/v1/verify/CSPO-0").status_code
        for _ in range(times)
    ]


def outage_warnings(caplog):
    return [
        r for r in caplog.records if r.name == "cspo_tracker.cache" and "unreachable" in r.message
    ]


@pytest.mark.django_db
def test_logins_and_api_calls_go_on_with_their_limits_while_the_cache_is_down(
    cache_redis, settings, caplog
):
    caplog.set_level(logging.WARNING, logger="cspo_tracker.cache")
    settings.API_ANON_RATE_LIMIT = "3/minute"
    user = PractitionerFactory().user
    api = APIClient()
    secret = create_token(name="fault", scopes=["credentials:read"], user=user).secret
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    import redis as redis_client

    shared = redis_client.Redis.from_url(cache_redis.url)

    # Redis up: limits are counted there.
    assert log_in(user.email, PASSWORD, "198.51.100.1")[1]
    assert api.get("/api/v1/me").status_code == 200
    assert anonymous_verifications("198.51.100.2", 4)[-1] == 429
    assert shared.dbsize() > 0
    assert Client().get("/healthz").json()["cache"] == {"ok": True, "detail": "redis"}

    cache_redis.stop()  # the cache goes away mid-run
    started = time.monotonic()
    response, logged_in = log_in(user.email, PASSWORD, "198.51.100.3")
    assert response.status_code == 302 and logged_in
    assert [api.get("/api/v1/me").status_code for _ in range(5)] == [200] * 5
    # The limits still hold, counted in this process's memory.
    assert anonymous_verifications("198.51.100.4", 4) == [404, 404, 404, 429]
    limit = settings.AXES_FAILURE_LIMIT
    attempts = [log_in(user.email, "wrong", "198.51.100.5") for _ in range(limit + 1)]
    assert not any(logged_in for _, logged_in in attempts)
    # The limit-th failure is axes' lock-out (429); past it allauth's own login limit
    # answers the form with the same message.
    assert [r.status_code for r, _ in attempts] == [200] * (limit - 1) + [429, 200]
    too_many = ["Too many failed login attempts" in r.content.decode() for r, _ in attempts]
    assert too_many == [False] * (limit - 1) + [True, True]
    assert log_in(user.email, PASSWORD, "198.51.100.6")[1]
    health = Client().get("/healthz")
    assert health.status_code == 200
    assert health.json()["status"] == "degraded"
    assert health.json()["cache"]["ok"] is False
    assert time.monotonic() - started < 10, "the outage costs a request one timeout at most"
    assert len(outage_warnings(caplog)) == 1  # one line per process and outage, not per call

    cache_redis.start()  # back, and empty
    health = Client().get("/healthz")
    assert health.json()["status"] == "ok" and health.json()["cache"]["ok"] is True
    assert anonymous_verifications("198.51.100.7", 1) == [404]
    assert list(shared.scan_iter(match="*anon*"))


@pytest.mark.django_db
def test_a_cache_that_accepts_but_never_answers_costs_one_timeout_not_one_per_call(
    settings, caplog
):
    caplog.set_level(logging.WARNING, logger="cspo_tracker.cache")
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(16)  # the kernel accepts connections; nothing ever answers
    try:
        cache_at(settings, f"redis://127.0.0.1:{silent.getsockname()[1]}/0")
        settings.API_ANON_RATE_LIMIT = "3/minute"
        user = PractitionerFactory().user
        started = time.monotonic()
        assert log_in(user.email, PASSWORD, "198.51.100.8")[1]
        assert anonymous_verifications("198.51.100.9", 10) == [404] * 3 + [429] * 7
        assert time.monotonic() - started < 8
        assert len(outage_warnings(caplog)) == 1
    finally:
        failover_cache._down_until.clear()
        silent.close()


class Sink:
    """An SMTP server on loopback that keeps each message's Message-ID. RCPT is slow, so
    a worker spends its time there, before the DATA of the message in flight."""

    def __init__(self, rcpt_seconds=0.0):
        self.rcpt_seconds = rcpt_seconds
        self.message_ids = []

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        import asyncio

        await asyncio.sleep(self.rcpt_seconds)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        import email

        message = email.message_from_bytes(envelope.content)
        self.message_ids.append(message["Message-ID"])
        return "250 OK"


@pytest.fixture
def sink(settings):
    from aiosmtpd.controller import Controller

    handler = Sink()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 5
    handler.port = port
    yield handler
    controller.stop()


def stored_emails(n):
    publishing._broker_down_until = float("inf")  # written, not yet handed to a broker
    try:
        return [
            outbox.store(template="t", to=f"p{i}@example.org", subject=f"s{i}", body_text="b")
            for i in range(n)
        ]
    finally:
        publishing._broker_down_until = 0.0


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_batch_loses_nothing_and_doubles_nothing(own_redis, sink, settings):
    import signal

    import redis as redis_client

    sink.rcpt_seconds = 0.1
    emails = stored_emails(60)
    settings.OUTBOX_BATCH_SIZE = 20
    assert outbox.publish([e.pk for e in emails])  # three batches, one message each
    queue = redis_client.Redis.from_url(own_redis.url)
    assert queue.llen("celery") == 3
    smtp_env = {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(sink.port),
        "EMAIL_USE_TLS": "false",
        "OUTBOX_BATCH_SIZE": "20",
        "DEFAULT_FROM_EMAIL": "CSPO Tracker <noreply@cspo.example.org>",
    }
    worker = start_worker(own_redis, **smtp_env)
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline and len(sink.message_ids) < 10:
        time.sleep(0.05)
    worker.send_signal(signal.SIGKILL)  # mid-batch: no chance to clean up
    worker.communicate(timeout=30)
    received_at_kill = len(sink.message_ids)
    assert 10 <= received_at_kill < 60
    sent = OutboundEmail.objects.filter(status="sent").count()
    assert sent >= received_at_kill - 1  # each marked the moment the server took it
    leased = OutboundEmail.objects.filter(status="pending", leased_until__isnull=False)
    assert leased.exists(), "the killed batch's unsent rows wait for their lease to end"

    # The every-minute run, once the lease is over, sends what the dead worker left;
    # then a new worker drains the batches still queued and finds them sent.
    settings.DEFAULT_FROM_EMAIL = smtp_env["DEFAULT_FROM_EMAIL"]
    later = timezone.now() + datetime.timedelta(seconds=settings.OUTBOX_LEASE_SECONDS + 1)
    outbox.deliver_due(now=later)
    drain_with_a_real_worker(own_redis, **smtp_env)
    assert set(OutboundEmail.objects.values_list("status", flat=True)) == {"sent"}
    expected = {outbox.message_id(e.key) for e in emails}
    received = Counter(sink.message_ids)
    assert set(received) == expected, "none lost"
    doubled = [mid for mid, n in received.items() if n > 1]
    assert len(doubled) <= 1, "only the message in flight at the kill may go twice"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_delivery_runs_during_an_smtp_outage_never_wait_nor_send_early(sink, settings):
    import threading

    from django.db import connections

    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL row locks")
    # The outage: a server that takes the connection and never says a word.
    stalled = socket.socket()
    stalled.bind(("127.0.0.1", 0))
    stalled.listen(50)
    settings.EMAIL_PORT = stalled.getsockname()[1]
    settings.EMAIL_TIMEOUT = 2
    settings.OUTBOX_BATCH_SIZE = 5
    emails = stored_emails(10)
    now = timezone.now()
    start, errors, results = threading.Barrier(2), [], []

    def run():
        try:
            with connection.cursor() as cursor:  # waiting on a lock fails the run
                cursor.execute("SET lock_timeout = '300ms'")
            start.wait()
            results.append(outbox.deliver_due(now=now))
        except Exception as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    try:
        runs = [threading.Thread(target=run) for _ in range(2)]
        for thread in runs:
            thread.start()
        for thread in runs:
            thread.join(timeout=60)
    finally:
        stalled.close()
    assert errors == []
    assert sorted(results) == [(0, 5), (0, 5)], "each run took its own batch"
    for email in OutboundEmail.objects.all():
        assert (email.status, email.attempts, email.leased_until) == ("pending", 1, None)
        assert email.next_attempt_at >= now + datetime.timedelta(seconds=48)

    settings.EMAIL_PORT = sink.port  # the server is back
    settings.EMAIL_TIMEOUT = 5
    assert outbox.deliver_due(now=now + datetime.timedelta(seconds=30)) == (0, 0)
    assert sink.message_ids == [], "nothing before its next_attempt_at"
    assert outbox.deliver_due(now=now + datetime.timedelta(seconds=80)) == (10, 0)
    assert outbox.deliver_due(now=now + datetime.timedelta(seconds=80)) == (0, 0)
    assert sorted(sink.message_ids) == sorted(outbox.message_id(e.key) for e in emails)
