"""Celery tasks for the outbox: thin callers of cspo_tracker.outbox."""

from celery import shared_task

from . import outbox


@shared_task(acks_late=True)
def deliver_email(email_id):
    """Send one stored email (a no-op when it is sent already)."""
    return outbox.deliver(email_id)


@shared_task(acks_late=True)
def deliver_due_emails():
    """Every minute: the emails the broker never got and the failed sends now due."""
    sent, failed = outbox.deliver_due()
    return {"sent": sent, "failed": failed}
