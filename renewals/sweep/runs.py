"""Each completed daily sweep leaves one SweepRun row: written here, by the Celery tasks
and the command alike, and read by /healthz and /metrics (monitoring.py) to see that the
scheduler runs.

The beat task fans the sweep out: `plan_fan_out` writes one SweepChunk row per id range
(all sharing one SweepPlan, so every chunk sees the same day) and the tasks run
`run_chunk` on any number of workers. The chunk that finds every chunk of its run done
runs the finishing step and records the SweepRun, under a lock, once. A retried chunk
claims nothing twice (the unique reminder row) and sends nothing twice (the reminder
row is re-checked under a lock), and its counts are kept from its first completion.
"""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from ..models import SweepChunk, SweepRun
from . import services as sweep

KEEP_CHUNKS = timedelta(days=7)


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


# --- Fanned out over Celery workers ------------------------------------------------------


def plan_fan_out(*, run_key, now=None, chunk_size=None):
    """Write the chunks of the run `run_key` and return their ids. Safe to run twice for
    one key (a redelivered beat task keeps its id): the chunks exist once."""
    plan = sweep.SweepPlan.read(now=now)
    size = chunk_size or settings.RENEWALS_SWEEP_BATCH_SIZE
    ranges = sweep.chunk_ranges(size) or [(0, 0)]  # an empty table still records a run
    data = plan.to_json()
    SweepChunk.objects.bulk_create(
        [
            SweepChunk(
                run_key=run_key, run_started_at=plan.now, first_id=first, last_id=last, plan=data
            )
            for first, last in ranges
        ],
        ignore_conflicts=True,
    )
    return list(SweepChunk.objects.filter(run_key=run_key).values_list("pk", flat=True))


def run_chunk(chunk_id):
    """Sweep one chunk, send its reminders, mark it done; the last one finishes the run.
    Returns the run's SweepResult when this call finished it, else None."""
    chunk = SweepChunk.objects.get(pk=chunk_id)
    if chunk.finished_at is None:
        plan = sweep.SweepPlan.from_json(chunk.plan)
        result, to_send = sweep.sweep_chunk(plan, chunk.first_id, chunk.last_id)
        if to_send:
            sweep.send_claimed(to_send, result, now=plan.now, today=plan.today)
        SweepChunk.objects.filter(pk=chunk.pk, finished_at=None).update(
            finished_at=timezone.now(), counts=result.counts()
        )
    return finish_run_if_done(chunk.run_key)


def run_result(run_key):
    """The counts of a fanned-out run's finished chunks, summed."""
    result = sweep.SweepResult()
    for counts in SweepChunk.objects.filter(run_key=run_key, finished_at__isnull=False).values_list(
        "counts", flat=True
    ):
        result.add(sweep.SweepResult.from_counts(counts))
    return result


def finish_run_if_done(run_key):
    """When every chunk of the run is done and the run is not recorded yet: complete
    the ready renewals, re-sign the status lists and record the SweepRun (once: the
    chunk rows are locked while deciding)."""
    with transaction.atomic():
        chunks = list(SweepChunk.objects.select_for_update().filter(run_key=run_key).order_by("pk"))
        if not chunks or chunks[0].run_recorded or any(c.finished_at is None for c in chunks):
            return None
        started_at = chunks[0].run_started_at
        result = run_result(run_key)
        sweep.finish_sweep(now=started_at, result=result)
        record_sweep_run(
            trigger=SweepRun.Trigger.TASK,
            started_at=started_at,
            finished_at=timezone.now(),
            result=result,
        )
        SweepChunk.objects.filter(run_key=run_key).update(run_recorded=True)
        # Chunks of runs a week old served their purpose: the SweepRun keeps the counts.
        SweepChunk.objects.filter(run_started_at__lt=started_at - KEEP_CHUNKS).delete()
        return result
