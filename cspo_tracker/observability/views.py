"""Project-level views: the health check."""

from django.http import JsonResponse

from .health import (
    DEGRADING,
    check_broker,
    check_cache,
    check_database,
    check_emails_given_up,
    check_outbox,
    registered_checks,
)


def healthz(request):
    """200 with each dependency's status when all are up and the scheduler keeps up
    (daily sweep on time, outbox flowing), 503 otherwise. A cache outage is 200 with
    status "degraded": the site still serves."""
    checks = {"database": check_database(), "broker": check_broker(), "cache": check_cache()}
    checks.update({name: check() for name, check in registered_checks().items()})
    checks["outbox"] = check_outbox()
    checks["emails_given_up"] = check_emails_given_up()
    healthy = all(c["ok"] for name, c in checks.items() if name not in DEGRADING)
    status = "unavailable"
    if healthy:
        status = "ok" if all(c["ok"] for c in checks.values()) else "degraded"
    return JsonResponse({"status": status, **checks}, status=200 if healthy else 503)
