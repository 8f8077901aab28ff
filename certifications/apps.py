from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class CertificationsConfig(AppConfig):
    name = "certifications"
    verbose_name = gettext_lazy("Certifications")

    def ready(self):
        from allauth.account.signals import email_changed
        from django.contrib.auth.signals import user_logged_in

        from cspo_tracker.outbox.signals import reachability_changed

        from . import privacy, reachability, roles
        from .vc import checks  # noqa: F401  (registers the deploy check of the signing key)

        user_logged_in.connect(roles.remember_roles, dispatch_uid="certifications.roles")
        reachability_changed.connect(
            reachability.on_reachability_changed, dispatch_uid="certifications.reachability"
        )
        email_changed.connect(
            reachability.on_email_changed, dispatch_uid="certifications.held_emails"
        )
        # Import files' retention, the archive's profile and credentials, the erasure's
        # last step (cspo_tracker/privacy).
        privacy.register()
        self.declare_holder_rows()

    @staticmethod
    def declare_holder_rows():
        """The rows of this app's tables a practitioner's own pages read (kept
        pages are keyed by their versions, cspo_tracker/kept_pages/row_versions.py)."""
        from cspo_tracker.kept_pages.row_versions import holder_rows

        from .models import Course, Credential, Practitioner, Program, User

        holder_rows("user", lambda holder: User.objects.filter(practitioner=holder))
        holder_rows("practitioner", lambda holder: Practitioner.objects.filter(pk=holder))
        holder_rows("credential", lambda holder: Credential.objects.filter(holder=holder))
        holder_rows("program", lambda holder: Program.objects.filter(credentials__holder=holder))
        holder_rows("course", lambda holder: Course.objects.filter(credentials__holder=holder))
