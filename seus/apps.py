from django.apps import AppConfig


class SeusConfig(AppConfig):
    name = "seus"
    verbose_name = "SEU log"

    def ready(self):
        """The staff upload page runs the SEU import as a background job: the job runner
        (certifications.import_jobs) learns the service here."""
        from certifications import import_jobs

        from .imports import import_seus

        import_jobs.register("seus", import_seus)
