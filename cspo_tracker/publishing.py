"""Hand stored row ids to a Celery task after the commit, with one broker back-off.

The email outbox (cspo_tracker/outbox/services.py), the webhook deliveries and the background
import jobs (`publish_job`) use it: the
row is written in the caller's transaction, its id goes to the broker once the
transaction commits, and a periodic task picks up whatever the broker never got. When
the broker is down, requests stop trying it for OUTBOX_BROKER_BACKOFF_SECONDS, so an
outage costs one request one timeout at most, never one per row.

Tasks are named (e.g. ``"webhooks.tasks.deliver_webhook"``), never imported, so the
services that publish stay free of task imports (docs/architecture.md).
"""

import logging
import time

from celery import current_app as app
from django.conf import settings
from django.db import transaction

logger = logging.getLogger(__name__)

_broker_down_until = 0.0


def _task(app, name):
    if name not in app.tasks:
        app.loader.import_default_modules()  # autodiscovery: each app's tasks module
    return app.tasks[name]


def _calls(ids, batch_size):
    """The argument of each task call: one id each, or lists of up to `batch_size`."""
    if batch_size is None:
        return list(ids)
    ids = list(ids)
    return [ids[i : i + batch_size] for i in range(0, len(ids), batch_size)]


def publish(task_name, ids, *, batch_size=None):
    """Hand `ids` to task `task_name` over one connection: one call per id, or with
    `batch_size` one call per list of that many ids (one broker message each). Returns
    False (and logs) when the broker is down or was down moments ago: the rows wait for
    their periodic task."""
    global _broker_down_until
    if not ids:
        return True
    if time.monotonic() < _broker_down_until:
        return False
    task = _task(app, task_name)
    if app.conf.task_always_eager:  # no broker: run in this process now
        try:
            for arg in _calls(ids, batch_size):
                task.apply(args=[arg])
        except Exception as exc:
            logger.warning("%d %s call(s) wait in the outbox: %s", len(ids), task_name, exc)
            return False
        return True
    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=settings.CELERY_BROKER_CONNECTION_TIMEOUT)
            for arg in _calls(ids, batch_size):
                task.apply_async(args=[arg], connection=conn, retry=False)
    except Exception as exc:  # kombu raises transport-specific errors; all mean "not now"
        _broker_down_until = time.monotonic() + settings.OUTBOX_BROKER_BACKOFF_SECONDS
        logger.warning(
            "broker unavailable; %d %s call(s) wait in the outbox: %s", len(ids), task_name, exc
        )
        return False
    return True


def publish_on_commit(task_name, ids, *, batch_size=None):
    """`publish` once the surrounding transaction commits (at once outside one)."""
    ids = list(ids)
    if ids:
        transaction.on_commit(lambda: publish(task_name, ids, batch_size=batch_size))


def publish_job(task_name, job_id):
    """Hand a stored job row (e.g. certifications.imports.jobs) to its task once the row
    is committed, so a worker on another machine picks it up and reads the rest from the
    database. When Celery runs tasks in-process (no broker: development, tests) the task
    runs at once, in the caller's transaction, where the row is already visible."""
    if app.conf.task_always_eager:
        _task(app, task_name).apply(args=[job_id])
        return
    publish_on_commit(task_name, [job_id])
