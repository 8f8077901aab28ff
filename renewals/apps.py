from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RenewalsConfig(AppConfig):
    name = "renewals"
    verbose_name = _("Renewals")

    def ready(self):
        """renewals sits on top of certifications and seus: it registers here, in one
        place, for the work their events start (docs/architecture.md)."""
        from certifications.signals import course_completed, credential_issued, credentials_issued
        from seus import windows

        from . import receivers
        from .seu_windows import CycleWindows

        credential_issued.connect(receivers.open_first_cycle, dispatch_uid="renewals.open_cycle")
        credentials_issued.connect(receivers.open_first_cycles, dispatch_uid="renewals.open_cycles")
        course_completed.connect(
            receivers.renew_for_completed_course, dispatch_uid="renewals.course_completed"
        )
        windows.register(CycleWindows())

        # The scheduler watch: the daily sweep in /healthz, gauges in /metrics.
        from cspo_tracker.observability import health, metrics

        from . import monitoring

        health.register_check("sweep", monitoring.check_sweep)
        metrics.register_collector(monitoring.RenewalsCollector())
        self.declare_holder_rows()

        from . import privacy

        privacy.register()  # the archive's renewals, the erasure's steps (cspo_tracker/privacy)

        from .payments import checks  # noqa: F401  (the deploy check of online payment)

    @staticmethod
    def declare_holder_rows():
        """The rows of renewal tables a practitioner's own pages read (kept pages
        are keyed by their versions, cspo_tracker/kept_pages/row_versions.py)."""
        from django.db.models import Q

        from cspo_tracker.kept_pages.row_versions import holder_rows

        from .audits.models import SeuAudit, SeuAuditItem
        from .claims.models import CredentialClaim
        from .models import Renewal, RenewalCycle

        holder_rows("cycle", lambda holder: RenewalCycle.objects.filter(credential__holder=holder))
        holder_rows(
            "renewal",
            lambda holder: Renewal.objects.filter(
                Q(practitioner=holder) | Q(cycles__credential__holder=holder)
            ).distinct(),
        )
        holder_rows("claim", lambda holder: CredentialClaim.objects.filter(practitioner=holder))
        holder_rows(
            "seu_audit", lambda holder: SeuAudit.objects.filter(renewal__practitioner=holder)
        )
        holder_rows(
            "seu_audit_item",
            lambda holder: SeuAuditItem.objects.filter(audit__renewal__practitioner=holder),
        )
