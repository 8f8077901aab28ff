from django.apps import AppConfig


class CspoTrackerConfig(AppConfig):
    """The project's own infrastructure, below every domain app: the email outbox."""

    name = "cspo_tracker"
    verbose_name = "Infrastructure"
