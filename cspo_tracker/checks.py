"""`manage.py check --deploy`: production mail must leave from the organisation's own
domain. Left at the embedded default it goes out as noreply@localhost, which receiving
servers refuse or file as spam, and Message-IDs name localhost."""

from django.conf import settings
from django.core.checks import Tags, Warning, register

from .outbox.services import sender_domain


@register(Tags.security, deploy=True)
def sender_address_configured(app_configs, **kwargs):
    domain = sender_domain()
    if domain == "localhost" or domain.endswith(".localhost") or "." not in domain:
        return [
            Warning(
                f"DEFAULT_FROM_EMAIL is {settings.DEFAULT_FROM_EMAIL!r}: email would leave "
                "from a local address that mail providers refuse or file as spam.",
                hint="Set DEFAULT_FROM_EMAIL to an address on your own domain, e.g. "
                "'CSPO Tracker <reminders@cspo.example.org>' (docs/operations.md, Email).",
                id="cspo_tracker.W001",
            )
        ]
    return []
