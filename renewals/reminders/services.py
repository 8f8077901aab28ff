"""Sending one renewal reminder exactly once, and unsubscribing from the optional ones.

A reminder is claimed by the daily sweep (renewals.sweep.services) by inserting its unique
(cycle, offset) row. Sending it re-reads the row under a lock: when it is already sent
(or skipped) nothing happens, so a re-run sweep, a retried task or a second worker never
send twice. "Sent" means the email was written to the outbox in the same transaction;
the outbox delivers it exactly once (cspo_tracker/outbox/services.py).
"""

import re
import secrets
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone, translation

from certifications.models import Credential, Practitioner
from cspo_tracker.i18n import language_of
from cspo_tracker.outbox import services as outbox
from cspo_tracker.outbox.emails import EmailRenderer

from .. import selectors
from ..models import Reminder, ReminderOffset, RenewalCycle
from . import notifications
from .models import ReminderOptOut, UsedUnsubscribeLink

# Links made before the one-click links had another salt and no nonce: they no longer
# unsubscribe (the page points to the notification settings instead).
UNSUBSCRIBE_SALT = "renewals.one-click-unsubscribe"


# --- Unsubscribing from optional reminders -----------------------------------------------


@dataclass(frozen=True)
class UnsubscribeLink:
    practitioner: Practitioner
    offset: ReminderOffset | None
    nonce: str

    @property
    def used(self):
        return UsedUnsubscribeLink.objects.filter(nonce=self.nonce).exists()


def unsubscribe_token(practitioner, offset=None):
    """A signed (HMAC with SECRET_KEY), unguessable token for one email's unsubscribe
    link: who, which reminder kind, and a random nonce that makes it single-use."""
    return signing.dumps(
        {"p": practitioner.pk, "o": offset.pk if offset else None, "n": secrets.token_hex(16)},
        salt=UNSUBSCRIBE_SALT,
        compress=True,
    )


def unsubscribe_link(token):
    """What a signed unsubscribe token names, or None when it is forged or tampered with."""
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
        pk, offset_pk, nonce = data["p"], data["o"], str(data["n"])
    except (signing.BadSignature, TypeError, KeyError, ValueError):
        return None
    practitioner = Practitioner.objects.select_related("user").filter(pk=pk).first()
    if practitioner is None:
        return None
    offset = ReminderOffset.objects.filter(pk=offset_pk).first() if offset_pk else None
    return UnsubscribeLink(practitioner=practitioner, offset=offset, nonce=nonce)


class Scope:
    ALL = "all"  # every optional reminder (what a mail provider's one-click button does)
    KIND = "kind"  # only the kind of the email the link came in


@transaction.atomic
def unsubscribe(*, link, scope=Scope.ALL):
    """Use the link once: stop every optional reminder, or only its kind. Returns False,
    changing nothing, when the link was used before. The expiry-day notice is always
    sent."""
    _used, created = UsedUnsubscribeLink.objects.get_or_create(
        nonce=link.nonce, defaults={"practitioner": link.practitioner}
    )
    if not created:
        return False
    if scope == Scope.KIND and link.offset is not None and link.offset.is_optional:
        ReminderOptOut.objects.get_or_create(practitioner=link.practitioner, offset=link.offset)
    else:
        unsubscribe_optional_reminders(practitioner=link.practitioner)
    return True


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
        credential = reminder.cycle.credential
        progress = selectors.credential_progress(
            Credential.objects.filter(pk=credential.pk), now=now, today=today
        )[0]
        if is_stale(
            reminder, progress, opted_out=notifications.opted_out_pairs([credential.holder_id])
        ):
            reminder.status = Reminder.Status.SKIPPED
            reminder.save(update_fields=["status"])
            return Outcome.SKIPPED
        context = _reminder_context(reminder, progress, now=now, links=ReminderLinks.read())
        outbox.enqueue(
            "renewal_reminder",
            context,
            to=credential.holder.email,
            key=_key(reminder),
            unsubscribe_url=context["unsubscribe_url"] or "",
        )
        reminder.status = Reminder.Status.SENT
        reminder.attempts += 1
        reminder.sent_at = now
        reminder.last_error = ""
        reminder.save(update_fields=["status", "attempts", "sent_at", "last_error"])
        return Outcome.SENT


def send_reminders(reminder_ids, *, now=None, today=None):
    """`send_reminder` for many reminders at once (a sweep chunk's): the rows locked, the
    progress of their credentials read and the emails written to the outbox in bulk, a
    fixed number of queries and one broker publish whatever their number. Returns
    {reminder id: Outcome}.

    The emails are rendered per chunk: the holders grouped by language, and each group
    rendered under its language by one EmailRenderer (templates looked up once, the
    shared context and the links built once); each email reads exactly as `send_reminder`
    writes it. Exactly once stays the outbox key's and the locked rows': a key stored
    before is left alone."""
    now = now or timezone.now()
    outcomes = dict.fromkeys(reminder_ids, Outcome.ALREADY)
    with transaction.atomic():
        reminders = list(
            Reminder.objects.select_for_update(of=("self",))
            .filter(pk__in=reminder_ids)
            .exclude(status__in=[Reminder.Status.SENT, Reminder.Status.SKIPPED])
            .select_related("offset", "cycle__credential__holder__user")
            .order_by("pk")
        )
        if not reminders:
            return outcomes
        credential_ids = {r.cycle.credential_id for r in reminders}
        progress = {
            p.credential.pk: p
            for p in selectors.credential_progress(
                Credential.objects.filter(pk__in=credential_ids), now=now, today=today
            )
        }
        opted_out = notifications.opted_out_pairs({r.cycle.credential.holder_id for r in reminders})
        by_language, sent, skipped = defaultdict(list), [], []
        for reminder in reminders:
            found = progress[reminder.cycle.credential_id]
            if is_stale(reminder, found, opted_out=opted_out):
                skipped.append(reminder.pk)
                continue
            by_language[recipient_language(found.credential.holder)].append((reminder, found))
            sent.append(reminder.pk)
        emails = []
        for language, group in by_language.items():
            with translation.override(language):
                links = ReminderLinks.read()
                renderer = EmailRenderer("renewal_reminder")
                for reminder, found in group:
                    context = _reminder_context(reminder, found, now=now, links=links)
                    emails.append(
                        (
                            "renewal_reminder",
                            found.credential.holder.email,
                            _key(reminder),
                            renderer.render(context),
                            context["unsubscribe_url"] or "",
                        )
                    )
        outbox.store_many(emails)
        Reminder.objects.filter(pk__in=sent).update(
            status=Reminder.Status.SENT, attempts=F("attempts") + 1, sent_at=now, last_error=""
        )
        Reminder.objects.filter(pk__in=skipped).update(status=Reminder.Status.SKIPPED)
    outcomes.update(dict.fromkeys(sent, Outcome.SENT))
    outcomes.update(dict.fromkeys(skipped, Outcome.SKIPPED))
    return outcomes


def is_stale(reminder, progress, *, opted_out=frozenset()):
    """A claimed reminder no longer to send: the credential was revoked, a renewal is
    pending or done, the requirements are met, or the holder unsubscribed (optional) or
    turned this kind off (`opted_out`: (practitioner id, offset id) pairs)."""
    cycle = reminder.cycle
    holder = progress.credential.holder
    return (
        progress.credential.revoked_at is not None
        or cycle.status != RenewalCycle.Status.OPEN
        or progress.cycle is None
        or progress.cycle.pk != cycle.pk
        or progress.requirements_met
        or (reminder.offset.is_optional and not holder.optional_reminders)
        or (reminder.offset.is_optional and (holder.pk, reminder.offset_id) in opted_out)
    )


def _key(reminder):
    return f"reminder:{reminder.pk}"


def recipient_language(practitioner):
    """The language a holder's emails are written in: the one rule of cspo_tracker.i18n
    (the account's choice, else settings.LANGUAGE_CODE)."""
    return language_of(practitioner.user)


# What reverse() leaves of a token unquoted: a signed token (URL-safe base64, "." and
# ":") is always made of these, so the link is the prefix, the token and the suffix.
_UNQUOTED_TOKEN = re.compile(r"[A-Za-z0-9_.:-]+")


@dataclass(frozen=True)
class ReminderLinks:
    """The links every reminder shares, reversed once per chunk and language rather
    than per email (reverse() was a twelfth of writing a reminder)."""

    dashboard_url: str
    renew_url: str
    unsubscribe_around: tuple

    @classmethod
    def read(cls):
        marker = "TOKEN"
        unsubscribe = settings.SITE_URL + reverse("renewals:unsubscribe", args=[marker])
        return cls(
            dashboard_url=settings.SITE_URL + reverse("dashboard"),
            renew_url=settings.SITE_URL + reverse("renewals:submit"),
            unsubscribe_around=tuple(unsubscribe.split(marker, 1)),
        )

    def unsubscribe_url(self, token):
        if _UNQUOTED_TOKEN.fullmatch(token):
            before, after = self.unsubscribe_around
            return before + token + after
        return settings.SITE_URL + reverse("renewals:unsubscribe", args=[token])


def _reminder_context(reminder, progress, *, now, links):
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
        "dashboard_url": links.dashboard_url,
        "renew_url": links.renew_url + f"?credential={credential.pk}",
        "unsubscribe_url": None,
    }
    if reminder.offset.is_optional:
        context["unsubscribe_url"] = links.unsubscribe_url(
            unsubscribe_token(holder, reminder.offset)
        )
    return context
