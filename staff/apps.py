from django.apps import AppConfig


class StaffConfig(AppConfig):
    """Staff console, trainer home, search, practitioner view and the audit log. It sits
    above renewals (docs/architecture.md): it reads every app and nothing imports it."""

    name = "staff"
    verbose_name = "Staff"

    def ready(self):
        from . import audit, privacy

        audit.register_models()
        privacy.register()  # the erasure's first step: the audit trail
