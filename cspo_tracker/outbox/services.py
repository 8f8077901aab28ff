"""The outbox: the one way the app sends email.

1. `enqueue` renders the email and writes it as an OutboundEmail row in the caller's
   transaction, so the email exists if and only if the change that causes it commits.
   Its `key` names what it is about (e.g. ``welcome:credential:42``): a second enqueue
   with the same key returns the stored row and adds nothing, so a re-run command, a
   retried task or a second worker never makes a second email.
2. After the commit, the row ids are handed to the broker, OUTBOX_BATCH_SIZE ids per
   message (`deliver_emails` task). When the broker is down the rows simply wait:
   requests then stop trying the broker for OUTBOX_BROKER_BACKOFF_SECONDS, so an
   outage costs a request one timeout at most, never one per email.
3. `deliver_batch` claims the due rows of a batch in one short transaction (SELECT ...
   FOR UPDATE SKIP LOCKED, then a lease: `leased_until`, OUTBOX_LEASE_SECONDS ahead),
   commits, and only then talks to SMTP: one connection for the batch, one message at
   a time, each marked sent in its own statement the moment the server took it. No
   lock is held on the network, so delivery runs never wait on each other, and a
   row is never sent before its `next_attempt_at`. An SMTP failure is recorded on the
   row (attempts, last error, next attempt after the back-off of cspo_tracker/retry.py);
   after OUTBOX_MAX_ATTEMPTS the row is marked failed for staff.
4. `deliver_due` (the periodic `deliver_due_emails` task, and the daily sweep) sends
   every pending row whose time has come, batch after batch for up to
   OUTBOX_DELIVER_DUE_SECONDS: the ones the broker never got, the ones whose last
   attempt failed, and the ones a killed worker left leased.
5. An address the mail provider reported as bouncing or complaining (`Suppression`,
   cspo_tracker/outbox/tracking.py) gets no optional email (the row is skipped); a
   mandatory one is held with the reason, for staff or a new address.

What is guaranteed: each key is sent at least once, and once in every case but one. A
worker killed after the server received a message's DATA and before its 250 reply (or
before the row was marked) sends it again when the lease runs out. That copy carries
the same Message-ID (`message_id`), so mail clients show it once.
"""

import contextlib
import logging
import smtplib
import time
import uuid
from datetime import timedelta
from email.utils import parseaddr

from anymail.exceptions import AnymailError
from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.db.models import Count, F, Min, Q
from django.utils import timezone

from .. import i18n, publishing
from ..durability import commit_without_waiting_for_the_disk
from ..retry import backoff
from .emails import render_email
from .models import OutboundEmail, Suppression, TrackingEvent
from .signals import reachability_changed

logger = logging.getLogger(__name__)


def enqueue(name, context, *, to, key=None, unsubscribe_url="", language=None):
    """Render email `name` for the one address `to` and store it for delivery after the
    surrounding transaction commits. Returns the OutboundEmail (the stored one when `key`
    was enqueued before). `unsubscribe_url` makes the email optional: it is sent with
    RFC 8058's one-click unsubscribe headers, and not at all to an unreachable address.

    It is written in the recipient's language (their account's choice), never the
    sender's or the worker's; `language` is the fallback for an address whose account
    has no choice (an invitation in the inviter's language), else settings.LANGUAGE_CODE."""
    key = key or f"{name}:{uuid.uuid4()}"
    stored = OutboundEmail.objects.filter(key=key).first()
    if stored is not None:
        return stored
    with i18n.speaking(i18n.language_for_address(to, fallback=language)):
        rendered = render_email(name, context)
    return store(
        template=name,
        to=to,
        subject=rendered.subject,
        body_text=rendered.body_text,
        body_html=rendered.body_html,
        key=key,
        unsubscribe_url=unsubscribe_url,
    )


def store(*, template, to, subject, body_text, body_html="", key=None, unsubscribe_url=""):
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
            "unsubscribe_url": unsubscribe_url,
        },
    )
    if created:
        transaction.on_commit(lambda: publish([email.pk]))
    return email


def enqueue_many(emails):
    """`enqueue` for many emails at once: `emails` is [(name, context, to, key)], or
    (name, context, to, key, unsubscribe_url) for optional ones. Keys stored before are
    left alone (and not rendered); each new email is rendered in its recipient's
    language. Returns the new rows' ids."""
    emails = [(*email, "")[:5] for email in emails]
    fresh = _not_stored(emails, key_at=3)
    chosen = i18n.chosen_languages(email[2] for email in fresh)
    rendered = []
    for name, context, to, key, unsubscribe_url in fresh:
        with i18n.speaking(i18n.language_for_address(to, chosen=chosen)):
            rendered.append((name, to, key, render_email(name, context), unsubscribe_url))
    return _write(rendered)


def store_many(emails):
    """`store` for many emails rendered elsewhere (a sweep chunk's reminders, rendered
    per chunk): `emails` is [(template, to, key, RenderedEmail, unsubscribe_url)]. Keys
    stored before are left alone. Returns the new rows' ids."""
    return _write(_not_stored(emails, key_at=2))


def _not_stored(emails, *, key_at):
    """The emails whose key is neither in the outbox already nor repeated earlier in
    `emails` (one query)."""
    keys = [email[key_at] for email in emails]
    stored = set(OutboundEmail.objects.filter(key__in=keys).values_list("key", flat=True))
    fresh = []
    for email in emails:
        if email[key_at] not in stored:
            stored.add(email[key_at])
            fresh.append(email)
    return fresh


def _write(emails):
    """Write [(template, to, key, RenderedEmail, unsubscribe_url)] in one INSERT and hand
    the new rows to the broker in one publish after the commit."""
    rows = [
        OutboundEmail(
            key=key,
            template=template,
            to=to,
            subject=" ".join(rendered.subject.split()),
            body_text=rendered.body_text,
            body_html=rendered.body_html,
            unsubscribe_url=unsubscribe_url,
        )
        for template, to, key, rendered, unsubscribe_url in emails
    ]
    ids = [email.pk for email in OutboundEmail.objects.bulk_create(rows)]
    if ids:
        transaction.on_commit(lambda: publish(ids))
    return ids


def publish(email_ids):
    """Hand the ids to the broker, one message per OUTBOX_BATCH_SIZE ids, over one
    connection (cspo_tracker/publishing.py). Returns False (and logs) when the broker is
    down or was down moments ago: the rows wait for `deliver_due`."""
    return publishing.publish(
        "cspo_tracker.tasks.deliver_emails", email_ids, batch_size=settings.OUTBOX_BATCH_SIZE
    )


def sender_domain():
    """The domain of DEFAULT_FROM_EMAIL: Message-IDs name the sender's domain, never
    the host a worker happens to run on."""
    address = parseaddr(settings.DEFAULT_FROM_EMAIL)[1]
    return address.rpartition("@")[2].lower() or "localhost"


def message_id(key):
    """The email's Message-ID, the same on every attempt: a copy sent again after a
    crash between the SMTP DATA and its reply is recognised by mail clients as the same
    message (they fold duplicates by Message-ID)."""
    return f"<{uuid.uuid5(uuid.NAMESPACE_URL, f'cspo-outbox:{key}')}@{sender_domain()}>"


def _message(email, connection):
    headers = {"Message-ID": message_id(email.key), "X-CSPO-Email-Key": email.key}
    if email.unsubscribe_url.startswith("https://"):
        # RFC 8058: mail providers show an unsubscribe button and POST
        # "List-Unsubscribe=One-Click" to this https URL, with no cookie.
        headers["List-Unsubscribe"] = f"<{email.unsubscribe_url}>"
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message = EmailMultiAlternatives(
        subject=email.subject,
        body=email.body_text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[email.to],
        headers=headers,
        connection=connection,
    )
    if email.body_html:
        message.attach_alternative(email.body_html, "text/html")
    return message


def _due(now):
    return Q(status=OutboundEmail.Status.PENDING, next_attempt_at__lte=now) & (
        Q(leased_until__isnull=True) | Q(leased_until__lte=now)
    )


def claim(*, now, ids=None, limit=None):
    """Lease due rows to this run in one short transaction and return them.

    The rows are taken with SELECT ... FOR UPDATE SKIP LOCKED: a row another run is
    claiming at this instant is left to it, so no run waits on another's lock; the lease
    then keeps every other run off the row while this one talks to SMTP, outside any
    transaction. A row whose address cannot be reached is settled here instead: held
    when mandatory, skipped when optional."""
    with transaction.atomic():
        rows = OutboundEmail.objects.select_for_update(skip_locked=True).filter(_due(now))
        if ids is not None:
            rows = rows.filter(pk__in=list(ids)).order_by("pk")
        else:
            rows = rows.order_by("next_attempt_at", "pk")[: limit or settings.OUTBOX_BATCH_SIZE]
        emails = list(rows)
        if not emails:
            return []
        unreachable = suppressions_for(email.to for email in emails)
        held = [e for e in emails if e.to.lower() in unreachable and not e.is_optional]
        skipped = [e for e in emails if e.to.lower() in unreachable and e.is_optional]
        for email in held + skipped:
            reason = unreachable[email.to.lower()]
            email.status = (
                OutboundEmail.Status.HELD if email in held else OutboundEmail.Status.SKIPPED
            )
            email.last_error = f"{reason.get_reason_display()}: {reason.description}".strip(": ")
        OutboundEmail.objects.bulk_update(held + skipped, ["status", "last_error"])
        sending = [e for e in emails if e.to.lower() not in unreachable]
        lease = now + timedelta(seconds=settings.OUTBOX_LEASE_SECONDS)
        OutboundEmail.objects.filter(pk__in=[e.pk for e in sending]).update(leased_until=lease)
    return sending


def _retry_delay(attempts):
    return backoff(
        attempts, base=settings.OUTBOX_RETRY_BASE_SECONDS, cap=settings.OUTBOX_RETRY_MAX_SECONDS
    )


def _mark_sent(email):
    """Recorded at once after the server took the message (committed on its own, without
    waiting for the disk): a worker killed later in the batch never sends this one
    again."""
    with commit_without_waiting_for_the_disk():
        OutboundEmail.objects.filter(pk=email.pk, status=OutboundEmail.Status.PENDING).update(
            status=OutboundEmail.Status.SENT,
            sent_at=timezone.now(),
            attempts=F("attempts") + 1,
            last_error="",
            leased_until=None,
        )


def _mark_failed(emails, error, *, now):
    for email in emails:
        email.attempts += 1
        email.last_error = error[:2000]
        email.next_attempt_at = now + _retry_delay(email.attempts)
        email.leased_until = None
        if email.attempts >= settings.OUTBOX_MAX_ATTEMPTS:
            email.status = OutboundEmail.Status.FAILED
        logger.warning(
            "email %s to %s failed (attempt %d): %s", email.key, email.to, email.attempts, error
        )
    OutboundEmail.objects.bulk_update(
        emails, ["attempts", "last_error", "next_attempt_at", "leased_until", "status"]
    )


def _error(exc):
    return f"{type(exc).__name__}: {exc}"


# One message refused (a recipient, the content): the connection is still good.
MESSAGE_ERRORS = (
    smtplib.SMTPRecipientsRefused,
    smtplib.SMTPDataError,
    smtplib.SMTPNotSupportedError,
    AnymailError,
)


def send_claimed(emails, *, now=None):
    """Send claimed rows over one connection (`get_connection()` once, a message at a
    time so that each outcome is known). Returns (sent, failed).

    A message the server refuses is tried again later; a connection that fails leaves
    this message and the rest of the batch to be tried again later. A run close to the
    end of its lease stops and hands the rest back unsent rather than outlive it."""
    now = now or timezone.now()
    lease_left = settings.OUTBOX_LEASE_SECONDS
    stop_at = time.monotonic() + lease_left - min(3 * settings.EMAIL_TIMEOUT, lease_left / 2)
    sent = failed = 0
    connection = get_connection()
    try:
        connection.open()
    except OSError as exc:  # smtplib.SMTPException and socket errors are OSErrors
        _mark_failed(emails, _error(exc), now=now)
        return 0, len(emails)
    try:
        for index, email in enumerate(emails):
            if time.monotonic() > stop_at:
                rest = [e.pk for e in emails[index:]]
                OutboundEmail.objects.filter(pk__in=rest).update(leased_until=None)
                break
            try:
                connection.send_messages([_message(email, connection)])
            except MESSAGE_ERRORS as exc:
                _mark_failed([email], _error(exc), now=now)
                failed += 1
                continue
            except OSError as exc:
                _mark_failed(emails[index:], _error(exc), now=now)
                failed += len(emails) - index
                break
            _mark_sent(email)
            sent += 1
    finally:
        with contextlib.suppress(OSError):
            connection.close()
    return sent, failed


def deliver_batch(email_ids, *, now=None):
    """Claim the due rows among `email_ids` and send them over one connection. Rows sent,
    held, leased to another run or not yet due are left alone. Returns (sent, failed)."""
    now = now or timezone.now()
    emails = claim(now=now, ids=email_ids)
    if not emails:
        return 0, 0
    return send_claimed(emails, now=now)


def deliver(email_id, *, now=None):
    """Send one stored email unless it is sent already. Returns True when this call sent
    it. A send error is recorded on the row (it is tried again later), not raised."""
    sent, _failed = deliver_batch([email_id], now=now)
    return sent == 1


def deliver_due(*, now=None, limit=None, seconds=None):
    """Send the pending emails whose time has come, oldest first, a batch at a time,
    until none is left, `limit` were taken or the run's time is up
    (OUTBOX_DELIVER_DUE_SECONDS: it starts every minute). This alone drains the outbox
    when the broker lost its messages. Returns (sent, failed)."""
    budget = settings.OUTBOX_DELIVER_DUE_SECONDS if seconds is None else seconds
    stop_at = time.monotonic() + budget
    sent = failed = taken = 0
    while limit is None or taken < limit:
        size = (
            settings.OUTBOX_BATCH_SIZE
            if limit is None
            else min(settings.OUTBOX_BATCH_SIZE, limit - taken)
        )
        emails = claim(now=now or timezone.now(), limit=size)
        if not emails:
            break
        taken += len(emails)
        batch_sent, batch_failed = send_claimed(emails, now=now)
        sent, failed = sent + batch_sent, failed + batch_failed
        if time.monotonic() > stop_at:
            break
    return sent, failed


def retry(email):
    """Staff send a failed or held email again: it goes back to pending with a fresh
    count (a held one is held again while its address stays suppressed)."""
    OutboundEmail.objects.filter(
        pk=email.pk, status__in=[OutboundEmail.Status.FAILED, OutboundEmail.Status.HELD]
    ).update(
        status=OutboundEmail.Status.PENDING,
        attempts=0,
        next_attempt_at=timezone.now(),
        leased_until=None,
    )
    transaction.on_commit(lambda: publish([email.pk]))


# --- Bounces and complaints: the suppression list ----------------------------------------


@transaction.atomic
def record_tracking_event(
    *, esp, event_id, kind, address, message_id="", description="", occurred_at=None
):
    """Keep a bounce or complaint the mail provider reported and put its address on the
    suppression list. A provider event seen before (a retried or replayed webhook)
    changes nothing: returns None then, the new TrackingEvent otherwise."""
    address = address.strip().lower()
    event, created = TrackingEvent.objects.get_or_create(
        event_id=f"{esp}:{event_id}",
        defaults={
            "esp": esp,
            "kind": kind,
            "address": address,
            "message_id": (message_id or "")[:300],
            "description": description or "",
            "occurred_at": occurred_at,
        },
    )
    if not created:
        return None
    suppress(address=address, reason=kind, description=description or "")
    return event


@transaction.atomic
def suppress(*, address, reason, description=""):
    """No optional email goes to `address` any more; mandatory ones are held."""
    address = address.strip().lower()
    Suppression.objects.update_or_create(
        address=address, defaults={"reason": reason, "description": description[:2000]}
    )
    logger.warning("email address suppressed (%s): %s", reason, address)
    reachability_changed.send(sender=Suppression, address=address, reachable=False)


@transaction.atomic
def lift_suppression(*, address):
    """Staff say the address works again: it leaves the list and its held emails are
    sent. Returns how many were held."""
    address = address.strip().lower()
    Suppression.objects.filter(address=address).delete()
    held = list(
        OutboundEmail.objects.filter(
            to__iexact=address, status=OutboundEmail.Status.HELD
        ).values_list("pk", flat=True)
    )
    _release(held)
    reachability_changed.send(sender=Suppression, address=address, reachable=True)
    return len(held)


@transaction.atomic
def readdress_held(*, old, new):
    """The holder changed their address: the mandatory emails held for the old one go to
    the new one. Returns how many."""
    held = OutboundEmail.objects.filter(to__iexact=old, status=OutboundEmail.Status.HELD)
    ids = list(held.values_list("pk", flat=True))
    OutboundEmail.objects.filter(pk__in=ids).update(to=new)
    _release(ids)
    return len(ids)


def _release(ids):
    OutboundEmail.objects.filter(pk__in=ids).update(
        status=OutboundEmail.Status.PENDING, last_error="", next_attempt_at=timezone.now()
    )
    if ids:
        transaction.on_commit(lambda: publish(ids))


def suppression_for(address):
    """The Suppression of `address`, or None when mail reaches it."""
    return Suppression.objects.filter(address=(address or "").lower()).first()


def suppressions_for(addresses):
    """{lower-case address: Suppression} for those of `addresses` that cannot be reached."""
    lowered = {address.lower() for address in addresses}
    return {s.address: s for s in Suppression.objects.filter(address__in=lowered)}


def backlog():
    """(number of unsent emails, when the oldest of them was written), for /healthz."""
    row = OutboundEmail.objects.filter(status=OutboundEmail.Status.PENDING).aggregate(
        count=Count("pk"), oldest=Min("created_at")
    )
    return row["count"], row["oldest"]


def given_up():
    """How many emails the outbox stopped trying after OUTBOX_MAX_ATTEMPTS."""
    return OutboundEmail.objects.filter(status=OutboundEmail.Status.FAILED).count()


def unsent(*, limit=50):
    """Emails failed or still waiting, oldest first, for the staff page."""
    return OutboundEmail.objects.exclude(status=OutboundEmail.Status.SENT).order_by(
        "created_at", "pk"
    )[:limit]


def emails_to(address):
    """The emails sent or waiting for one address, newest first."""
    return OutboundEmail.objects.filter(to=address)
