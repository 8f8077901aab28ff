"""The daily sweep: refresh every credential's stored status and claim each reminder
that is due, then send the claimed ones (renewals.reminders), in keyset batches with a
constant number of queries per batch.

A reminder is claimed by inserting its unique (cycle, offset) row in the transaction
that decides to send it (INSERT ... ON CONFLICT DO NOTHING), so two sweeps at once each
claim only the rows they won.
"""

import logging
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from certifications.dates import today_in
from certifications.models import Credential
from certifications.vc import services as vc_services

from . import selectors
from .models import Reminder, ReminderOffset, Renewal, RenewalCycle
from .reminders import Outcome, send_reminder
from .services import complete_if_ready, locked
from .signals import credential_statuses_changed

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class SweepRow:
    """One credential as the sweep sees it, from a handful of set-based queries."""

    credential_id: int
    stored_status: str
    expires_on: object
    lead_days: int
    grace_days: int
    time_zone: str
    optional_reminders: bool
    cycle_id: int | None
    cycle_status: str | None
    seus_counted: Decimal
    seus_required: Decimal
    fee_confirmed: bool
    revoked: bool = False

    @property
    def requirements_met(self):
        return self.cycle_id is not None and selectors.requirements_met(
            seus_counted=self.seus_counted,
            seus_required=self.seus_required,
            fee_is_confirmed=self.fee_confirmed,
        )


def sweep_batch(*, after_pk, size, caps):
    """The next `size` credentials after `after_pk` (keyset order), each with its current
    cycle, SEUs counted and fee state: three queries, whatever the batch holds."""
    credentials = list(
        Credential.objects.filter(pk__gt=after_pk)
        .order_by("pk")
        .values_list(
            "pk",
            "status",
            "expires_on",
            "program__reminder_lead_days",
            "program__grace_days",
            "holder__time_zone",
            "holder__optional_reminders",
            "revoked_at",
        )[:size]
    )
    if not credentials:
        return []
    in_batch = current_cycles_between(credentials[0][0], credentials[-1][0])
    cycles = {
        row[1]: row
        for row in in_batch.values_list(
            "pk", "credential_id", "status", "seus_required", "renewal__fee_status"
        )
    }
    counted = selectors.seus_counted_by_cycle(in_batch.values("pk"), caps=caps)
    rows = []
    for pk, status, expires_on, lead, grace, tz, optional, revoked_at in credentials:
        cycle = cycles.get(pk)
        rows.append(
            SweepRow(
                credential_id=pk,
                stored_status=status,
                expires_on=expires_on,
                lead_days=lead,
                grace_days=grace,
                time_zone=tz,
                optional_reminders=optional,
                cycle_id=cycle[0] if cycle else None,
                cycle_status=cycle[2] if cycle else None,
                seus_counted=counted[cycle[0]] if cycle else selectors.ZERO,
                seus_required=cycle[3] if cycle else selectors.ZERO,
                fee_confirmed=bool(cycle and selectors.fee_confirmed(cycle[4])),
                revoked=revoked_at is not None,
            )
        )
    return rows


def current_cycles_between(first_credential_id, last_credential_id):
    """The current cycles of a keyset batch of credentials: a range, not a list of ids,
    so the batch's queries stay small whatever its size."""
    return RenewalCycle.objects.filter(
        credential_id__gte=first_credential_id, credential_id__lte=last_credential_id
    ).exclude(status=RenewalCycle.Status.COMPLETED)


def active_offsets():
    """Reminder offsets in the order they fall due (90 days before first)."""
    return list(ReminderOffset.objects.filter(is_active=True).order_by("-days_before_expiry"))


def most_recent_due_offset(offsets, *, expires_on, today):
    """The latest offset already due on `today`: a sweep that missed days sends only this
    one, not a burst of stale reminders."""
    due = None
    for offset in offsets:
        if expires_on - timedelta(days=offset.days_before_expiry) <= today:
            due = offset
    return due


def reminders_for_cycles(cycles):
    """{(cycle_id, offset_id): (reminder_id, status)} for the given cycles (a queryset),
    in one query."""
    return {
        (cycle_id, offset_id): (pk, status)
        for pk, cycle_id, offset_id, status in Reminder.objects.filter(
            cycle__in=cycles.values("pk")
        ).values_list("pk", "cycle_id", "offset_id", "status")
    }


@dataclass
class SweepResult:
    """Counts the sweep prints; `to_send` are the reminder ids this run must send."""

    credentials_scanned: int = 0
    statuses_changed: int = 0
    reminders_claimed: int = 0
    reminders_due: int = 0
    reminders_sent: int = 0
    already_sent: int = 0
    skipped: int = 0
    renewals_completed: int = 0
    batches: int = 0
    bad_rows: list = field(default_factory=list)  # (credential id, problem): skipped, logged
    status_counts: dict = field(default_factory=lambda: defaultdict(int))


def run_sweep(*, now=None, today=None, dry_run=False, dispatch=None, batch_size=None):
    """Refresh every credential's stored status and claim every reminder that is due, in
    keyset batches (a constant number of queries per batch, memory flat).

    `today` replaces each holder's local date (the command's --today). After each batch
    commits, the reminder ids to send (the claimed ones and the pending ones a previous
    run left) go to `dispatch(ids, result)`, by default `send_claimed`, which writes
    each email to the outbox. `dry_run` writes and sends nothing and counts what would
    happen."""
    now = now or timezone.now()
    dispatch = dispatch or (lambda ids, result: send_claimed(ids, result, now=now, today=today))
    batch_size = batch_size or settings.RENEWALS_SWEEP_BATCH_SIZE
    offsets = active_offsets()
    caps = selectors.category_caps()
    result = SweepResult()
    after = 0
    while True:
        with transaction.atomic():
            rows = sweep_batch(after_pk=after, size=batch_size, caps=caps)
            if not rows:
                break
            to_send = _sweep_batch(
                rows, offsets=offsets, now=now, today=today, dry_run=dry_run, result=result
            )
        after = rows[-1].credential_id
        result.batches += 1
        if to_send and not dry_run:
            dispatch(to_send, result)
    if not dry_run:
        _finish_renewals(now=now, result=result)
        vc_services.refresh_status_lists(now=now)  # lapsed today: suspension bits re-signed
    return result


def send_claimed(reminder_ids, result, *, now=None, today=None):
    """Send each claimed reminder (into the outbox) and count the outcomes."""
    for reminder_id in reminder_ids:
        outcome = send_reminder(reminder_id=reminder_id, now=now, today=today)
        if outcome == Outcome.SENT:
            result.reminders_sent += 1
        elif outcome == Outcome.ALREADY:
            result.already_sent += 1
        else:
            result.skipped += 1


def _sweep_batch(rows, *, offsets, now, today, dry_run, result):
    changed = defaultdict(list)
    claims = []
    to_send = []
    existing = reminders_for_cycles(
        current_cycles_between(rows[0].credential_id, rows[-1].credential_id)
    )
    for row in rows:
        day = today or today_in(row.time_zone, now)
        met = row.requirements_met
        try:
            status = selectors.status_on(
                expires_on=row.expires_on,
                today=day,
                lead_days=row.lead_days,
                grace_days=row.grace_days,
                requirements_met=met,
            )
        except (OverflowError, ValueError) as error:  # e.g. a date no one can add days to
            logger.error("sweep: credential %s skipped: %s", row.credential_id, error)
            result.bad_rows.append((row.credential_id, str(error)))
            continue
        result.status_counts[status] += 1
        if status != row.stored_status:
            changed[(status, day)].append(row.credential_id)
        if (
            met
            or row.revoked
            or row.cycle_status != RenewalCycle.Status.OPEN
            or status == Credential.Status.LAPSED
        ):
            continue  # no nagging: met, revoked, a renewal is pending, or lapsed
        offset = most_recent_due_offset(offsets, expires_on=row.expires_on, today=day)
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
            to_send.append(claimed[0])  # claimed by a run that stopped before sending
    result.credentials_scanned += len(rows)
    result.statuses_changed += sum(len(pks) for pks in changed.values())
    result.reminders_due += len(claims) + len(to_send)
    if dry_run:
        return []
    for (status, day), pks in changed.items():
        Credential.objects.filter(pk__in=pks).update(status=status, status_changed_on=day)
        credential_statuses_changed.send(sender=Credential, status=status, credential_ids=pks)
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
    """Complete renewals that became ready (SEUs logged after the fee was confirmed)."""
    ready = Renewal.objects.filter(
        status=Renewal.Status.SUBMITTED, fee_status=Renewal.FeeStatus.CONFIRMED
    )
    for renewal in ready:
        with transaction.atomic():
            done = complete_if_ready(locked(renewal), now=now)
        result.renewals_completed += done.status == Renewal.Status.COMPLETED
