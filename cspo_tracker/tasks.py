"""Celery tasks of the infrastructure: thin callers of cspo_tracker.outbox.services and
cspo_tracker.privacy."""

from celery import shared_task

from .outbox import services as outbox
from .privacy import erasure, retention


@shared_task(acks_late=True)
def deliver_emails(email_ids):
    """Send a batch of stored emails over one connection (the ones sent already, held or
    leased to another run are left alone)."""
    sent, failed = outbox.deliver_batch(email_ids)
    return {"sent": sent, "failed": failed}


@shared_task(acks_late=True)
def deliver_email(email_id):
    """Send one stored email (a no-op when it is sent already): the message of a single
    id, as the broker may still hold from before the batches."""
    return outbox.deliver(email_id)


@shared_task(acks_late=True)
def deliver_due_emails():
    """Every minute: the emails the broker never got, the failed sends now due, and the
    rows a killed worker left leased; batch after batch, for up to a minute."""
    sent, failed = outbox.deliver_due()
    return {"sent": sent, "failed": failed}


@shared_task(acks_late=True)
def prune_personal_data():
    """Daily: delete what each retention rule says has expired, in bounded batches, and
    resume account erasures a failed step left unfinished."""
    pruned = retention.prune()
    return {"pruned": pruned, "erasures_completed": erasure.resume_unfinished()}


@shared_task(acks_late=True)
def run_erasure(retirement_id):
    """Run an account erasure's steps (a no-op once it is complete)."""
    erasure.run(retirement_id)
