"""Celery tasks: thin callers of renewals.sweep. Emails are not sent here: they go
through the outbox (cspo_tracker.tasks delivers them)."""

import logging

from celery import shared_task

from . import sweep

logger = logging.getLogger(__name__)


@shared_task(acks_late=True)
def daily_sweep():
    """Refresh statuses and send every reminder that is due (beat runs it daily)."""
    result = sweep.run_sweep()
    counts = {
        "credentials_scanned": result.credentials_scanned,
        "statuses_changed": result.statuses_changed,
        "reminders_enqueued": result.reminders_sent,
        "already_sent": result.already_sent,
        "renewals_completed": result.renewals_completed,
        "credentials_skipped": [pk for pk, _problem in result.bad_rows],
    }
    logger.info("daily renewal sweep: %s", counts)
    return counts
