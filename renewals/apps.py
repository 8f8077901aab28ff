from django.apps import AppConfig


class RenewalsConfig(AppConfig):
    name = "renewals"
    verbose_name = "Renewals"

    def ready(self):
        """renewals sits on top of certifications and seus: it registers here, in one
        place, for the work their events start (docs/architecture.md)."""
        from certifications.signals import course_completed, credential_issued
        from seus import windows

        from . import receivers
        from .seu_windows import CycleWindows

        credential_issued.connect(receivers.open_first_cycle, dispatch_uid="renewals.open_cycle")
        course_completed.connect(
            receivers.renew_for_completed_course, dispatch_uid="renewals.course_completed"
        )
        windows.register(CycleWindows())
