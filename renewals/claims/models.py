"""A practitioner's claim of a credential issued elsewhere: staff
approve it (the credential is then issued here, renewals.claims.services) or reject it with a
reason."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from certifications.dates import validate_sane_date
from certifications.models import CERTIFICATE_NUMBER_PATTERN, validate_certificate_number
from seus.storage import evidence_storage, evidence_upload_to


class CredentialClaim(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for staff")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    practitioner = models.ForeignKey(
        "certifications.Practitioner", on_delete=models.CASCADE, related_name="claims"
    )
    program = models.ForeignKey(
        "certifications.Program", on_delete=models.PROTECT, related_name="claims"
    )
    certificate_number = models.CharField(max_length=32, validators=[validate_certificate_number])
    issued_on = models.DateField(validators=[validate_sane_date])
    evidence = models.FileField(
        upload_to=evidence_upload_to, storage=evidence_storage, blank=True, max_length=255
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    submitted_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    rejection_reason = models.TextField(blank=True)
    credential = models.OneToOneField(
        "certifications.Credential",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="claim",
    )

    class Meta:
        ordering = ["-submitted_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["certificate_number"],
                condition=Q(status="pending"),
                name="claim_one_open_per_number",
                violation_error_message=_(
                    "This certificate number is already claimed and waits for staff."
                ),
            ),
            models.CheckConstraint(
                condition=Q(certificate_number__regex=CERTIFICATE_NUMBER_PATTERN),
                name="claim_number_alphabet",
            ),
            models.CheckConstraint(
                condition=~Q(status="approved") | Q(credential__isnull=False),
                name="claim_approved_has_credential",
            ),
            models.CheckConstraint(
                condition=~Q(status="rejected") | ~Q(rejection_reason=""),
                name="claim_rejected_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(status="pending") | Q(decided_at__isnull=False),
                name="claim_decided_has_date",
            ),
        ]

    def __str__(self):
        return f"Claim of {self.certificate_number} by {self.practitioner}"

    @property
    def expires_on(self):
        """The expiry the credential gets when approved (the program's validity)."""
        return self.program.expiry_for(self.issued_on)
