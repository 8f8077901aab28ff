"""Webhook deliveries go to their own queue, so a worker busy with slow receivers never
holds up email or the sweep (the fault suite shows it with real workers)."""

from config.celery import app


def queue_of(task_name):
    return app.amqp.router.route({}, task_name)["queue"].name


def test_webhook_tasks_go_to_the_webhooks_queue_and_email_stays_on_the_default_one():
    assert queue_of("webhooks.tasks.deliver_webhook") == "webhooks"
    assert queue_of("webhooks.tasks.deliver_due_webhooks") == "webhooks"
    assert queue_of("cspo_tracker.tasks.deliver_emails") == "celery"
    assert queue_of("renewals.tasks.daily_sweep") == "celery"
