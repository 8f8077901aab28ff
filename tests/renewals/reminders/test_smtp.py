"""Reminders through a real SMTP server on loopback (aiosmtpd), failing then recovering."""

import datetime
import socket
from io import StringIO

import pytest
import time_machine
from aiosmtpd.controller import Controller
from django.core.management import call_command

from cspo_tracker import tasks as outbox_tasks
from cspo_tracker.outbox.models import OutboundEmail
from renewals import tasks
from renewals.models import Reminder
from tests.factories import credential_expiring

EXPIRES = datetime.date(2026, 6, 30)


class FlakyHandler:
    """Answers 451 (try again later) to the first `failures` messages, then accepts."""

    def __init__(self, failures=0):
        self.failures = failures
        self.received = []

    async def handle_DATA(self, server, session, envelope):
        if self.failures > 0:
            self.failures -= 1
            return "451 4.3.0 Mailbox busy, try again later"
        self.received.append(envelope.content.decode("utf8", errors="replace"))
        return "250 OK"


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp(settings):
    port = free_port()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS, settings.EMAIL_USE_SSL = False, False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 5
    handler = FlakyHandler()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    handler.start = controller.start
    handler.stop = controller.stop
    yield handler
    if getattr(controller, "_thread", None) is not None:
        controller.stop()


def at(day):
    return time_machine.travel(
        datetime.datetime(day.year, day.month, day.day, 12, tzinfo=datetime.UTC), tick=False
    )


def test_a_busy_smtp_server_leaves_the_email_in_the_outbox_until_it_is_sent_once(
    db, smtp, django_capture_on_commit_callbacks
):
    credential_expiring(EXPIRES)
    smtp.failures = 2
    smtp.start()
    day = EXPIRES - datetime.timedelta(days=30)
    with at(day), django_capture_on_commit_callbacks(execute=True):
        tasks.daily_sweep.delay()  # writes the reminder; its delivery after commit fails
    email = OutboundEmail.objects.get()
    assert (email.status, email.attempts) == ("pending", 1) and "451" in email.last_error
    for minutes in (1, 3, 10):  # the periodic delivery run, after each back-off
        with time_machine.travel(
            datetime.datetime(day.year, day.month, day.day, 12, minutes, tzinfo=datetime.UTC),
            tick=False,
        ):
            outbox_tasks.deliver_due_emails.apply()
    email.refresh_from_db()
    assert (email.status, email.attempts) == ("sent", 3)
    assert Reminder.objects.get().status == "sent"
    assert len(smtp.received) == 1
    assert "20 SEUs and the US$100 fee" in smtp.received[0]


def test_a_reminder_the_smtp_outage_held_back_is_delivered_by_the_next_run(db, smtp):
    credential_expiring(EXPIRES)
    day = EXPIRES - datetime.timedelta(days=7)

    first = StringIO()
    with at(day):
        call_command("send_renewal_reminders", stdout=first, stderr=StringIO())
    assert (
        "reminders sent: 1" in first.getvalue()
        and "not delivered by this run, tried again later: 1" in first.getvalue()
    )
    email = OutboundEmail.objects.get()
    assert email.status == OutboundEmail.Status.PENDING and email.last_error

    smtp.start()  # the server comes back
    later = datetime.datetime(day.year, day.month, day.day, 13, tzinfo=datetime.UTC)
    second = StringIO()
    with time_machine.travel(later, tick=False):
        call_command("send_renewal_reminders", stdout=second, stderr=StringIO())
    assert "emails delivered by this run: 1" in second.getvalue()
    assert "tried again later: 0" in second.getvalue() and "given up" in second.getvalue()
    third = StringIO()
    with time_machine.travel(later, tick=False):
        call_command("send_renewal_reminders", stdout=third, stderr=StringIO())
    assert (
        "already sent: 1" in third.getvalue()
        and "emails delivered by this run: 0" in third.getvalue()
    )
    email.refresh_from_db()
    assert (email.status, email.attempts) == ("sent", 2)
    assert len(smtp.received) == 1
