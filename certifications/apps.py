from django.apps import AppConfig


class CertificationsConfig(AppConfig):
    name = "certifications"
    verbose_name = "Certifications"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from . import roles
        from .vc import checks  # noqa: F401  (registers the deploy check of the signing key)

        user_logged_in.connect(roles.remember_roles, dispatch_uid="certifications.roles")
