"""Writes for renewals: cycles, submitting and completing renewals, fee review, the
daily sweep and sending reminders exactly once.

Rules (shared/domain.md, "Renewing" and "Expiry"):
- a renewal extends from the old expiry date (old expiry + the program's validity), also
  when it completes late in grace; a lapsed credential needs staff approval;
- it completes when its SEUs are counted and its fee is confirmed; the SEU entries it
  counted are consumed and never count again;
- a reminder is claimed by inserting its unique (cycle, offset) row in the transaction
  that decides to send it; the send re-reads the row under a lock and exits when it is
  already sent, so a re-run sweep, a retried task or a second worker never send twice.
"""

import logging
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import timedelta

from celery.exceptions import Retry
from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerError

from certifications.dates import add_months
from certifications.models import Credential, Practitioner
from cspo_tracker.emails import send_email
from seus.models import SeuEntry

from . import selectors
from .models import Reminder, Renewal, RenewalCycle

logger = logging.getLogger(__name__)

UNSUBSCRIBE_SALT = "renewals.unsubscribe"


@transaction.atomic
def open_cycle(*, credential):
    """Open the renewal cycle that ends at the credential's current expiry, snapshotting
    the program's requirement and fee. Opening it again returns the same cycle."""
    program = credential.program
    cycle, _created = RenewalCycle.objects.get_or_create(
        credential=credential,
        ends_on=credential.expires_on,
        defaults={
            "window_starts_on": add_months(credential.expires_on, -program.lookback_months),
            "seus_required": program.seus_required,
            "seus_addon": program.seus_addon,
            "fee_amount": program.renewal_fee,
            "fee_currency": program.fee_currency,
        },
    )
    return cycle


def publish(task, args_list):
    """Publish one message of `task` per args tuple, over one connection. A broker that
    is down is logged, not raised (returns False): a web request still succeeds and the
    daily sweep picks the work up (a reminder stays pending, a confirmation unsent)."""
    from cspo_tracker.celery import app

    if app.conf.task_always_eager:
        ok = True
        for args in args_list:
            try:
                task.apply_async(args=args)
            except (BrokerError, OSError, Retry) as exc:  # e.g. an SMTP error in-process
                logger.warning("%s%r failed, the next sweep retries it: %s", task.name, args, exc)
                ok = False
        return ok
    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=settings.CELERY_BROKER_CONNECTION_TIMEOUT)
            for args in args_list:
                task.apply_async(args=args, connection=conn, retry=False)
    except (BrokerError, OSError) as exc:
        logger.warning("could not run %s now, the next sweep will: %s", task.name, exc)
        return False
    return True


def enqueue_on_commit(task, *args):
    """Publish `task(*args)` once the surrounding transaction commits."""
    transaction.on_commit(lambda: publish(task, [args]))


# --- Submitting, reviewing and completing renewals ---------------------------------------


@transaction.atomic
def submit_renewal(*, practitioner, credentials, payment_reference, now=None):
    """Submit a renewal of `credentials` (one or several of the practitioner's) with the
    fee's payment reference. Lower credentials in a selected one's track come along.
    Raises ValidationError when the SEUs do not cover the requirement or a credential
    cannot be renewed now."""
    now = now or timezone.now()
    today = selectors.today_for(practitioner, now)
    selected = list(credentials)
    if not selected:
        raise ValidationError({"credentials": "Choose at least one credential to renew."})
    if any(c.holder_id != practitioner.pk for c in selected):
        raise ValidationError({"credentials": "You can only renew your own credentials."})
    _lock_practitioner(practitioner.pk)
    in_progress = selectors.renewal_in_progress(practitioner)
    if in_progress is not None:
        raise ValidationError(
            {
                "credentials": f"Your renewal #{in_progress.pk} submitted on "
                f"{in_progress.submitted_at:%-d %b %Y} is still in progress. Choose every "
                "credential you want to renew in one renewal; you can submit another once "
                "staff complete or reject this one."
            }
        )
    included = selected + list(selectors.lower_credentials_in_track(selected))
    cycles = list(
        RenewalCycle.objects.select_for_update(of=("self",))
        .filter(credential__in=included, status=RenewalCycle.Status.OPEN)
        .select_related("credential__program")
    )
    if len(cycles) != len(included):
        raise ValidationError(
            {"credentials": "A renewal for one of these credentials is already in progress."}
        )
    not_open = [c for c in included if today < c.renewal_opens_on]
    if not_open:
        names = ", ".join(c.program.code for c in not_open)
        days = not_open[0].program.renewal_opens_after_days
        raise ValidationError({"credentials": f"Renewal opens {days} days after issue ({names})."})
    quote = selectors.renewal_quote(practitioner=practitioner, credentials=included, cycles=cycles)
    requirement = quote.requirement
    if quote.seus_missing > 0:
        raise ValidationError(
            {
                "credentials": f"This renewal needs {selectors.format_seus(requirement.seus)}; "
                f"{selectors.format_seus(quote.seus_counted)} count in the look-back window. "
                f"Log {selectors.format_seus(quote.seus_missing)} more first."
            }
        )
    lapsed = [c for c in included if selectors.is_lapsed(c, today)]
    renewal = Renewal.objects.create(
        practitioner=practitioner,
        status=Renewal.Status.NEEDS_APPROVAL if lapsed else Renewal.Status.SUBMITTED,
        seus_required=requirement.seus,
        fee_amount=requirement.fee_amount,
        fee_currency=requirement.fee_currency,
        fee_status=Renewal.FeeStatus.PENDING,
        payment_reference=payment_reference.strip(),
        fee_paid_at=now,
    )
    RenewalCycle.objects.filter(pk__in=[c.pk for c in cycles]).update(
        status=RenewalCycle.Status.SUBMITTED, renewal=renewal, submitted_at=now
    )
    return renewal


def _locked(renewal):
    return Renewal.objects.select_for_update().get(pk=renewal.pk)


@transaction.atomic
def confirm_fee(*, renewal, by, now=None):
    """Staff confirm the fee was received; the renewal completes if nothing else waits."""
    now = now or timezone.now()
    renewal = _locked(renewal)
    if renewal.fee_status != Renewal.FeeStatus.PENDING:
        raise ValidationError("This fee is not awaiting confirmation.")
    renewal.fee_status = Renewal.FeeStatus.CONFIRMED
    renewal.fee_reviewed_by, renewal.fee_reviewed_at = by, now
    renewal.save(update_fields=["fee_status", "fee_reviewed_by", "fee_reviewed_at"])
    return _complete_if_ready(renewal, now=now)


@transaction.atomic
def reject_fee(*, renewal, by, reason, now=None):
    """Staff reject the payment with a reason; the credentials' cycles open again so the
    practitioner can submit a new renewal."""
    now = now or timezone.now()
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Say why the payment is rejected."})
    renewal = _locked(renewal)
    if renewal.status not in (Renewal.Status.SUBMITTED, Renewal.Status.NEEDS_APPROVAL):
        raise ValidationError("Only a renewal that is still pending can be rejected.")
    renewal.fee_status = Renewal.FeeStatus.REJECTED
    renewal.status = Renewal.Status.REJECTED
    renewal.rejection_reason = reason
    renewal.fee_reviewed_by, renewal.fee_reviewed_at = by, now
    renewal.save(
        update_fields=[
            "fee_status",
            "status",
            "rejection_reason",
            "fee_reviewed_by",
            "fee_reviewed_at",
        ]
    )
    renewal.cycles.update(status=RenewalCycle.Status.OPEN, renewal=None, submitted_at=None)
    from . import tasks

    enqueue_on_commit(tasks.send_renewal_rejected, renewal.pk)
    return renewal


@transaction.atomic
def approve_renewal(*, renewal, by, now=None):
    """Staff approve the renewal of a lapsed credential (shared/domain.md, "Expiry")."""
    now = now or timezone.now()
    renewal = _locked(renewal)
    if renewal.status != Renewal.Status.NEEDS_APPROVAL:
        raise ValidationError("This renewal does not need approval.")
    renewal.status = Renewal.Status.SUBMITTED
    renewal.approved_by = by
    renewal.save(update_fields=["status", "approved_by"])
    return _complete_if_ready(renewal, now=now)


def _lock_practitioner(practitioner_id):
    """Lock the practitioner's row. SEU writes (seus.services) lock it first too, so
    completing a renewal, another renewal of the same holder and SEU changes run one at
    a time and each counts what the previous one committed."""
    return Practitioner.objects.select_for_update().get(pk=practitioner_id)


def _complete_if_ready(renewal, *, now):
    if (
        renewal.status == Renewal.Status.SUBMITTED
        and renewal.fee_status == Renewal.FeeStatus.CONFIRMED
    ):
        _lock_practitioner(renewal.practitioner_id)
        cycles = list(renewal.cycles.all())
        counted = selectors.seus_total(
            selectors.seu_entries_counted(practitioner=renewal.practitioner, cycles=cycles)
        )
        if counted >= renewal.seus_required:
            return complete_renewal(renewal=renewal, now=now)
        _hold(renewal, counted=counted)
    return renewal


def _hold(renewal, *, counted):
    """Record why a fee-confirmed renewal cannot complete: staff see it in their list
    (and may reject it so the practitioner can submit again); the sweep retries daily."""
    missing = renewal.seus_required - counted
    reason = (
        f"Only {selectors.format_seus(counted)} of {selectors.format_seus(renewal.seus_required)}"
        f" count now: {selectors.format_seus(missing)} missing. It completes once they "
        "are logged; reject it to let the practitioner submit again."
    )
    if renewal.held_reason != reason:
        renewal.held_reason = reason
        renewal.save(update_fields=["held_reason"])


def extend_credential(*, credential, expires_on, today):
    """Give a credential whose current cycle has just completed its new expiry: the stored
    status is refreshed as of `today` and the next cycle opens. Used by renewals and by
    a new course renewing the holder's other credentials."""
    program = credential.program
    credential.expires_on = expires_on
    status = selectors.status_on(
        expires_on=expires_on,
        today=today,
        lead_days=program.reminder_lead_days,
        grace_days=program.grace_days,
        requirements_met=False,
    )
    if status != credential.status:
        credential.status, credential.status_changed_on = status, today
    credential.save(update_fields=["expires_on", "status", "status_changed_on"])
    return open_cycle(credential=credential)


@transaction.atomic
def complete_renewal(*, renewal, now=None):
    """Complete a renewal whose SEUs and fee are satisfied: each credential's new expiry is
    its old expiry plus the program's validity (not today plus the validity), the SEU
    entries counted are consumed, a new cycle opens, and a confirmation email goes out."""
    now = now or timezone.now()
    renewal = _locked(renewal)
    if renewal.status == Renewal.Status.COMPLETED:
        return renewal
    if renewal.status != Renewal.Status.SUBMITTED or (
        renewal.fee_status != Renewal.FeeStatus.CONFIRMED
    ):
        raise ValidationError("A renewal completes once its fee is confirmed (and approved).")
    _lock_practitioner(renewal.practitioner_id)
    cycles = list(renewal.cycles.select_related("credential__program", "credential__holder"))
    entries = selectors.seu_entries_counted(practitioner=renewal.practitioner, cycles=cycles)
    if selectors.seus_total(entries) < renewal.seus_required:
        raise ValidationError("The SEUs counted no longer cover this renewal.")
    counted = list(entries.values_list("pk", flat=True))
    consumed = SeuEntry.objects.filter(pk__in=counted, consumed_by__isnull=True).update(
        consumed_by=renewal
    )
    if consumed != len(counted):  # cannot happen under the lock; never consume twice
        raise ValidationError("Some of the SEUs counted were used by another renewal.")
    RenewalCycle.objects.filter(pk__in=[c.pk for c in cycles]).update(
        status=RenewalCycle.Status.COMPLETED, completed_at=now
    )
    today = selectors.today_for(renewal.practitioner, now)
    for cycle in cycles:
        credential = cycle.credential
        extend_credential(
            credential=credential,
            expires_on=add_months(cycle.ends_on, credential.program.validity_months),
            today=today,
        )
    renewal.status, renewal.completed_at = Renewal.Status.COMPLETED, now
    renewal.held_reason = ""
    renewal.save(update_fields=["status", "completed_at", "held_reason"])
    from . import tasks

    enqueue_on_commit(tasks.send_renewal_confirmation, renewal.pk)
    return renewal


def send_renewal_confirmation(*, renewal_id):
    """Send a completed renewal's confirmation once: the row is locked while sending and
    marked sent in the same transaction. Returns True when this call sent it."""
    with transaction.atomic():
        renewal = (
            Renewal.objects.select_for_update()
            .filter(pk=renewal_id, status=Renewal.Status.COMPLETED, confirmation_sent_at=None)
            .first()
        )
        if renewal is None:
            return False
        renewal = Renewal.objects.select_related("practitioner__user").get(pk=renewal.pk)
        credentials = [
            c.credential
            for c in renewal.cycles.select_related("credential__program").order_by("pk")
        ]
        send_email(
            "renewal_confirmation",
            {
                "renewal": renewal,
                "practitioner": renewal.practitioner,
                "credentials": credentials,
                "fee": selectors.format_fee(renewal.fee_amount, renewal.fee_currency),
                "dashboard_url": settings.SITE_URL + reverse("dashboard"),
            },
            to=[renewal.practitioner.email],
        )
        renewal.confirmation_sent_at = timezone.now()
        renewal.save(update_fields=["confirmation_sent_at"])
    return True


def send_renewal_rejected(*, renewal_id):
    renewal = (
        Renewal.objects.filter(pk=renewal_id, status=Renewal.Status.REJECTED)
        .select_related("practitioner__user")
        .first()
    )
    if renewal is None:
        return False
    send_email(
        "renewal_rejected",
        {
            "renewal": renewal,
            "practitioner": renewal.practitioner,
            "submit_url": settings.SITE_URL + reverse("renewals:submit"),
        },
        to=[renewal.practitioner.email],
    )
    return True


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

    The reminder row is locked while the email is sent and marked sent in the same
    transaction: a second worker waits for the lock, then sees it sent and exits. When
    the requirements were met in the meantime the reminder is skipped. An SMTP error
    rolls the send back, records the attempt as failed (retryable) and propagates so
    the task retries with back-off."""
    now = now or timezone.now()
    try:
        with transaction.atomic():
            reminder = Reminder.objects.select_for_update().filter(pk=reminder_id).first()
            if reminder is None or reminder.status in (
                Reminder.Status.SENT,
                Reminder.Status.SKIPPED,
            ):
                return Outcome.ALREADY
            reminder = Reminder.objects.select_related(
                "offset", "cycle__credential__holder__user"
            ).get(pk=reminder.pk)
            cycle = reminder.cycle
            credential = cycle.credential
            progress = selectors.credential_progress(
                Credential.objects.filter(pk=credential.pk), now=now, today=today
            )[0]
            holder = credential.holder
            stale = (
                cycle.status != RenewalCycle.Status.OPEN
                or progress.cycle is None
                or progress.cycle.pk != cycle.pk
                or progress.requirements_met
                or (reminder.offset.is_optional and not holder.optional_reminders)
            )
            if stale:
                reminder.status = Reminder.Status.SKIPPED
                reminder.save(update_fields=["status"])
                return Outcome.SKIPPED
            send_email(
                "renewal_reminder",
                _reminder_context(reminder, progress, now=now),
                to=[holder.email],
            )
            reminder.status = Reminder.Status.SENT
            reminder.attempts += 1
            reminder.sent_at = now
            reminder.last_error = ""
            reminder.save(update_fields=["status", "attempts", "sent_at", "last_error"])
            return Outcome.SENT
    except OSError as exc:  # smtplib.SMTPException and socket errors are OSErrors
        with transaction.atomic():
            Reminder.objects.filter(pk=reminder_id).exclude(status=Reminder.Status.SENT).update(
                status=Reminder.Status.FAILED, last_error=str(exc)[:2000]
            )
            _count_attempt(reminder_id)
        raise


def _count_attempt(reminder_id):
    Reminder.objects.filter(pk=reminder_id).update(attempts=F("attempts") + 1)


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


# --- The daily sweep -----------------------------------------------------------------------


@dataclass
class SweepResult:
    """Counts the sweep prints; `to_send` are the reminder ids this run must send."""

    credentials_scanned: int = 0
    statuses_changed: int = 0
    reminders_claimed: int = 0
    reminders_due: int = 0
    reminders_sent: int = 0
    already_sent: int = 0
    failed: int = 0
    skipped: int = 0
    renewals_completed: int = 0
    confirmations_sent: int = 0
    batches: int = 0
    status_counts: dict = field(default_factory=lambda: defaultdict(int))


def run_sweep(*, now=None, today=None, dry_run=False, dispatch=None, batch_size=None):
    """Refresh every credential's stored status and claim every reminder that is due, in
    keyset batches (a constant number of queries per batch, memory flat).

    `today` replaces each holder's local date (the command's --today). `dispatch(ids,
    result)` is called after each batch commits with the reminder ids to send (the
    claimed ones and the pending or failed ones a previous run left); the Celery task
    enqueues them, the command sends them in-process. `dry_run` writes and sends nothing
    and counts what would happen."""
    now = now or timezone.now()
    batch_size = batch_size or settings.RENEWALS_SWEEP_BATCH_SIZE
    offsets = selectors.active_offsets()
    caps = selectors.category_caps()
    result = SweepResult()
    after = 0
    while True:
        with transaction.atomic():
            rows = selectors.sweep_batch(after_pk=after, size=batch_size, caps=caps)
            if not rows:
                break
            to_send = _sweep_batch(
                rows, offsets=offsets, now=now, today=today, dry_run=dry_run, result=result
            )
        after = rows[-1].credential_id
        result.batches += 1
        if to_send and dispatch and not dry_run:
            dispatch(to_send, result)
    if not dry_run:
        _finish_renewals(now=now, result=result)
    return result


def _sweep_batch(rows, *, offsets, now, today, dry_run, result):
    changed = defaultdict(list)
    claims = []
    to_send = []
    existing = selectors.reminders_for_cycles(
        selectors.current_cycles_between(rows[0].credential_id, rows[-1].credential_id)
    )
    for row in rows:
        day = today or selectors.today_in(row.time_zone, now)
        met = row.requirements_met
        status = selectors.status_on(
            expires_on=row.expires_on,
            today=day,
            lead_days=row.lead_days,
            grace_days=row.grace_days,
            requirements_met=met,
        )
        result.status_counts[status] += 1
        if status != row.stored_status:
            changed[(status, day)].append(row.credential_id)
        if (
            met
            or row.cycle_status != RenewalCycle.Status.OPEN
            or status == Credential.Status.LAPSED
        ):
            continue  # no nagging: requirements met, a renewal is pending, or lapsed
        offset = selectors.most_recent_due_offset(offsets, expires_on=row.expires_on, today=day)
        if offset is None:
            continue
        if offset.is_optional and not row.optional_reminders:
            result.skipped += 1
            continue
        claimed = existing.get((row.cycle_id, offset.pk))
        if claimed is None:
            due_on = row.expires_on - timedelta(days=offset.days_before_expiry)
            claims.append((row.cycle_id, offset.pk, due_on))
        elif claimed[1] == Reminder.Status.SENT:
            result.already_sent += 1
        elif claimed[1] in (Reminder.Status.PENDING, Reminder.Status.FAILED):
            to_send.append(claimed[0])  # left by a failed send or a broker outage
    result.credentials_scanned += len(rows)
    result.statuses_changed += sum(len(pks) for pks in changed.values())
    result.reminders_due += len(claims) + len(to_send)
    if dry_run:
        return []
    for (status, day), pks in changed.items():
        Credential.objects.filter(pk__in=pks).update(status=status, status_changed_on=day)
    claimed_ids = claim_reminders(claims, now=now)
    result.reminders_claimed += len(claimed_ids)
    return to_send + claimed_ids


def claim_reminders(claims, *, now):
    """Insert the (cycle, offset, due_on) reminder rows that do not exist yet and return
    the ids this call inserted: the unique row is the claim, so two sweeps at once each
    get only the rows they won (INSERT ... ON CONFLICT DO NOTHING RETURNING)."""
    if not claims:
        return []
    table = Reminder._meta.db_table
    ops = connection.ops
    values = ", ".join(["(%s, %s, %s, %s, %s, %s, %s)"] * len(claims))
    params = []
    claimed_at = ops.adapt_datetimefield_value(now)
    for cycle_id, offset_id, due_on in claims:
        params += [
            cycle_id,
            offset_id,
            ops.adapt_datefield_value(due_on),
            Reminder.Status.PENDING,
            0,
            "",
            claimed_at,
        ]
    sql = (
        f"INSERT INTO {table} (cycle_id, offset_id, due_on, status, attempts, last_error, "
        f"claimed_at) VALUES {values} ON CONFLICT (cycle_id, offset_id) DO NOTHING RETURNING id"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [row[0] for row in cursor.fetchall()]


def _finish_renewals(*, now, result):
    """Complete renewals that became ready (SEUs logged after the fee was confirmed) and
    send confirmations a broker outage held back."""
    ready = Renewal.objects.filter(
        status=Renewal.Status.SUBMITTED, fee_status=Renewal.FeeStatus.CONFIRMED
    )
    for renewal in ready:
        with transaction.atomic():
            done = _complete_if_ready(_locked(renewal), now=now)
        result.renewals_completed += done.status == Renewal.Status.COMPLETED
    from . import tasks

    for renewal_id in selectors.renewals_with_unsent_confirmation():
        enqueue_on_commit(tasks.send_renewal_confirmation, renewal_id)
