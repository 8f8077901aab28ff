from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PractitionersConfig(AppConfig):
    """The practitioner's pages: they read the domain apps below and own no models."""

    name = "practitioners"
    verbose_name = _("Practitioners")
