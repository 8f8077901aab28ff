"""Celery tasks for webhooks: thin callers of webhooks.delivery."""

from celery import shared_task

from . import delivery


@shared_task(acks_late=True)
def deliver_webhook(delivery_ids):
    """Send the deliveries of a batch (a list of ids; one id from older messages) that
    are due and not leased; the others are no-ops. Returns the status codes."""
    ids = delivery_ids if isinstance(delivery_ids, list) else [delivery_ids]
    return [attempt.status_code for attempt in delivery.deliver_many(ids)]


@shared_task(acks_late=True)
def deliver_due_webhooks():
    """Every minute: retries now due, deliveries the broker never got, expired leases."""
    return {"published": delivery.publish_due()}
