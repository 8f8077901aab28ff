"""Fault suite (PostgreSQL): the project's own Redis on another port is stopped mid-run.
Across a renewal confirmed and one rejected, a course closed, 50 invitations and a
reminder sweep, no email is lost and none is sent twice: what the broker never got waits
in the outbox, the delivery run sends it, and a real worker draining the messages that
did reach the broker finds them sent already."""

import datetime
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

from certifications.courses import Attendee, close_course, enroll
from cspo_tracker import outbox, publishing
from cspo_tracker.celery import app as celery_app
from cspo_tracker.models import OutboundEmail
from renewals import services, sweep
from tests.factories import (
    CourseFactory,
    StaffFactory,
    course_with_attendees,
    credential_expiring,
    seus_for,
)
from tests.renewals.test_smtp import free_port
from tests.renewals.test_worker import database_url

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


def drain_with_a_real_worker(redis):
    """Run a worker on the messages that reached the broker, until the queue is empty."""
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "CELERY_BROKER_URL": redis.url,
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "DJANGO_SETTINGS_MODULE": "cspo_tracker.settings",
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
    }
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "cspo_tracker", "worker", "--pool=solo",
         "--without-gossip", "--without-mingle", "--without-heartbeat", "-l", "INFO"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    import redis as redis_client

    queue = redis_client.Redis.from_url(redis.url)
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline and queue.llen("celery"):
        time.sleep(0.5)
    time.sleep(3)  # the last message is acknowledged after its task ran
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

    assert redis_client.Redis.from_url(own_redis.url).llen("celery") == 5
    output = drain_with_a_real_worker(own_redis)
    assert "cspo_tracker.tasks.deliver_email" in output and "succeeded" in output
    assert set(OutboundEmail.objects.values_list("status", flat=True)) == {"sent"}
    assert len(mail.outbox) == expected
    assert settings.OUTBOX_MAX_ATTEMPTS >= 1
