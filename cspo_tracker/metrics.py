"""/metrics for Prometheus: django-prometheus's exposition (request metrics, and the
collectors apps register: renewals/monitoring.py, the outbox gauges below), behind a
bearer token or an address allow-list, because the numbers describe the business."""

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

from .health import outbox_backlog
from .models import OutboundEmail

logger = logging.getLogger(__name__)


def register_collector(collector, registry=REGISTRY):
    """Register a collector once per process (AppConfig.ready may run again in tests)."""
    if not any(type(c) is type(collector) for c in registry._collector_to_names):
        registry.register(collector)


class OutboxCollector:
    """The outbox, read from the database at scrape time like /healthz: every email by
    template and status (a reminder's delivery is its `renewal_reminder` email: sent, or
    failed after OUTBOX_MAX_ATTEMPTS), and the backlog waiting to be sent."""

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
        )

    def describe(self):
        return list(self._families())

    def collect(self):
        emails_family, unsent_family, age_family = self._families()
        try:
            counts = list(
                OutboundEmail.objects.order_by()
                .values_list("template", "status")
                .annotate(n=Count("pk"))
            )
            unsent, oldest = outbox_backlog()
        except DatabaseError as exc:
            logger.warning("metrics: database unavailable: %s", exc)
            return
        for template, status, n in counts:
            emails_family.add_metric([template, status], n)
        unsent_family.add_metric([], unsent)
        age_family.add_metric([], (timezone.now() - oldest).total_seconds() if oldest else 0)
        yield from (emails_family, unsent_family, age_family)


register_collector(OutboxCollector())


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
