"""The outbox: the one way the app sends email.

1. `enqueue` renders the email and writes it as an OutboundEmail row in the caller's
   transaction, so the email exists if and only if the change that causes it commits.
   Its `key` names what it is about (e.g. ``welcome:credential:42``): a second enqueue
   with the same key returns the stored row and adds nothing, so a re-run command, a
   retried task or a second worker never makes a second email.
2. After the commit, the row's id is handed to the broker (`deliver_email` task). When
   the broker is down the row simply waits: requests then stop trying the broker for
   OUTBOX_BROKER_BACKOFF_SECONDS, so an outage costs a request one timeout at most,
   never one per email.
3. `deliver` locks the row, sends it and marks it sent in one transaction: a second
   delivery of the same row waits for the lock, then finds it sent and sends nothing.
   An SMTP failure is recorded on the row (attempts, last error, next attempt after an
   exponential back-off); after OUTBOX_MAX_ATTEMPTS the row is marked failed for staff.
4. `deliver_due` (the periodic `deliver_due_emails` task, and the daily sweep) sends
   every pending row whose time has come: the ones the broker never got and the ones
   whose last attempt failed.
"""

import logging
import uuid
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import Count, Min
from django.utils import timezone

from . import publishing
from .emails import render_email
from .models import OutboundEmail

logger = logging.getLogger(__name__)


def enqueue(name, context, *, to, key=None):
    """Render email `name` for the one address `to` and store it for delivery after the
    surrounding transaction commits. Returns the OutboundEmail (the stored one when `key`
    was enqueued before)."""
    key = key or f"{name}:{uuid.uuid4()}"
    stored = OutboundEmail.objects.filter(key=key).first()
    if stored is not None:
        return stored
    rendered = render_email(name, context)
    return store(
        template=name,
        to=to,
        subject=rendered.subject,
        body_text=rendered.body_text,
        body_html=rendered.body_html,
        key=key,
    )


def store(*, template, to, subject, body_text, body_html="", key=None):
    """Store an email rendered elsewhere (django-allauth's account emails) for delivery
    after the commit, like `enqueue`."""
    email, created = OutboundEmail.objects.get_or_create(
        key=key or f"{template}:{uuid.uuid4()}",
        defaults={
            "template": template,
            "to": to,
            "subject": " ".join(subject.split()),
            "body_text": body_text,
            "body_html": body_html,
        },
    )
    if created:
        transaction.on_commit(lambda: publish([email.pk]))
    return email


def enqueue_many(emails):
    """`enqueue` for many emails at once: `emails` is [(name, context, to, key)]. Keys
    stored before are left alone; the new rows are written in one INSERT and handed to
    the broker in one publish after the commit. Returns the new rows' ids."""
    keys = [key for _name, _context, _to, key in emails]
    stored = set(OutboundEmail.objects.filter(key__in=keys).values_list("key", flat=True))
    rows = []
    for name, context, to, key in emails:
        if key in stored:
            continue
        stored.add(key)
        rendered = render_email(name, context)
        rows.append(
            OutboundEmail(
                key=key,
                template=name,
                to=to,
                subject=" ".join(rendered.subject.split()),
                body_text=rendered.body_text,
                body_html=rendered.body_html,
            )
        )
    ids = [email.pk for email in OutboundEmail.objects.bulk_create(rows)]
    if ids:
        transaction.on_commit(lambda: publish(ids))
    return ids


def publish(email_ids):
    """Hand the ids to the broker, over one connection (cspo_tracker/publishing.py).
    Returns False (and logs) when the broker is down or was down moments ago: the rows
    wait for `deliver_due`."""
    return publishing.publish("cspo_tracker.tasks.deliver_email", email_ids)


def _message(email):
    message = EmailMultiAlternatives(
        subject=email.subject,
        body=email.body_text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[email.to],
        headers={"X-CSPO-Email-Key": email.key},
    )
    if email.body_html:
        message.attach_alternative(email.body_html, "text/html")
    return message


def _retry_delay(attempts):
    return timedelta(seconds=min(60 * 2 ** (attempts - 1), settings.OUTBOX_RETRY_MAX_SECONDS))


def deliver(email_id, *, now=None):
    """Send one stored email unless it is sent already. Returns True when this call sent
    it. A send error is recorded on the row (it is tried again later), not raised."""
    now = now or timezone.now()
    with transaction.atomic():
        email = (
            OutboundEmail.objects.select_for_update()
            .filter(pk=email_id, status=OutboundEmail.Status.PENDING)
            .first()
        )
        if email is None:
            return False
        try:
            _message(email).send(fail_silently=False)
        except OSError as exc:  # smtplib.SMTPException and socket errors are OSErrors
            email.attempts += 1
            email.last_error = f"{type(exc).__name__}: {exc}"[:2000]
            email.next_attempt_at = now + _retry_delay(email.attempts)
            if email.attempts >= settings.OUTBOX_MAX_ATTEMPTS:
                email.status = OutboundEmail.Status.FAILED
            email.save(update_fields=["attempts", "last_error", "next_attempt_at", "status"])
            logger.warning(
                "email %s to %s failed (attempt %d): %s", email.key, email.to, email.attempts, exc
            )
            return False
        email.status, email.sent_at = OutboundEmail.Status.SENT, now
        email.attempts += 1
        email.last_error = ""
        email.save(update_fields=["status", "sent_at", "attempts", "last_error"])
    return True


def deliver_due(*, now=None, limit=1000):
    """Send the pending emails whose time has come, oldest first. Returns (sent, failed)."""
    now = now or timezone.now()
    ids = list(
        OutboundEmail.objects.filter(status=OutboundEmail.Status.PENDING, next_attempt_at__lte=now)
        .order_by("next_attempt_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )
    sent = sum(deliver(pk, now=now) for pk in ids)
    return sent, len(ids) - sent


def retry(email):
    """Staff send a failed email again: it goes back to pending with a fresh count."""
    OutboundEmail.objects.filter(pk=email.pk, status=OutboundEmail.Status.FAILED).update(
        status=OutboundEmail.Status.PENDING, attempts=0, next_attempt_at=timezone.now()
    )
    transaction.on_commit(lambda: publish([email.pk]))


def backlog():
    """(number of unsent emails, when the oldest of them was written), for /healthz."""
    row = OutboundEmail.objects.filter(status=OutboundEmail.Status.PENDING).aggregate(
        count=Count("pk"), oldest=Min("created_at")
    )
    return row["count"], row["oldest"]


def unsent(*, limit=50):
    """Emails failed or still waiting, oldest first, for the staff page."""
    return OutboundEmail.objects.exclude(status=OutboundEmail.Status.SENT).order_by(
        "created_at", "pk"
    )[:limit]


def emails_to(address):
    """The emails sent or waiting for one address, newest first."""
    return OutboundEmail.objects.filter(to=address)
