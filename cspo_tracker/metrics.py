"""/metrics for Prometheus: django-prometheus's exposition behind a bearer token or an
address allow-list, because the numbers describe the business (credentials, reminders)."""

import hmac

from django.conf import settings
from django.http import HttpResponseForbidden
from django_prometheus.exports import ExportToDjangoView


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
