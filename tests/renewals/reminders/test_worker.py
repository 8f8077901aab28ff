"""End to end: a real Celery worker process, the Redis broker and PostgreSQL send one
reminder. Runs when CELERY_BROKER_URL is a redis:// URL (CI); skipped otherwise."""

import datetime
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from config.celery import app as celery_app
from cspo_tracker import tasks
from cspo_tracker.outbox import services as outbox
from cspo_tracker.outbox.models import OutboundEmail
from renewals.sweep import services as sweep
from tests.factories import credential_expiring

from .test_smtp import FlakyHandler, free_port

ROOT = Path(__file__).resolve().parents[3]
EXPIRES = datetime.date(2026, 6, 30)


def wait_for(condition, *, seconds=60):
    """Poll until `condition()` holds; fail after `seconds`."""
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out waiting for the worker"
        time.sleep(0.1)


def database_url():
    db = connection.settings_dict
    auth = db["USER"] or ""
    if db.get("PASSWORD"):
        auth += f":{db['PASSWORD']}"
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_sends_a_claimed_reminder_once():
    broker = os.environ.get("CELERY_BROKER_URL", "")
    if not broker.startswith("redis://"):
        pytest.skip("needs CELERY_BROKER_URL=redis://... (CI runs it)")
    if connection.vendor != "postgresql":
        pytest.skip("the worker process must share the test database: PostgreSQL only")
    from aiosmtpd.controller import Controller

    port = free_port()
    handler = FlakyHandler(failures=1)  # the first attempt fails: the worker retries
    smtp = Controller(handler, hostname="127.0.0.1", port=port)
    smtp.start()
    queue = f"e2e-{uuid.uuid4().hex[:8]}"
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "CELERY_BROKER_URL": broker,
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(port),
        "EMAIL_USE_TLS": "false",
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "OUTBOX_RETRY_BASE_SECONDS": "1",  # the retry is due a second after the failure
    }
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "worker", "-Q", queue,
         "--pool=solo", "--without-gossip", "--without-mingle", "--without-heartbeat",
         "-l", "INFO", "-n", f"{queue}@%h"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    celery_app.conf.task_always_eager = False
    sentinels = iter(range(1, 100))

    def drained():
        """Wait until the worker has taken every message sent so far: a last message
        for a marker email is handled after them (one queue, a solo pool, in order)."""
        marker = OutboundEmail.objects.create(
            key=f"queue-marker:{next(sentinels)}", template="marker", to="marker@example.com",
            subject="marker", body_text="marker",
        )  # fmt: skip
        tasks.deliver_emails.apply_async(args=[[marker.pk]], queue=queue)
        wait_for(lambda: OutboundEmail.objects.get(pk=marker.pk).status == "sent")

    def reminders_received():
        return [m for m in handler.received if "marker@example.com" not in m]

    def default_queue_length():
        with celery_app.connection_for_write() as conn:
            return conn.default_channel.client.llen(celery_app.conf.task_default_queue)

    left_by_others = default_queue_length()
    try:
        credential_expiring(EXPIRES)
        # Only the test's queue gets messages: the sweep's own publish (to the default
        # queue, which no worker here reads) is kept back; the row waits in the outbox.
        real_publish = outbox.publish
        outbox.publish = lambda ids: False
        try:
            sweep.run_sweep(today=EXPIRES - datetime.timedelta(days=7))  # the outbox row
        finally:
            outbox.publish = real_publish
        email = OutboundEmail.objects.get(template="renewal_reminder")
        # The first attempt fails; a message before the retry is due sends nothing; once
        # it is due the next one sends, and a duplicate after that sends nothing.
        tasks.deliver_emails.apply_async(args=[[email.pk]], queue=queue)
        wait_for(lambda: OutboundEmail.objects.get(pk=email.pk).attempts > 0)
        email.refresh_from_db()
        assert (email.status, email.attempts) == ("pending", 1), email.last_error
        tasks.deliver_emails.apply_async(args=[[email.pk]], queue=queue)  # too early
        drained()
        email.refresh_from_db()
        assert (email.status, email.attempts) == ("pending", 1)
        wait_for(lambda: timezone.now() >= email.next_attempt_at)
        for _ in range(2):
            tasks.deliver_emails.apply_async(args=[[email.pk]], queue=queue)
        drained()
        email.refresh_from_db()
        assert email.status == OutboundEmail.Status.SENT, email.last_error
        assert email.attempts == 2
        assert len(reminders_received()) == 1
        assert "SEUs and the US$100 fee" in reminders_received()[0]
        # Nothing of this test's is left in the default queue (earlier tests of the run
        # may have left messages there: only this test's own count is compared).
        assert default_queue_length() == left_by_others
    finally:
        celery_app.conf.task_always_eager = settings.CELERY_TASK_ALWAYS_EAGER
        worker.terminate()
        try:
            output, _ = worker.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            worker.kill()
            output, _ = worker.communicate()
        smtp.stop()
    assert "cspo_tracker.tasks.deliver_emails" in output
