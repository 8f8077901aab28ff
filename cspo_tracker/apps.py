from django.apps import AppConfig, apps
from django.db.models.signals import post_migrate


class CspoTrackerConfig(AppConfig):
    """The project package as an app: only for project-wide hooks."""

    name = "cspo_tracker"
    verbose_name = "CSPO Tracker"

    def ready(self):
        from .site import sync_site_from_settings

        # post_migrate is sent per app with models; this package has none, so listen for
        # the sites app (after django.contrib.sites' own default example.com row).
        post_migrate.connect(
            sync_site_from_settings,
            sender=apps.get_app_config("sites"),
            dispatch_uid="cspo_tracker.site_from_site_url",
        )
