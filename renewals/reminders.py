"""Sending one renewal reminder exactly once, and unsubscribing from the optional ones.

A reminder is claimed by the daily sweep (renewals.sweep) by inserting its unique
(cycle, offset) row. Sending it re-reads the row under a lock: when it is already sent
(or skipped) nothing happens, so a re-run sweep, a retried task or a second worker never
send twice. "Sent" means the email was written to the outbox in the same transaction;
the outbox delivers it exactly once (cspo_tracker/outbox.py).
"""

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from certifications.models import Credential, Practitioner
from cspo_tracker import outbox

from . import notifications, selectors
from .models import Reminder, RenewalCycle

UNSUBSCRIBE_SALT = "renewals.unsubscribe"


# --- Unsubscribing from optional reminders -----------------------------------------------


def unsubscribe_token(practitioner):
    return signing.dumps(practitioner.pk, salt=UNSUBSCRIBE_SALT)


def practitioner_for_unsubscribe_token(token):
    """The practitioner a signed unsubscribe link names, or None if it was tampered with."""
    try:
        pk = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    return Practitioner.objects.select_related("user").filter(pk=pk).first()


@transaction.atomic
def unsubscribe_optional_reminders(*, practitioner):
    """Stop the optional reminders; the expiry-day notice is always sent."""
    Practitioner.objects.filter(pk=practitioner.pk).update(optional_reminders=False)
    practitioner.optional_reminders = False
    return practitioner


# --- Sending one reminder ------------------------------------------------------------------


class Outcome:
    SENT = "sent"
    ALREADY = "already"
    SKIPPED = "skipped"


def send_reminder(*, reminder_id, now=None, today=None):
    """Send one claimed reminder exactly once and return the Outcome.

    The reminder row is locked, its email written to the outbox and the row marked sent
    in one transaction: a second worker waits for the lock, then sees it sent and exits.
    When the requirements were met in the meantime the reminder is skipped."""
    now = now or timezone.now()
    with transaction.atomic():
        reminder = Reminder.objects.select_for_update().filter(pk=reminder_id).first()
        if reminder is None or reminder.status in (Reminder.Status.SENT, Reminder.Status.SKIPPED):
            return Outcome.ALREADY
        reminder = Reminder.objects.select_related("offset", "cycle__credential__holder__user").get(
            pk=reminder.pk
        )
        cycle = reminder.cycle
        credential = cycle.credential
        progress = selectors.credential_progress(
            Credential.objects.filter(pk=credential.pk), now=now, today=today
        )[0]
        holder = credential.holder
        stale = (
            credential.revoked_at is not None
            or cycle.status != RenewalCycle.Status.OPEN
            or progress.cycle is None
            or progress.cycle.pk != cycle.pk
            or progress.requirements_met
            or (reminder.offset.is_optional and not holder.optional_reminders)
            or notifications.opted_out(holder, reminder.offset)
        )
        if stale:
            reminder.status = Reminder.Status.SKIPPED
            reminder.save(update_fields=["status"])
            return Outcome.SKIPPED
        outbox.enqueue(
            "renewal_reminder",
            _reminder_context(reminder, progress, now=now),
            to=holder.email,
            key=f"reminder:{reminder.pk}",
        )
        reminder.status = Reminder.Status.SENT
        reminder.attempts += 1
        reminder.sent_at = now
        reminder.last_error = ""
        reminder.save(update_fields=["status", "attempts", "sent_at", "last_error"])
        return Outcome.SENT


def _reminder_context(reminder, progress, *, now):
    credential = progress.credential
    holder = credential.holder
    context = {
        "practitioner": holder,
        "credential": credential,
        "program": credential.program,
        "offset": reminder.offset,
        "deadline": credential.expires_on,
        "time_zone": holder.time_zone or "UTC",
        "days_left": progress.days_left,
        "expired": progress.days_left < 0,
        "missing": progress.missing,
        "seus_missing": selectors.format_seus(progress.seus_missing),
        "seus_missing_count": progress.seus_missing,
        "grace_ends_on": credential.grace_ends_on,
        "fee": selectors.format_fee(progress.fee_amount, progress.fee_currency),
        "dashboard_url": settings.SITE_URL + reverse("dashboard"),
        "renew_url": settings.SITE_URL
        + reverse("renewals:submit")
        + f"?credential={credential.pk}",
        "unsubscribe_url": None,
    }
    if reminder.offset.is_optional:
        context["unsubscribe_url"] = settings.SITE_URL + reverse(
            "renewals:unsubscribe", args=[unsubscribe_token(holder)]
        )
    return context
