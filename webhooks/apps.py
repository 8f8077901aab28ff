from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebhooksConfig(AppConfig):
    name = "webhooks"
    verbose_name = _("Webhooks")

    def ready(self):
        """webhooks sits on top of every domain app: it connects here, in one place, to
        the events they announce (docs/architecture.md) and records a webhook event for
        each, in the sender's transaction."""
        from certifications.signals import credential_issued, credential_revoked, credentials_issued
        from renewals.signals import (
            credential_statuses_changed,
            credentials_renewed,
            renewal_submitted,
        )
        from seus.signals import seu_created, seus_created

        from . import receivers

        pairs = [
            (credential_issued, receivers.credential_issued),
            (credentials_issued, receivers.credentials_issued),
            (credential_revoked, receivers.credential_revoked),
            (credentials_renewed, receivers.credentials_renewed),
            (credential_statuses_changed, receivers.credential_statuses_changed),
            (renewal_submitted, receivers.renewal_submitted),
            (seu_created, receivers.seu_created),
            (seus_created, receivers.seus_created),
        ]
        for signal, receiver in pairs:
            signal.connect(receiver, dispatch_uid=f"webhooks.{receiver.__name__}")

        from . import privacy

        privacy.register()  # retention, the archive's part, the erasure's step
