from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SeusConfig(AppConfig):
    name = "seus"
    verbose_name = _("SEU log")

    def ready(self):
        """The staff upload page runs the SEU import as a background job: the job runner
        (certifications.imports.jobs) learns the service here."""
        from certifications.imports import jobs as import_jobs

        from .imports import import_seus

        import_jobs.register("seus", import_seus)
        self.declare_holder_rows()

        from . import privacy

        privacy.register()  # the archive's SEU log, the erasure's step (cspo_tracker/privacy)

    @staticmethod
    def declare_holder_rows():
        """The rows of SEU tables a practitioner's own pages read (kept pages are
        keyed by their versions, cspo_tracker/kept_pages/row_versions.py): the categories are few and
        shared, so all of them."""
        from certifications.models import Organisation
        from cspo_tracker.kept_pages.row_versions import holder_rows

        from .models import SeuCategory, SeuEntry

        holder_rows("seu_entry", lambda holder: SeuEntry.objects.filter(practitioner=holder))
        holder_rows("seu_category", lambda holder: SeuCategory.objects.all())
        holder_rows(
            "seu_provider",
            lambda holder: Organisation.objects.filter(reported_seu_entries__practitioner=holder),
        )
