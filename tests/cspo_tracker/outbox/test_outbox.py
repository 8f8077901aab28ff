"""Every email goes through one outbox: written with the change, delivered once, kept
when the broker or SMTP is down, and a broker outage never slows a request per email."""

import datetime
import time

import pytest
import time_machine
from django.core import mail
from django.db import transaction
from django.utils import timezone

from certifications.courses.services import Attendee, close_course, enroll
from config.celery import app as celery_app
from cspo_tracker.outbox import services as outbox
from cspo_tracker.outbox.models import OutboundEmail
from tests.factories import CourseFactory, ProgramFactory, course_with_attendees

pytestmark = pytest.mark.django_db


def test_an_email_exists_only_if_the_change_that_causes_it_commits():
    course, _ = course_with_attendees(1)
    with pytest.raises(RuntimeError), transaction.atomic():
        close_course(course=course)
        raise RuntimeError("the closing fails after issuing")
    assert not OutboundEmail.objects.exists()


def test_the_same_key_twice_stores_and_sends_one_email(django_capture_on_commit_callbacks):
    course, _ = course_with_attendees(1)
    with django_capture_on_commit_callbacks(execute=True):
        (credential,) = close_course(course=course).issued
    from certifications.issuing.services import enqueue_welcome_emails

    with django_capture_on_commit_callbacks(execute=True):
        again = enqueue_welcome_emails([credential])
    assert again == []
    assert OutboundEmail.objects.get().status == "sent"
    assert len(mail.outbox) == 1


SEND = "django.core.mail.backends.locmem.EmailBackend.send_messages"


def test_a_delivery_cut_off_mid_way_stays_pending_and_is_sent_once_after_its_lease(
    settings, monkeypatch
):
    course, _ = course_with_attendees(1)
    close_course(course=course)  # no commit callbacks: the email waits in the outbox
    email = OutboundEmail.objects.get()

    def killed(self, *args, **kwargs):
        raise SystemExit("worker killed")

    start = timezone.now()
    monkeypatch.setattr(SEND, killed)
    with pytest.raises(SystemExit):
        outbox.deliver(email.pk, now=start)
    email.refresh_from_db()
    assert (email.status, email.attempts) == ("pending", 0)
    monkeypatch.undo()
    assert outbox.deliver(email.pk, now=start) is False  # still the dead worker's lease
    assert outbox.deliver_due(now=start) == (0, 0)
    after_lease = start + datetime.timedelta(seconds=settings.OUTBOX_LEASE_SECONDS)
    assert outbox.deliver(email.pk, now=after_lease) is True
    assert outbox.deliver(email.pk, now=after_lease) is False
    assert len(mail.outbox) == 1


def test_smtp_failures_back_off_and_give_up_for_staff_after_the_limit(settings, monkeypatch):
    settings.OUTBOX_MAX_ATTEMPTS = 3
    course, _ = course_with_attendees(1)
    close_course(course=course)
    email = OutboundEmail.objects.get()

    def refused(self, *args, **kwargs):
        raise ConnectionRefusedError("smtp down")

    monkeypatch.setattr(SEND, refused)
    start = email.next_attempt_at
    minute = datetime.timedelta(minutes=1)
    with time_machine.travel(start, tick=False):
        assert outbox.deliver_due() == (0, 1)
        assert outbox.deliver_due() == (0, 0)  # not due again for about a minute
    email.refresh_from_db()
    assert start + 0.8 * minute <= email.next_attempt_at <= start + 1.2 * minute
    with time_machine.travel(start + 1.2 * minute, tick=False):
        outbox.deliver_due()
    with time_machine.travel(start + 4 * minute, tick=False):
        outbox.deliver_due()
    email.refresh_from_db()
    assert (email.status, email.attempts) == ("failed", 3) and "smtp down" in email.last_error
    monkeypatch.undo()
    outbox.retry(email)
    assert outbox.deliver_due() == (1, 0)
    assert len(mail.outbox) == 1


def test_subjects_and_text_are_not_html_escaped(django_capture_on_commit_callbacks):
    program = ProgramFactory(code="O'K&CO")
    course, _ = course_with_attendees(1, program=program)
    with django_capture_on_commit_callbacks(execute=True):
        close_course(course=course)
    [message] = mail.outbox
    assert message.subject.startswith("Welcome: you are now a O'K&CO (certificate OKCO-")
    assert "&amp;" not in message.subject and "&#x27;" not in message.body
    html = message.alternatives[0][0]
    assert "O&#x27;K&amp;CO" in html  # the HTML part still escapes


@pytest.fixture
def broker_down(settings):
    """A real broker URL on a port nothing listens on: every connection is refused."""
    conf = celery_app.conf
    saved = conf.broker_url, conf.broker_write_url, conf.task_always_eager
    conf.broker_url = conf.broker_write_url = "redis://127.0.0.1:9/0"
    conf.task_always_eager = False
    settings.CELERY_TASK_ALWAYS_EAGER = False
    celery_app._pool = None
    yield
    conf.broker_url, conf.broker_write_url, conf.task_always_eager = saved
    celery_app._pool = None


def test_fifty_invitations_with_the_broker_down_cost_one_connection_attempt(
    broker_down, monkeypatch, django_capture_on_commit_callbacks
):
    attempts = []
    real = celery_app.connection_for_write

    def counting(*args, **kwargs):
        attempts.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(celery_app, "connection_for_write", counting)
    course = CourseFactory(capacity=60)
    people = [Attendee(f"invitee{i}@example.org", "P", str(i)) for i in range(50)]
    started = time.monotonic()
    with django_capture_on_commit_callbacks(execute=True):
        enroll(course=course, attendees=people)
    elapsed = time.monotonic() - started
    assert len(attempts) == 1, "one refused connection, then the outbox stops asking"
    assert set(OutboundEmail.objects.values_list("status", flat=True)) == {"pending"}
    assert OutboundEmail.objects.count() == 50
    assert elapsed < 15  # (no timing promise: a benchmark would measure; this only bounds)
    monkeypatch.undo()
    celery_app.conf.task_always_eager = True
    assert outbox.deliver_due() == (50, 0)
    assert outbox.deliver_due() == (0, 0)
    assert len(mail.outbox) == 50


def test_the_wait_between_attempts_stops_growing_at_its_cap(settings, monkeypatch):
    """After many failures an email is still tried again within the cap (plus the
    spread), not days later."""
    settings.OUTBOX_MAX_ATTEMPTS = 50
    settings.OUTBOX_RETRY_BASE_SECONDS = 60
    settings.OUTBOX_RETRY_MAX_SECONDS = 600
    course, _ = course_with_attendees(1)
    close_course(course=course)
    email = OutboundEmail.objects.get()
    OutboundEmail.objects.filter(pk=email.pk).update(attempts=12)  # 60 * 2**12 s uncapped

    def refused(self, *args, **kwargs):
        raise ConnectionRefusedError("smtp down")

    monkeypatch.setattr(SEND, refused)
    start = email.next_attempt_at
    with time_machine.travel(start, tick=False):
        assert outbox.deliver_due() == (0, 1)
    email.refresh_from_db()
    assert email.attempts == 13 and email.status == "pending"
    cap = datetime.timedelta(seconds=600)
    assert 0.8 * cap <= email.next_attempt_at - start <= 1.2 * cap


def test_an_email_sent_again_by_staff_gets_its_attempts_afresh(settings, monkeypatch):
    """A failed email staff send again starts a new count: one more failure is a first
    failure (pending, tried again later), not the last one."""
    settings.OUTBOX_MAX_ATTEMPTS = 2
    course, _ = course_with_attendees(1)
    close_course(course=course)
    email = OutboundEmail.objects.get()

    def refused(self, *args, **kwargs):
        raise ConnectionRefusedError("smtp down")

    monkeypatch.setattr(SEND, refused)
    start = email.next_attempt_at
    with time_machine.travel(start, tick=False):
        outbox.deliver_due()
    with time_machine.travel(start + datetime.timedelta(minutes=5), tick=False):
        outbox.deliver_due()
    email.refresh_from_db()
    assert (email.status, email.attempts) == ("failed", 2)
    with time_machine.travel(start + datetime.timedelta(minutes=10), tick=False):
        outbox.retry(email)
        assert outbox.deliver_due() == (0, 1)
    email.refresh_from_db()
    assert (email.status, email.attempts) == ("pending", 1)
