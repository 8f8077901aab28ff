"""Project-level views: the health check."""

from django.http import JsonResponse

from .health import check_broker, check_database, check_outbox, registered_checks


def healthz(request):
    """200 with each dependency's status when all are up and the scheduler keeps up
    (daily sweep on time, outbox flowing), 503 otherwise."""
    checks = {"database": check_database(), "broker": check_broker()}
    checks.update({name: check() for name, check in registered_checks().items()})
    checks["outbox"] = check_outbox()
    healthy = all(c["ok"] for c in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "unavailable", **checks}, status=200 if healthy else 503
    )
