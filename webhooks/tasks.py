"""Celery tasks for webhooks: thin callers of webhooks.delivery."""

from celery import shared_task

from . import delivery


@shared_task(acks_late=True)
def deliver_webhook(delivery_id):
    """Send one delivery if it is due and not leased (a no-op otherwise)."""
    attempt = delivery.deliver(delivery_id)
    return None if attempt is None else attempt.status_code


@shared_task(acks_late=True)
def deliver_due_webhooks():
    """Every minute: retries now due, deliveries the broker never got, expired leases."""
    return {"published": delivery.publish_due()}
