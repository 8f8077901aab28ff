"""The daily sweep: refresh every credential's stored status and claim each reminder
that is due, then send the claimed ones (renewals.reminders.services).

The work is split into id-range chunks of credentials. Each chunk is a fixed number of
set-based statements (renewals.sweep.sets: one status UPDATE and one reminder claim,
INSERT ... SELECT ... ON CONFLICT DO NOTHING, per local date in use), whatever its size,
so the database does the per-row work and memory stays flat. `run_sweep` runs the chunks
one after the other in this process (the command, bin/run, the tests); the daily beat
task hands them to Celery workers (renewals.sweep.runs), so more workers finish sooner.

A reminder is claimed by inserting its unique (cycle, offset) row in the transaction
that decides to send it, so two sweeps at once, or a retried chunk, each claim only the
rows they won; sending re-checks the row under a lock (exactly once).
"""

import logging
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.db.models import Max, Min
from django.utils import timezone

from certifications.models import Credential
from certifications.vc import services as vc_services

from .. import selectors
from ..models import ReminderOffset, Renewal
from ..reminders.services import Outcome, send_reminders
from ..services import complete_if_ready, locked
from . import sets as sweep_sets

logger = logging.getLogger(__name__)


def active_offsets():
    """Reminder offsets in the order they fall due (90 days before first)."""
    return list(ReminderOffset.objects.filter(is_active=True).order_by("-days_before_expiry"))


@dataclass
class SweepResult:
    """Counts the sweep prints (summed over its chunks)."""

    credentials_scanned: int = 0
    statuses_changed: int = 0
    reminders_claimed: int = 0
    reminders_due: int = 0
    reminders_sent: int = 0
    already_sent: int = 0
    skipped: int = 0
    renewals_completed: int = 0
    batches: int = 0
    bad_rows: list = field(default_factory=list)  # kept for callers; SQL has no bad row

    def add(self, other):
        for name, value in asdict(other).items():
            if name != "bad_rows":
                setattr(self, name, getattr(self, name) + value)
        self.bad_rows += other.bad_rows
        return self

    def counts(self):
        return {k: v for k, v in asdict(self).items() if k != "bad_rows"}

    @classmethod
    def from_counts(cls, counts):
        return cls(**{k: v for k, v in counts.items() if k in cls.__dataclass_fields__})


@dataclass(frozen=True)
class SweepPlan:
    """What every chunk of one run shares, read once: the instant, each zone's local
    date, the programs' rules, the active offsets and the category caps. It travels to
    the chunk tasks as JSON (`to_json`), so every chunk of a run sees the same day."""

    now: datetime
    today: date | None
    days: dict  # {date: [zones] or None}
    rules: dict  # {(grace_days, lead_days): [program ids]}
    offsets: list  # ReminderOffset rows (or unsaved copies)
    caps: dict

    @classmethod
    def read(cls, *, now=None, today=None):
        now = now or timezone.now()
        return cls(
            now=now,
            today=today,
            days=sweep_sets.days_by_zone(now=now, today=today),
            rules=sweep_sets.program_rules(),
            offsets=active_offsets(),
            caps=selectors.category_caps(),
        )

    def to_json(self):
        return {
            "now": self.now.isoformat(),
            "today": self.today.isoformat() if self.today else None,
            "days": [[d.isoformat(), zones] for d, zones in self.days.items()],
            "rules": [[grace, lead, pks] for (grace, lead), pks in self.rules.items()],
            "offsets": [[o.pk, o.days_before_expiry, o.is_optional] for o in self.offsets],
            "caps": {str(k): str(v) for k, v in self.caps.items()},
        }

    @classmethod
    def from_json(cls, data):
        return cls(
            now=datetime.fromisoformat(data["now"]),
            today=date.fromisoformat(data["today"]) if data["today"] else None,
            days={date.fromisoformat(d): zones for d, zones in data["days"]},
            rules={(grace, lead): pks for grace, lead, pks in data["rules"]},
            offsets=[
                ReminderOffset(pk=pk, days_before_expiry=days, is_optional=optional)
                for pk, days, optional in data["offsets"]
            ],
            caps={int(k): Decimal(v) for k, v in data["caps"].items()},
        )


def chunk_ranges(size):
    """[(first id, last id)] covering every credential, `size` ids a chunk (one query)."""
    bounds = Credential.objects.aggregate(first=Min("pk"), last=Max("pk"))
    if bounds["first"] is None:
        return []
    return [
        (first, min(first + size - 1, bounds["last"]))
        for first in range(bounds["first"], bounds["last"] + 1, size)
    ]


def sweep_chunk(plan, first_id, last_id, *, dry_run=False):
    """Refresh the statuses and claim the due reminders of the credentials with ids in
    [first_id, last_id], in one transaction and a fixed number of statements. Returns
    (SweepResult, reminder ids to send: the ones claimed now and the ones a previous run
    claimed but did not send). A dry run does the same and rolls it back."""
    result = SweepResult(batches=1)
    to_send = []
    with transaction.atomic():
        sweep_sets.prepare_chunk()
        result.credentials_scanned = Credential.objects.filter(
            pk__gte=first_id, pk__lte=last_id
        ).count()
        met = sweep_sets.met_credential_ids(first_id=first_id, last_id=last_id, caps=plan.caps)
        for day, zones in plan.days.items():
            area = {"first_id": first_id, "last_id": last_id, "day": day, "zones": zones}
            result.statuses_changed += sweep_sets.update_statuses(
                **area, rules=plan.rules, met_ids=met
            )
            claimed, pending, already, skipped = sweep_sets.claim_due_reminders(
                **area, offsets=plan.offsets, met_ids=met, rules=plan.rules, now=plan.now
            )
            result.reminders_claimed += len(claimed)
            result.already_sent += already
            result.skipped += skipped
            to_send += pending + claimed
        result.reminders_due = len(to_send)
        if dry_run:
            result.reminders_claimed = 0
            transaction.set_rollback(True)
            return result, []
    return result, to_send


def run_sweep(*, now=None, today=None, dry_run=False, dispatch=None, batch_size=None):
    """Refresh every credential's stored status and claim every reminder that is due,
    chunk after chunk in this process (the beat task fans the chunks out instead).

    `today` replaces each holder's local date (the command's --today). After each chunk
    commits, the reminder ids to send go to `dispatch(ids, result)`, by default
    `send_claimed`, which writes their emails to the outbox. `dry_run` writes and sends
    nothing and counts what would happen."""
    plan = SweepPlan.read(now=now, today=today)
    dispatch = dispatch or (
        lambda ids, result: send_claimed(ids, result, now=plan.now, today=today)
    )
    result = SweepResult()
    for first_id, last_id in chunk_ranges(batch_size or settings.RENEWALS_SWEEP_BATCH_SIZE):
        part, to_send = sweep_chunk(plan, first_id, last_id, dry_run=dry_run)
        result.add(part)
        if to_send:
            dispatch(to_send, result)
    if not dry_run:
        finish_sweep(now=plan.now, result=result)
    return result


def send_claimed(reminder_ids, result, *, now=None, today=None):
    """Send the claimed reminders (into the outbox, in bulk) and count the outcomes."""
    outcomes = send_reminders(reminder_ids, now=now, today=today)
    for outcome in outcomes.values():
        if outcome == Outcome.SENT:
            result.reminders_sent += 1
        elif outcome == Outcome.ALREADY:
            result.already_sent += 1
        else:
            result.skipped += 1


def finish_sweep(*, now, result):
    """What runs once after every chunk: renewals that became ready are completed, and
    the status lists of portable credentials re-signed (lapsed today: suspended)."""
    _finish_renewals(now=now, result=result)
    vc_services.refresh_status_lists(now=now)


def _finish_renewals(*, now, result):
    """Complete renewals that became ready (SEUs logged after the fee was confirmed)."""
    ready = Renewal.objects.filter(
        status=Renewal.Status.SUBMITTED, fee_status=Renewal.FeeStatus.CONFIRMED
    )
    for renewal in ready:
        with transaction.atomic():
            done = complete_if_ready(locked(renewal), now=now)
        result.renewals_completed += done.status == Renewal.Status.COMPLETED
