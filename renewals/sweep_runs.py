"""Each completed daily sweep leaves one SweepRun row: written here, by the Celery task and
the command alike, and read by /healthz and /metrics (monitoring.py) to see that the
scheduler runs."""

from django.utils import timezone

from . import sweep
from .models import SweepRun


def record_sweep_run(*, trigger, started_at, finished_at, result):
    """Write the SweepRun of a completed (not dry) sweep from its SweepResult."""
    return SweepRun.objects.create(
        trigger=trigger,
        started_at=started_at,
        finished_at=finished_at,
        credentials_scanned=result.credentials_scanned,
        statuses_changed=result.statuses_changed,
        reminders_claimed=result.reminders_claimed,
        reminders_sent=result.reminders_sent,
        renewals_completed=result.renewals_completed,
    )


def run_recorded_sweep(*, trigger, dry_run=False, **sweep_options):
    """sweep.run_sweep, then record it unless it was a dry run. A sweep that raises is
    not recorded: the missing row is what /healthz reports as a late sweep."""
    started_at = timezone.now()
    result = sweep.run_sweep(dry_run=dry_run, **sweep_options)
    if not dry_run:
        record_sweep_run(
            trigger=trigger, started_at=started_at, finished_at=timezone.now(), result=result
        )
    return result


def last_sweep_run():
    """The most recently finished sweep, or None on a fresh install."""
    return SweepRun.objects.order_by("-finished_at").first()
