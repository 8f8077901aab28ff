from django.apps import AppConfig


class ApiConfig(AppConfig):
    """The JSON API at /api/v1/: tokens, problem details, idempotency and the
    resources, each a thin caller of the services and selectors below it."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "api"
    verbose_name = "API"

    def ready(self):
        from . import privacy, schema  # noqa: F401  (schema: the bearer scheme for drf-spectacular)

        privacy.register()  # retention, the archive's part, the erasure's step
