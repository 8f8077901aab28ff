"""Celery tasks: thin callers of renewals.services. They take ids, re-read the rows and
exit quietly when the work is already done; late acknowledgement (settings) plus the
idempotent bodies mean a worker killed mid-send loses nothing."""

import logging
import smtplib

from celery import shared_task
from django.conf import settings

from . import services
from .models import SweepRun
from .sweep_runs import run_recorded_sweep

logger = logging.getLogger(__name__)

RETRYABLE = (smtplib.SMTPException, OSError)
RETRY_OPTIONS = {
    "acks_late": True,
    "autoretry_for": RETRYABLE,
    "retry_backoff": True,
    "retry_backoff_max": settings.RENEWALS_RETRY_BACKOFF_MAX,
    "retry_jitter": True,
    "max_retries": settings.RENEWALS_REMINDER_MAX_RETRIES,
}


def _enqueue_reminders(reminder_ids, result):
    if services.publish(send_reminder, [(reminder_id,) for reminder_id in reminder_ids]):
        result.reminders_sent += len(reminder_ids)


@shared_task(acks_late=True)
def daily_sweep():
    """Refresh statuses and enqueue every reminder that is due (beat runs it daily)."""
    result = run_recorded_sweep(trigger=SweepRun.Trigger.TASK, dispatch=_enqueue_reminders)
    counts = {
        "credentials_scanned": result.credentials_scanned,
        "statuses_changed": result.statuses_changed,
        "reminders_enqueued": result.reminders_sent,
        "already_sent": result.already_sent,
        "renewals_completed": result.renewals_completed,
    }
    logger.info("daily renewal sweep: %s", counts)
    return counts


@shared_task(**RETRY_OPTIONS)
def send_reminder(reminder_id):
    return services.send_reminder(reminder_id=reminder_id)


@shared_task(**RETRY_OPTIONS)
def send_renewal_confirmation(renewal_id):
    return services.send_renewal_confirmation(renewal_id=renewal_id)


@shared_task(**RETRY_OPTIONS)
def send_renewal_rejected(renewal_id):
    return services.send_renewal_rejected(renewal_id=renewal_id)
