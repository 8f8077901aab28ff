"""The stored signed documents: one signed credential per credential and expiry, and the
signed status lists. Part of the certifications app (imported by certifications.models)."""

import json

from django.db import models
from django.utils.translation import gettext_lazy


class SignedCredential(models.Model):
    """One signed Open Badges 3.0 / W3C Verifiable Credential for a credential, valid until
    `valid_until`. A renewal makes a new one with the new expiry; the earlier one stays
    valid until its own date. `status_index` is its bit in the status lists (W3C Bitstring
    Status List), so a revoked or lapsed credential flips exactly its bits."""

    credential = models.ForeignKey(
        "certifications.Credential", on_delete=models.CASCADE, related_name="signed_documents"
    )
    valid_from = models.DateField()
    valid_until = models.DateField()
    status_index = models.PositiveIntegerField(
        unique=True,
        help_text=gettext_lazy("Its bit in the status lists, drawn at random (herd privacy)."),
    )
    signed_json = models.TextField(
        blank=True,
        help_text=gettext_lazy("The signed JSON-LD exactly as issued (text keeps its key order)."),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["credential", "-valid_until"]
        constraints = [
            models.UniqueConstraint(
                fields=["credential", "valid_until"], name="signed_credential_once_per_expiry"
            )
        ]

    def __str__(self):
        return f"{self.credential} signed until {self.valid_until}"

    @property
    def document(self):
        return json.loads(self.signed_json) if self.signed_json else None

    @document.setter
    def document(self, value):
        self.signed_json = json.dumps(value, indent=2, ensure_ascii=False)


class StatusList(models.Model):
    """A signed BitstringStatusListCredential, re-signed only when one of its bits changes."""

    class Purpose(models.TextChoices):
        REVOCATION = "revocation", gettext_lazy("Revocation")
        SUSPENSION = "suspension", gettext_lazy("Suspension")

    purpose = models.CharField(max_length=10, choices=Purpose.choices)
    number = models.PositiveIntegerField()
    encoded_list = models.TextField()
    signed_json = models.TextField(help_text=gettext_lazy("The signed JSON-LD exactly as issued."))
    signed_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["purpose", "number"], name="status_list_unique")
        ]

    def __str__(self):
        return f"{self.purpose} status list {self.number}"

    @property
    def document(self):
        return json.loads(self.signed_json) if self.signed_json else None

    @document.setter
    def document(self, value):
        self.signed_json = json.dumps(value, indent=2, ensure_ascii=False)
