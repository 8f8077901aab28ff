"""Dependency probes for /healthz, and the scheduler watch: the last completed daily
sweep and the outbox backlog (a silent cron is how reminder systems fail)."""

import logging
from datetime import timedelta

from django.apps import apps
from django.conf import settings
from django.db import DatabaseError, connection
from django.db.migrations.recorder import MigrationRecorder
from django.db.models import Count, Min
from django.utils import timezone

from .celery import app as celery_app

logger = logging.getLogger(__name__)


def check_database():
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as exc:
        logger.warning("health check: database unavailable: %s", exc)
        return {"ok": False, "detail": "unreachable"}
    return {"ok": True, "detail": connection.vendor}


def check_broker():
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return {"ok": True, "detail": "in-process (eager)"}
    try:
        with celery_app.connection_for_write(settings.CELERY_BROKER_URL or None) as conn:
            conn.ensure_connection(max_retries=1, timeout=settings.CELERY_BROKER_CONNECTION_TIMEOUT)
            transport = conn.transport_cls
    except Exception as exc:  # kombu raises transport-specific errors; all mean "down"
        logger.warning("health check: broker unavailable: %s", exc)
        return {"ok": False, "detail": "unreachable"}
    return {"ok": True, "detail": str(transport)}


def _iso(moment):
    return moment.isoformat() if moment else None


def sweep_watch_started_at():
    """When the sweep record was installed (its migration applied): with no sweep run
    since, a fresh install or an upgrade is still waiting for the first daily sweep."""
    applied = (
        MigrationRecorder.Migration.objects.filter(app="renewals", name__endswith="_sweep_run")
        .values_list("applied", flat=True)
        .first()
    )
    return applied


def check_sweep(now=None):
    """Late when the last completed sweep finished more than HEALTH_SWEEP_MAX_AGE_HOURS
    ago. No sweep yet is not an error within that time of installing (the first one runs
    at the next scheduled hour); after it, a sweep that never ran is late like any other."""
    from renewals.sweep_runs import last_sweep_run

    now = now or timezone.now()
    limit = timedelta(hours=settings.HEALTH_SWEEP_MAX_AGE_HOURS)
    try:
        run = last_sweep_run()
        since = run.finished_at if run else sweep_watch_started_at()
    except DatabaseError as exc:
        logger.warning("health check: sweep record unavailable: %s", exc)
        return {"ok": False, "last_finished_at": None, "detail": "unknown (database)"}
    late = since is not None and now - since > limit
    if run is None:
        detail = "no sweep yet" + (f" since {_iso(since)}" if late else "")
    else:
        detail = f"late: more than {limit} ago" if late else "on time"
    if late:
        logger.warning("health check: daily sweep is late (%s)", detail)
    return {
        "ok": not late,
        "last_finished_at": _iso(run.finished_at if run else None),
        "detail": detail,
    }


def outbox_backlog():
    """(unsent count, oldest unsent created_at) of the email outbox, or None when this
    build has no outbox model."""
    try:
        outbound_email = apps.get_model("cspo_tracker", "OutboundEmail")
    except LookupError:
        return None
    backlog = outbound_email.objects.filter(sent_at__isnull=True).aggregate(
        unsent=Count("pk"), oldest=Min("created_at")
    )
    return backlog["unsent"], backlog["oldest"]


def check_outbox(now=None):
    """Late when the oldest unsent email is older than HEALTH_OUTBOX_MAX_AGE_MINUTES."""
    now = now or timezone.now()
    try:
        backlog = outbox_backlog()
    except DatabaseError as exc:
        logger.warning("health check: outbox unavailable: %s", exc)
        return {
            "ok": False,
            "unsent": None,
            "oldest_unsent_at": None,
            "detail": "unknown (database)",
        }
    if backlog is None:
        return {"ok": True, "unsent": None, "oldest_unsent_at": None, "detail": "no outbox"}
    unsent, oldest = backlog
    limit = timedelta(minutes=settings.HEALTH_OUTBOX_MAX_AGE_MINUTES)
    late = oldest is not None and now - oldest > limit
    if late:
        logger.warning("health check: %s unsent emails, the oldest from %s", unsent, oldest)
    return {
        "ok": not late,
        "unsent": unsent,
        "oldest_unsent_at": _iso(oldest),
        "detail": f"oldest unsent email older than {limit}" if late else "flowing",
    }
