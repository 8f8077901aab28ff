from django.apps import AppConfig


class CertificationsConfig(AppConfig):
    name = "certifications"
    verbose_name = "Certifications"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from . import roles
        from .vc import checks  # noqa: F401  (registers the deploy check of the signing key)

        user_logged_in.connect(roles.remember_roles, dispatch_uid="certifications.roles")
        self.declare_holder_rows()

    @staticmethod
    def declare_holder_rows():
        """The rows of this app's tables a practitioner's own pages read (issue 14: kept
        pages are keyed by their versions, cspo_tracker/row_versions.py)."""
        from cspo_tracker.row_versions import holder_rows

        from .models import Course, Credential, Practitioner, Program, User

        holder_rows("user", lambda holder: User.objects.filter(practitioner=holder))
        holder_rows("practitioner", lambda holder: Practitioner.objects.filter(pk=holder))
        holder_rows("credential", lambda holder: Credential.objects.filter(holder=holder))
        holder_rows("program", lambda holder: Program.objects.filter(credentials__holder=holder))
        holder_rows("course", lambda holder: Course.objects.filter(credentials__holder=holder))
