"""Dependency probes for /healthz, and the scheduler watch: the outbox backlog here, the
last daily sweep registered by renewals (a silent cron is how reminder systems fail)."""

import logging
from datetime import timedelta

from celery import current_app as celery_app
from django.conf import settings
from django.core.cache import caches
from django.db import DatabaseError, connection
from django.utils import timezone

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


def check_cache():
    """The shared cache (CACHE_URL). Down, the site still works: each process keeps the
    limits in its own memory (cspo_tracker/cache.py), so this degrades, not fails."""
    backend = caches["default"]
    reachable = getattr(backend, "reachable", None)
    if reachable is None:
        return {"ok": True, "detail": f"in-process ({type(backend).__name__})"}
    if not reachable():
        logger.warning("health check: cache unavailable, limits kept per process")
        return {"ok": False, "detail": "unreachable: limits kept in each process's memory"}
    return {"ok": True, "detail": "redis"}


# Checks whose failure leaves the site working, worse: /healthz says "degraded" and
# stays 200, so a load balancer keeps serving.
DEGRADING = {"cache", "emails_given_up"}


# --- The scheduler watch ---
# Checks from higher apps (renewals: the daily sweep) register here, in their
# AppConfig.ready, since this lowest layer may not import them.
_registered_checks = {}


def register_check(name, check):
    """Add `check()` (returning {"ok": bool, ...}) to /healthz under `name`."""
    _registered_checks[name] = check


def registered_checks():
    return dict(_registered_checks)


def iso(moment):
    return moment.isoformat() if moment else None


def outbox_backlog():
    """(unsent count, oldest unsent created_at) of the email outbox."""
    from ..outbox import services as outbox

    return outbox.backlog()


def check_outbox(now=None):
    """Late when the oldest email waiting to be sent is older than
    HEALTH_OUTBOX_MAX_AGE_MINUTES: delivery (worker, broker or SMTP) is stuck."""
    now = now or timezone.now()
    try:
        unsent, oldest = outbox_backlog()
    except DatabaseError as exc:
        logger.warning("health check: outbox unavailable: %s", exc)
        return {"ok": False, "unsent": None, "oldest_unsent_at": None, "detail": "unknown"}
    limit = timedelta(minutes=settings.HEALTH_OUTBOX_MAX_AGE_MINUTES)
    late = oldest is not None and now - oldest > limit
    if late:
        logger.warning("health check: %s unsent emails, the oldest from %s", unsent, oldest)
    return {
        "ok": not late,
        "unsent": unsent,
        "oldest_unsent_at": iso(oldest),
        "detail": f"oldest unsent email older than {limit}" if late else "flowing",
    }


def check_emails_given_up():
    """Emails the outbox gave up on after repeated failures. They no longer count as a
    backlog ("flowing" stays true), but someone was not told something: /healthz says
    "degraded" (still 200) until staff send them again or they are pruned."""
    from ..outbox import services as outbox

    try:
        count = outbox.given_up()
    except DatabaseError as exc:
        logger.warning("health check: outbox unavailable: %s", exc)
        return {"ok": False, "count": None, "detail": "unknown"}
    if not count:
        return {"ok": True, "count": 0, "detail": "none"}
    return {
        "ok": False,
        "count": count,
        "detail": f"{count} email{'s' if count != 1 else ''} given up after repeated "
        "failures: send again from the staff renewals page",
    }
