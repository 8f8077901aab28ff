"""Custom Prometheus metrics, read from the database at scrape time.

Reminders are claimed and sent by Celery workers, the sweep runs in beat's worker or a
command, and /metrics is answered by whichever web process the scraper reaches. In-memory
counters would each see only their own process's share (and reset on restart), so these
are gauges computed by a few aggregate queries when Prometheus scrapes: every process
answers the same, true numbers. django-prometheus adds the per-process request metrics.
"""

import logging

from django.db import DatabaseError
from django.db.models import Count
from prometheus_client.core import GaugeMetricFamily

from certifications.models import Credential

from .models import Reminder
from .sweep_runs import last_sweep_run

logger = logging.getLogger(__name__)


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


class DatabaseCollector:
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


_collector = None


def register(registry=None):
    """Register the collector once per process (AppConfig.ready)."""
    global _collector
    if _collector is None:
        from prometheus_client import REGISTRY

        _collector = DatabaseCollector()
        (registry or REGISTRY).register(_collector)
    return _collector
