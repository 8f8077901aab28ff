"""How the outbox hands emails to SMTP: a batch per broker message and per connection,
the same Message-ID on the sender's domain at every attempt, and a worker's database
connection kept across tasks but never reused broken."""

import datetime
import shutil

import pytest
import time_machine
from django.core import mail
from django.db import connection

from config.celery import app as celery_app
from cspo_tracker.outbox import services as outbox
from cspo_tracker.outbox.models import OutboundEmail
from tests.renewals.reminders.test_smtp import smtp  # noqa: F401  (the fixture)

T0 = datetime.datetime(2026, 5, 4, 9, 0, tzinfo=datetime.UTC)
SEND = "django.core.mail.backends.locmem.EmailBackend.send_messages"


def stored(n, **kwargs):
    with time_machine.travel(T0, tick=False):
        return [
            outbox.store(
                template="t", to=f"p{i}@example.org", subject=f"s{i}", body_text="b", **kwargs
            )
            for i in range(n)
        ]


@pytest.mark.django_db
def test_every_attempt_carries_the_same_message_id_on_the_senders_domain(settings, monkeypatch):
    settings.DEFAULT_FROM_EMAIL = "CSPO Tracker <reminders@cspo.example.org>"
    (email,) = stored(1)
    seen = []

    def refused_after_reading(self, messages):
        seen.append(messages[0].message()["Message-ID"])
        raise ConnectionRefusedError("smtp down")

    monkeypatch.setattr(SEND, refused_after_reading)
    with time_machine.travel(T0, tick=False):
        assert outbox.deliver(email.pk) is False
    monkeypatch.undo()
    with time_machine.travel(T0 + datetime.timedelta(hours=1), tick=False):
        assert outbox.deliver(email.pk) is True
    sent = mail.outbox[0].message()["Message-ID"]
    assert sent == seen[0] == outbox.message_id(email.key)
    assert sent.endswith("@cspo.example.org>")
    assert outbox.message_id("other:1") != sent


@pytest.mark.django_db
def test_a_batch_goes_out_over_one_smtp_connection(smtp, settings, monkeypatch):  # noqa: F811
    from django.core.mail.backends.smtp import EmailBackend

    smtp.start()
    settings.OUTBOX_BATCH_SIZE = 100
    opened = []
    real_open = EmailBackend.open

    def counting_open(self):
        created = real_open(self)
        if created:
            opened.append(1)
        return created

    monkeypatch.setattr(EmailBackend, "open", counting_open)
    stored(250)
    with time_machine.travel(T0, tick=False):
        assert outbox.deliver_due() == (250, 0)
    assert len(opened) == 3
    assert len(smtp.received) == 250


@pytest.mark.django_db
def test_a_refused_recipient_fails_alone_and_the_batch_goes_on(smtp, settings):  # noqa: F811
    smtp.start()

    async def refuse_one(server, session, envelope, address, rcpt_options):
        if address == "p1@example.org":
            return "550 5.1.1 No such user"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    smtp.handle_RCPT = refuse_one
    stored(3)
    with time_machine.travel(T0, tick=False):
        assert outbox.deliver_due() == (2, 1)
    statuses = dict(OutboundEmail.objects.values_list("to", "status"))
    assert statuses == {
        "p0@example.org": "sent",
        "p1@example.org": "pending",
        "p2@example.org": "sent",
    }
    assert "550" in OutboundEmail.objects.get(to="p1@example.org").last_error


@pytest.fixture
def own_broker(settings):
    if not shutil.which("redis-server"):
        pytest.skip("needs redis-server")
    from tests.cspo_tracker.test_faults import OwnRedis

    redis = OwnRedis()
    redis.start()
    conf = celery_app.conf
    saved = conf.broker_url, conf.broker_write_url, conf.task_always_eager
    conf.broker_url = conf.broker_write_url = redis.url
    conf.task_always_eager = False
    settings.CELERY_TASK_ALWAYS_EAGER = False
    celery_app._pool = None
    yield redis
    conf.broker_url, conf.broker_write_url, conf.task_always_eager = saved
    celery_app._pool = None
    redis.stop()


@pytest.mark.django_db
def test_a_batch_of_ids_is_one_broker_message(
    own_broker, settings, django_capture_on_commit_callbacks
):
    import base64
    import json

    import redis as redis_client

    from cspo_tracker import publishing

    publishing._broker_down_until = 0.0
    settings.OUTBOX_BATCH_SIZE = 100
    ids = [email.pk for email in stored(250)]  # e.g. a sweep chunk's reminders
    assert outbox.publish(ids)
    queue = redis_client.Redis.from_url(own_broker.url)
    messages = [json.loads(m) for m in queue.lrange("celery", 0, -1)]
    assert [m["headers"]["task"] for m in messages] == ["cspo_tracker.tasks.deliver_emails"] * 3
    batches = [json.loads(base64.b64decode(m["body"]))[0][0] for m in messages]
    assert sorted(len(batch) for batch in batches) == [50, 100, 100]


@pytest.mark.django_db
def test_a_worker_keeps_its_database_connection_between_tasks(settings):
    assert celery_app.conf.get("CELERY_DB_REUSE_MAX"), "Celery closes it around every task"


@pytest.mark.django_db(transaction=True)
def test_a_broken_connection_is_dropped_before_the_next_task():
    if connection.vendor != "postgresql":
        pytest.skip("SQLite's in-memory test database is never closed")
    from celery import signals

    class Worker:  # a task run by a worker, not in-process
        class request:
            is_eager = False

    saved = connection.settings_dict["CONN_MAX_AGE"]
    connection.close()
    connection.settings_dict["CONN_MAX_AGE"] = 60  # production's persistent connections
    try:
        connection.ensure_connection()
        kept = connection.connection
        signals.task_prerun.send(sender=Worker, task_id="1", task=Worker)
        assert connection.connection is kept, "a healthy connection is reused"
        connection.errors_occurred = True
        connection.is_usable = lambda: False
        try:
            signals.task_prerun.send(sender=Worker, task_id="2", task=Worker)
        finally:
            del connection.is_usable
        assert connection.connection is None, "the broken one is closed, not reused"
        assert OutboundEmail.objects.count() == 0  # the next query opens a fresh one
    finally:
        connection.close()
        connection.settings_dict["CONN_MAX_AGE"] = saved
