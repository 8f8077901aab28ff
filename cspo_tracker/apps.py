from django.apps import AppConfig, apps
from django.db.models.signals import post_migrate


class CspoTrackerConfig(AppConfig):
    """The project's own infrastructure, below every domain app: the email outbox, and
    the project-wide hook that keeps the Site row in step with SITE_URL."""

    name = "cspo_tracker"
    verbose_name = "Infrastructure"

    def ready(self):
        from .site import sync_site_from_settings

        # After django.contrib.sites' own post_migrate (which makes example.com).
        post_migrate.connect(
            sync_site_from_settings,
            sender=apps.get_app_config("sites"),
            dispatch_uid="cspo_tracker.site_from_site_url",
        )
