from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StaffConfig(AppConfig):
    """Staff console, trainer home, search, practitioner view and the audit log. It sits
    above renewals (docs/architecture.md): it reads every app and nothing imports it."""

    name = "staff"
    verbose_name = _("Staff")

    def ready(self):
        from . import audit, privacy

        audit.register_models()
        privacy.register()  # the erasure's first step: the audit trail
