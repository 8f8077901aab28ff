"""Dependency probes for /healthz."""

import logging

from django.conf import settings
from django.db import DatabaseError, connection

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
