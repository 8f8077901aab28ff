from django.apps import AppConfig


class ApiConfig(AppConfig):
    """The JSON API at /api/v1/ (issue 10): tokens, problem details, idempotency and the
    resources, each a thin caller of the services and selectors below it."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "api"
    verbose_name = "API"

    def ready(self):
        from . import schema  # noqa: F401  (registers the bearer scheme with drf-spectacular)
