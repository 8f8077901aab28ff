"""Project-level views: the health check."""

from django.http import JsonResponse

from .health import check_broker, check_database


def healthz(request):
    """200 with each dependency's status when all are up, 503 when any is down."""
    checks = {"database": check_database(), "broker": check_broker()}
    healthy = all(c["ok"] for c in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "unavailable", **checks}, status=200 if healthy else 503
    )
