"""Handing a stored job to Celery by task name, as the outbox hands it an email id.

Services never import tasks (docs/architecture.md). A service that stores a job row
(e.g. certifications.import_jobs) calls `publish_after_commit(task_name, job_id)`: once
the row is committed, the id goes to the broker under the task's name, so a worker on
another machine picks it up; the task reads everything else from the database. When
Celery runs tasks in-process (no broker: development, tests), the task runs at once, in
the caller's transaction, so the row is visible to it.
"""

import logging

from django.db import transaction

logger = logging.getLogger(__name__)


def publish_after_commit(task_name, *args):
    from .celery import app

    if app.conf.task_always_eager:
        app.loader.import_default_modules()  # registers every app's tasks module
        app.tasks[task_name].apply(args=args)
        return
    transaction.on_commit(lambda: _send(app, task_name, args))


def _send(app, task_name, args):
    try:
        app.send_task(task_name, args=list(args))
    except Exception as exc:  # kombu raises transport-specific errors; all mean "not now"
        logger.warning("broker unavailable; %s%r waits: %s", task_name, args, exc)
