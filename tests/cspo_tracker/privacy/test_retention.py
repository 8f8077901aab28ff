"""Retention: the prune-personal-data task deletes each kind of row once it is older than
its limit (never work in progress), in bounded batches, and /metrics shows it."""

import datetime

import pytest
import time_machine
from django.core.files.base import ContentFile
from django.urls import reverse
from django_celery_beat.models import PeriodicTask

from api.models import IdempotentRequest
from certifications.imports.models import ImportJob
from cspo_tracker import tasks
from cspo_tracker.outbox import services as outbox
from cspo_tracker.outbox.models import OutboundEmail
from cspo_tracker.privacy import retention
from cspo_tracker.privacy.models import PrunedRows
from webhooks.models import DeliveryAttempt, WebhookDelivery, WebhookEvent

from .conftest import NOW, webhook_event, webhook_subscription

pytestmark = pytest.mark.django_db


def days_ago(days, hours=0):
    return NOW - datetime.timedelta(days=days, hours=hours)


def email_written(at, *, status="sent"):
    with time_machine.travel(at, tick=False):
        email = outbox.store(
            template="welcome", to="ada@example.com", subject="Welcome", body_text="Dear Ada"
        )
    if status == "sent":
        outbox.deliver(email.pk, now=at)
    elif status == "failed":
        OutboundEmail.objects.filter(pk=email.pk).update(status=status)
    return email


def stored_answer(at, key):
    with time_machine.travel(at, tick=False):
        return IdempotentRequest.objects.create(
            owner="user:1",
            key=key,
            request_hash="0" * 64,
            method="POST",
            path="/api/v1/seus",
            status_code=201,
            response_body={"email": "ada@example.com"},
        )


def import_job(at, *, status=ImportJob.Status.DONE):
    with time_machine.travel(at, tick=False):
        job = ImportJob(kind="credentials", file_name="people.csv", status=status)
        job.file.save("people.csv", ContentFile(b"email\nada@example.com\n"), save=False)
        if status in ImportJob.FINISHED:
            job.finished_at = at
        job.save()
    return job


def remaining(model, objects):
    return set(model.objects.filter(pk__in=[o.pk for o in objects]).values_list("pk", flat=True))


def test_sent_and_failed_emails_go_after_their_limit_and_waiting_ones_stay(settings):
    settings.RETENTION_OUTBOX_DAYS = 180
    old_sent = email_written(days_ago(180, hours=1))
    old_failed = email_written(days_ago(400), status="failed")
    young_sent = email_written(days_ago(179, hours=23))
    old_waiting = email_written(days_ago(400), status="pending")
    assert retention.prune()["outbox_emails"] == 2
    assert remaining(OutboundEmail, [old_sent, old_failed, young_sent, old_waiting]) == {
        young_sent.pk,
        old_waiting.pk,
    }


def test_stored_api_answers_go_after_the_idempotency_limit(settings):
    settings.RETENTION_IDEMPOTENCY_DAYS = 7
    old, young = stored_answer(days_ago(7, hours=1), "old"), stored_answer(days_ago(6), "young")
    assert retention.prune()["idempotent_requests"] == 1
    assert remaining(IdempotentRequest, [old, young]) == {young.pk}


def test_finished_webhook_events_go_with_their_deliveries_and_attempt_log(settings, staff_member):
    settings.RETENTION_WEBHOOKS_DAYS = 30
    subscription = webhook_subscription(staff_member)
    old = webhook_event(subscription, "ada@example.com", at=days_ago(31))
    old_given_up = webhook_event(subscription, "ada@example.com", status="failed", at=days_ago(60))
    young = webhook_event(subscription, "ada@example.com", at=days_ago(29))
    still_retried = webhook_event(
        subscription, "ada@example.com", status="pending", at=days_ago(90)
    )
    assert retention.prune()["webhook_events"] == 2
    assert remaining(WebhookEvent, [old, old_given_up, young, still_retried]) == {
        young.pk,
        still_retried.pk,
    }
    assert not WebhookDelivery.objects.filter(event_id__in=[old.pk, old_given_up.pk]).exists()
    assert not DeliveryAttempt.objects.filter(delivery__event_id=old.pk).exists()
    assert DeliveryAttempt.objects.filter(delivery__event_id=young.pk).exists()


def test_finished_import_jobs_go_with_their_files_and_unfinished_ones_stay(settings):
    settings.RETENTION_IMPORTS_DAYS = 30
    old = import_job(days_ago(31))
    old_refused = import_job(days_ago(45), status=ImportJob.Status.REFUSED)
    young = import_job(days_ago(29))
    stuck = import_job(days_ago(90), status=ImportJob.Status.QUEUED)
    files = {job.pk: (job.file.storage, job.file.name) for job in (old, old_refused, young, stuck)}
    assert retention.prune()["import_jobs"] == 2
    assert remaining(ImportJob, [old, old_refused, young, stuck]) == {young.pk, stuck.pk}
    exists = {pk: storage.exists(name) for pk, (storage, name) in files.items()}
    assert exists == {old.pk: False, old_refused.pk: False, young.pk: True, stuck.pk: True}


def test_a_limit_of_zero_keeps_everything(settings):
    settings.RETENTION_OUTBOX_DAYS = 0
    email = email_written(days_ago(5000))
    assert "outbox_emails" not in retention.prune()
    assert OutboundEmail.objects.filter(pk=email.pk).exists()


def test_each_batch_costs_the_same_few_queries_whatever_its_size(
    settings, django_assert_max_num_queries
):
    """One SELECT of ids and one DELETE per batch (plus its savepoint), whatever the
    batch holds; with nothing else to prune, a rule costs its empty read and its record."""
    settings.RETENTION_OUTBOX_DAYS = 30
    rule = next(r for r in retention.rules() if r.kind == "outbox_emails")

    def queries_to_prune(count):
        for _ in range(count):
            email_written(days_ago(40))
        with django_assert_max_num_queries(8) as captured:
            retention._prune(rule, NOW, batch_size=500, max_batches=10)
        assert not rule.expired(NOW).exists()
        return len(captured)

    assert queries_to_prune(3) == queries_to_prune(120)


def test_a_run_stops_at_its_batch_cap_and_the_next_run_goes_on(settings):
    settings.RETENTION_OUTBOX_DAYS = 30
    for _ in range(25):
        email_written(days_ago(40))
    assert retention.prune(batch_size=10, max_batches=2)["outbox_emails"] == 20
    record = PrunedRows.objects.get(kind="outbox_emails")
    assert (record.total, record.last_count, record.left_over) == (20, 20, 5)
    assert retention.prune(batch_size=10, max_batches=2)["outbox_emails"] == 5
    record.refresh_from_db()
    assert (record.total, record.last_count, record.left_over) == (25, 5, 0)


def test_the_beat_task_is_shipped_and_prunes(settings):
    task = PeriodicTask.objects.get(name="prune-personal-data")
    assert task.task == "cspo_tracker.tasks.prune_personal_data"
    assert (task.crontab.hour, task.crontab.minute) == ("3", "30")
    settings.RETENTION_OUTBOX_DAYS = 30
    email_written(days_ago(31))
    result = tasks.prune_personal_data.apply().get()
    assert result["pruned"]["outbox_emails"] == 1
    assert result["erasures_completed"] == 0


def test_metrics_show_what_each_rule_pruned(client, settings):
    settings.RETENTION_OUTBOX_DAYS = 30
    for _ in range(3):
        email_written(days_ago(31))
    retention.prune()
    body = client.get(reverse("metrics"), REMOTE_ADDR="127.0.0.1").content.decode()
    assert 'cspo_retention_pruned_rows_total{kind="outbox_emails"} 3.0' in body
    assert 'cspo_retention_last_pruned_rows{kind="outbox_emails"} 3.0' in body
    assert 'cspo_retention_left_over_rows{kind="webhook_events"} 0.0' in body
    [ran] = [
        line
        for line in body.splitlines()
        if line.startswith('cspo_retention_last_run_timestamp_seconds{kind="import_jobs"}')
    ]
    assert float(ran.split()[-1]) == NOW.timestamp()
    assert 'cspo_erasures{state="erasing"} 0.0' in body
