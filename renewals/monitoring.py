"""The renewals side of /healthz and /metrics, registered in apps.py (the project's
probes sit in the lowest layer and cannot import this app).

/healthz: the daily sweep is late when the last completed run finished more than
HEALTH_SWEEP_MAX_AGE_HOURS ago.

/metrics: gauges read from the database at scrape time. Reminders are claimed by the
sweep (a Celery worker or a command) and the scrape is answered by whichever web process
it reaches: in-memory counters would each see only their own process's share and reset
on restart, so these are a few aggregate queries that every process answers alike.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.db import DatabaseError
from django.db.migrations.recorder import MigrationRecorder
from django.db.models import Count
from django.utils import timezone
from prometheus_client.core import GaugeMetricFamily

from certifications.models import Credential

from .models import Reminder
from .sweep.runs import last_sweep_run

logger = logging.getLogger(__name__)


def sweep_watch_started_at():
    """When the sweep record was installed (its migration applied): with no sweep run
    since, a fresh install or an upgrade is still waiting for the first daily sweep."""
    return (
        MigrationRecorder.Migration.objects.filter(app="renewals", name__endswith="_sweep_run")
        .values_list("applied", flat=True)
        .first()
    )


def check_sweep(now=None):
    """No sweep yet is not an error within HEALTH_SWEEP_MAX_AGE_HOURS of installing (the
    first one runs at the next scheduled hour); after that, a sweep that never ran is
    late like one that stopped."""
    now = now or timezone.now()
    limit = timedelta(hours=settings.HEALTH_SWEEP_MAX_AGE_HOURS)
    try:
        run = last_sweep_run()
        since = run.finished_at if run else sweep_watch_started_at()
    except DatabaseError as exc:
        logger.warning("health check: sweep record unavailable: %s", exc)
        return {"ok": False, "last_finished_at": None, "detail": "unknown"}
    late = since is not None and now - since > limit
    if run is None:
        detail = f"no sweep yet since {since.isoformat()}" if late else "no sweep yet"
    else:
        detail = f"late: more than {limit} ago" if late else "on time"
    if late:
        logger.warning("health check: daily sweep is late (%s)", detail)
    return {
        "ok": not late,
        "last_finished_at": run.finished_at.isoformat() if run else None,
        "detail": detail,
    }


def _families():
    return {
        "reminders": GaugeMetricFamily(
            "cspo_reminders",
            "Renewal reminders by status (each claimed once per cycle and kind).",
            labels=["status"],
        ),
        "claimed": GaugeMetricFamily(
            "cspo_reminders_claimed", "Renewal reminders claimed, whatever their status."
        ),
        "credentials": GaugeMetricFamily(
            "cspo_credentials", "Credentials by stored status.", labels=["status"]
        ),
        "sweep_duration": GaugeMetricFamily(
            "cspo_sweep_last_duration_seconds", "Duration of the last completed daily sweep."
        ),
        "sweep_finished": GaugeMetricFamily(
            "cspo_sweep_last_finished_timestamp_seconds",
            "Unix time the last completed daily sweep finished.",
        ),
    }


class RenewalsCollector:
    def describe(self):
        # Names only: registering must not query the database.
        return list(_families().values())

    def collect(self):
        families = _families()
        try:
            reminders = dict(
                Reminder.objects.order_by().values_list("status").annotate(n=Count("id"))
            )
            credentials = dict(
                Credential.objects.order_by().values_list("status").annotate(n=Count("id"))
            )
            sweep = last_sweep_run()
        except DatabaseError as exc:
            logger.warning("metrics: database unavailable: %s", exc)
            return
        for status in Reminder.Status.values:
            families["reminders"].add_metric([status], reminders.get(status, 0))
        families["claimed"].add_metric([], sum(reminders.values()))
        for status in Credential.Status.values:
            families["credentials"].add_metric([status], credentials.get(status, 0))
        yield from (families["reminders"], families["claimed"], families["credentials"])
        if sweep is not None:
            families["sweep_duration"].add_metric([], sweep.duration.total_seconds())
            families["sweep_finished"].add_metric([], sweep.finished_at.timestamp())
            yield from (families["sweep_duration"], families["sweep_finished"])
