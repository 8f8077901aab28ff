"""Fault suite, webhooks: receivers that stall must not delay anyone's email.

Real Celery workers as production runs them (docs/operations.md): one on the default
queue (email, the sweep), one on the `webhooks` queue. Receivers drip one header line
every 8 s; a password reset asked for meanwhile still leaves within a minute."""

import os
import signal
import subprocess
import sys
import time

import pytest
from django.test import Client
from django.urls import reverse

from tests.cspo_tracker.test_faults import ROOT, own_redis, sink  # noqa: F401 (fixtures)
from tests.factories import CredentialFactory, PractitionerFactory, UserFactory
from tests.renewals.reminders.test_worker import database_url
from webhooks.models import WebhookDelivery

from .conftest import subscribe


def start_worker(redis, smtp, queue):
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "CELERY_BROKER_URL": redis.url,
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(smtp.port),
        "EMAIL_USE_TLS": "false",
        "DEFAULT_FROM_EMAIL": "CSPO Tracker <noreply@cspo.example.org>",
        "WEBHOOKS_ALLOW_HTTP": "true",
        "WEBHOOKS_ALLOW_PRIVATE_TARGETS": "true",
    }
    return subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=solo", "-Q", queue,
         "--without-gossip", "--without-mingle", "--without-heartbeat", "-l", "INFO"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip


def wait_for(condition, seconds):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_password_reset_email_leaves_within_a_minute_while_receivers_drip(
    own_redis,  # noqa: F811
    sink,  # noqa: F811
    slow_drip,
    settings,
):
    drip = slow_drip(interval=8, lines=20)  # 160 s per attempt without a deadline
    holder = PractitionerFactory()
    for n in range(6):
        subscribe(holder, f"{drip.url}/{n}")
    CredentialFactory(holder=holder)  # six deliveries handed to the broker first
    assert WebhookDelivery.objects.count() == 6
    workers = [start_worker(own_redis, sink, queue) for queue in ("celery", "webhooks")]
    try:
        assert wait_for(lambda: drip.connections >= 1, 60), "a worker is at the receiver"
        user = UserFactory()
        asked = time.monotonic()
        Client().post(reverse("account_reset_password"), {"email": user.email})
        assert wait_for(lambda: len(sink.message_ids) == 1, 60), "the email waited"
        took = time.monotonic() - asked
    finally:
        for worker in workers:
            worker.send_signal(signal.SIGKILL)
            worker.wait(timeout=30)
    assert took < 60
    assert drip.connections <= 6
