"""/metrics for Prometheus: django-prometheus's exposition plus the tracker's own gauges,
behind a bearer token or an address allow-list (the numbers describe the business).

The tracker's numbers are read from the database at scrape time. Reminders are claimed
and sent by Celery workers, the sweep runs in a worker or a command, and the scrape is
answered by whichever web process it reaches: in-memory counters would each see only
their own process's share and reset on restart, so these are gauges computed by a few
aggregate queries, the same in every process. django-prometheus adds the per-process
request metrics.
"""

import hmac
import logging

from django.conf import settings
from django.db import DatabaseError
from django.db.models import Count
from django.http import HttpResponseForbidden
from django.utils import timezone
from django_prometheus.exports import ExportToDjangoView
from prometheus_client import REGISTRY
from prometheus_client.core import GaugeMetricFamily

from certifications.models import Credential
from renewals.models import Reminder
from renewals.sweep_runs import last_sweep_run

from .health import outbox_backlog

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
        "outbox_unsent": GaugeMetricFamily(
            "cspo_outbox_unsent_emails", "Emails in the outbox not sent yet."
        ),
        "outbox_age": GaugeMetricFamily(
            "cspo_outbox_oldest_unsent_age_seconds",
            "Age of the oldest unsent email (0 when none is waiting).",
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
            backlog = outbox_backlog()
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
        if backlog is not None:
            unsent, oldest = backlog
            age = (timezone.now() - oldest).total_seconds() if oldest else 0
            families["outbox_unsent"].add_metric([], unsent)
            families["outbox_age"].add_metric([], age)
            yield from (families["outbox_unsent"], families["outbox_age"])


def _register_once():
    """The URL configuration imports this module once per process; registering twice
    would raise, so a re-import (tests reloading URLs) keeps the first collector."""
    if not any(isinstance(c, DatabaseCollector) for c in REGISTRY._collector_to_names):
        REGISTRY.register(DatabaseCollector())


_register_once()


def scraper_allowed(request):
    token = settings.METRICS_TOKEN
    if token:
        given = request.headers.get("Authorization", "")
        if hmac.compare_digest(given.encode(), f"Bearer {token}".encode()):
            return True
    return request.META.get("REMOTE_ADDR") in settings.METRICS_ALLOWED_IPS


def metrics(request):
    if not scraper_allowed(request):
        return HttpResponseForbidden("Metrics are for the configured scraper only.\n")
    return ExportToDjangoView(request)
