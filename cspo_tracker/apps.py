from django.apps import AppConfig, apps
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy


class CspoTrackerConfig(AppConfig):
    """The project's own infrastructure, below every domain app: the email outbox, the
    privacy registries (retention, export, erasure) with the outbox's own entries, and
    the project-wide hook that keeps the Site row in step with SITE_URL."""

    name = "cspo_tracker"
    verbose_name = gettext_lazy("Infrastructure")

    def ready(self):
        from anymail.signals import tracking

        from . import checks  # noqa: F401  (registers the deploy checks)
        from .outbox import privacy as outbox_privacy
        from .outbox.tracking import on_tracking_event
        from .site import sync_site_from_settings

        tracking.connect(on_tracking_event, dispatch_uid="cspo_tracker.outbox.tracking")
        outbox_privacy.register()

        # After django.contrib.sites' own post_migrate (which makes example.com).
        post_migrate.connect(
            sync_site_from_settings,
            sender=apps.get_app_config("sites"),
            dispatch_uid="cspo_tracker.site_from_site_url",
        )
