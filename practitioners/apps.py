from django.apps import AppConfig


class PractitionersConfig(AppConfig):
    """The practitioner's pages: they read the domain apps below and own no models."""

    name = "practitioners"
    verbose_name = "Practitioners"
