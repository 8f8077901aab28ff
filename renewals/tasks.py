"""Celery tasks: thin callers of renewals.sweep.runs. Emails are not sent here: they go
through the outbox (cspo_tracker.tasks delivers them)."""

import logging
import uuid

from celery import shared_task

from .sweep.runs import plan_fan_out, run_chunk, run_result

logger = logging.getLogger(__name__)


@shared_task(acks_late=True, bind=True)
def daily_sweep(self):
    """Refresh statuses and send every reminder that is due (beat runs it daily): the
    credentials are split into id-range chunks, each a `sweep_chunk` task, so every
    worker on the broker takes a share; the last chunk records the run."""
    run_key = self.request.id or uuid.uuid4().hex  # a redelivered message keeps its id
    chunk_ids = plan_fan_out(run_key=run_key)
    for chunk_id in chunk_ids:
        sweep_chunk.delay(chunk_id)
    result = run_result(run_key)  # complete when the chunks ran in-process (eager)
    counts = {
        "chunks": len(chunk_ids),
        "credentials_scanned": result.credentials_scanned,
        "statuses_changed": result.statuses_changed,
        "reminders_enqueued": result.reminders_sent,
        "already_sent": result.already_sent,
        "renewals_completed": result.renewals_completed,
    }
    logger.info("daily renewal sweep (%d chunks) started: %s", len(chunk_ids), counts)
    return counts


@shared_task(acks_late=True)
def sweep_chunk(chunk_id):
    """One chunk of the daily sweep; safe to run twice (a redelivered message)."""
    result = run_chunk(chunk_id)
    if result is not None:
        logger.info("daily renewal sweep finished: %s", result.counts())
    return chunk_id
