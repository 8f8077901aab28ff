"""/metrics for Prometheus: django-prometheus's exposition (request metrics, and the
collectors apps register: renewals/monitoring.py, the outbox and privacy gauges below),
behind a bearer token or an address allow-list, because the numbers describe the
business."""

import hmac
import logging

from django.conf import settings
from django.db import DatabaseError
from django.db.models import Count
from django.http import HttpResponseForbidden
from django.utils import timezone
from django_prometheus.exports import ExportToDjangoView
from prometheus_client import REGISTRY
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily

from ..client_address import client_ip
from ..outbox.models import OutboundEmail, Suppression, TrackingEvent
from ..privacy import retention
from ..privacy.models import Retirement
from .health import outbox_backlog

logger = logging.getLogger(__name__)


def register_collector(collector, registry=REGISTRY):
    """Register a collector once per process (AppConfig.ready may run again in tests)."""
    if not any(type(c) is type(collector) for c in registry._collector_to_names):
        registry.register(collector)


class OutboxCollector:
    """The outbox, read from the database at scrape time like /healthz: every email by
    template and status (a reminder's delivery is its `renewal_reminder` email: sent, or
    failed after OUTBOX_MAX_ATTEMPTS), the backlog waiting to be sent, and the bounces
    and complaints the mail provider reported, with the addresses they suppressed."""

    def _families(self):
        return (
            GaugeMetricFamily(
                "cspo_outbox_emails",
                "Emails in the outbox by template and status (pending, sent, failed).",
                labels=["template", "status"],
            ),
            GaugeMetricFamily("cspo_outbox_unsent_emails", "Emails waiting to be sent."),
            GaugeMetricFamily(
                "cspo_outbox_oldest_unsent_age_seconds",
                "Age of the oldest email waiting to be sent (0 when none waits).",
            ),
            GaugeMetricFamily(
                "cspo_email_tracking_events",
                "Bounces and complaints the mail provider reported, by kind.",
                labels=["kind"],
            ),
            GaugeMetricFamily(
                "cspo_email_suppressed_addresses",
                "Addresses no optional email goes to, by reason (bounce, complaint).",
                labels=["reason"],
            ),
        )

    def describe(self):
        return list(self._families())

    def collect(self):
        emails_family, unsent_family, age_family, events_family, suppressed_family = (
            self._families()
        )
        try:
            counts = list(
                OutboundEmail.objects.order_by()
                .values_list("template", "status")
                .annotate(n=Count("pk"))
            )
            unsent, oldest = outbox_backlog()
            events = dict(
                TrackingEvent.objects.order_by().values_list("kind").annotate(n=Count("pk"))
            )
            suppressed = dict(
                Suppression.objects.order_by().values_list("reason").annotate(n=Count("pk"))
            )
        except DatabaseError as exc:
            logger.warning("metrics: database unavailable: %s", exc)
            return
        for template, status, n in counts:
            emails_family.add_metric([template, status], n)
        unsent_family.add_metric([], unsent)
        age_family.add_metric([], (timezone.now() - oldest).total_seconds() if oldest else 0)
        for kind in TrackingEvent.Kind.values:
            events_family.add_metric([kind], events.get(kind, 0))
        for reason in Suppression.Reason.values:
            suppressed_family.add_metric([reason], suppressed.get(reason, 0))
        yield from (emails_family, unsent_family, age_family, events_family, suppressed_family)


register_collector(OutboxCollector())


class PrivacyCollector:
    """The retention rules' pruning as the last runs of prune-personal-data stored it
    (the task runs in a worker), and the account erasures by state: one `erasing` for
    long means a step keeps failing (its error is on the row, in the admin)."""

    def _families(self):
        return (
            CounterMetricFamily(
                "cspo_retention_pruned_rows",
                "Rows deleted by a retention rule since install.",
                labels=["kind"],
            ),
            GaugeMetricFamily(
                "cspo_retention_last_pruned_rows",
                "Rows the last run of a retention rule deleted.",
                labels=["kind"],
            ),
            GaugeMetricFamily(
                "cspo_retention_left_over_rows",
                "Rows still past their limit when the last run stopped at its batch cap.",
                labels=["kind"],
            ),
            GaugeMetricFamily(
                "cspo_retention_last_run_timestamp_seconds",
                "When a retention rule last ran (Unix time).",
                labels=["kind"],
            ),
            GaugeMetricFamily(
                "cspo_erasures", "Account erasures by state (erasing, complete).", labels=["state"]
            ),
        )

    def describe(self):
        return list(self._families())

    def collect(self):
        pruned, last, left, ran, erasures = self._families()
        try:
            rows = retention.recorded()
            states = dict(
                Retirement.objects.order_by().values_list("state").annotate(n=Count("pk"))
            )
        except DatabaseError as exc:
            logger.warning("metrics: database unavailable: %s", exc)
            return
        for rule in retention.rules():
            row = rows.get(rule.kind)
            pruned.add_metric([rule.kind], row.total if row else 0)
            last.add_metric([rule.kind], row.last_count if row else 0)
            left.add_metric([rule.kind], row.left_over if row else 0)
            if row and row.last_run_at:
                ran.add_metric([rule.kind], row.last_run_at.timestamp())
        for state in Retirement.State.values:
            erasures.add_metric([state], states.get(state, 0))
        yield from (pruned, last, left, ran, erasures)


register_collector(PrivacyCollector())


def scraper_allowed(request):
    token = settings.METRICS_TOKEN
    if token:
        given = request.headers.get("Authorization", "")
        if hmac.compare_digest(given.encode(), f"Bearer {token}".encode()):
            return True
    # The client's address, not the connecting one: behind a proxy on the same host every
    # request connects from 127.0.0.1.
    return client_ip(request) in settings.METRICS_ALLOWED_IPS


def metrics(request):
    if not scraper_allowed(request):
        return HttpResponseForbidden("Metrics are for the configured scraper only.\n")
    return ExportToDjangoView(request)
