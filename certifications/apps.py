from django.apps import AppConfig


class CertificationsConfig(AppConfig):
    name = "certifications"
    verbose_name = "Certifications"

    def ready(self):
        from .vc import checks  # noqa: F401  (registers the deploy check of the signing key)
