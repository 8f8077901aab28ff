"""The Celery app. Settings come from Django's settings under the CELERY_ namespace."""

import os

from celery import Celery
from celery.signals import task_postrun, task_prerun

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("cspo_tracker")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@task_prerun.connect
@task_postrun.connect
def close_old_connections(sender=None, **kwargs):
    """A worker keeps its database connection across tasks (CELERY_DB_REUSE_MAX), as
    gunicorn does across requests: like Django around each request, drop it before and
    after each task when it is broken or older than DATABASE_CONN_MAX_AGE. Tasks run
    in-process (eager) are inside the caller's transaction and keep it."""
    if getattr(getattr(sender, "request", None), "is_eager", False):
        return
    from django.db import close_old_connections as close

    close()
