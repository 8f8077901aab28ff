"""The SEU log: Scrum Educational Units a practitioner earned, and their categories."""

from django.db import models
from django.db.models import Q
from django.db.models.functions import Length
from django.db.models.lookups import LessThanOrEqual
from django.utils.translation import gettext_lazy as _

from certifications.dates import validate_sane_date

from .storage import evidence_storage, evidence_upload_to


class SeuCategory(models.Model):
    """A Scrum Alliance SEU category (docs/domain.md, "SEUs"). Caps are optional data."""

    code = models.CharField(max_length=2, unique=True)
    name = models.CharField(max_length=120)
    description = models.TextField(blank=True)
    cap = models.DecimalField(
        max_digits=6,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Most SEUs of this category that count in one renewal window (blank: no cap)."),
    )

    class Meta:
        ordering = ["code"]
        verbose_name_plural = _("SEU categories")
        constraints = [
            models.CheckConstraint(
                condition=Q(cap__isnull=True) | Q(cap__gt=0), name="seu_category_cap_positive"
            )
        ]

    def __str__(self):
        return f"{self.code}: {self.name}"


class SeuEntryQuerySet(models.QuerySet):
    def unconsumed(self):
        """SEUs that can still count: SEUs count once (a completed renewal consumes them,
        docs/domain.md), and an entry staff rejected in an SEU audit never counts."""
        return self.filter(consumed_by__isnull=True, audit_rejected_at__isnull=True)


class SeuEntry(models.Model):
    practitioner = models.ForeignKey(
        "certifications.Practitioner", on_delete=models.CASCADE, related_name="seu_entries"
    )
    earned_on = models.DateField(validators=[validate_sane_date])
    category = models.ForeignKey(SeuCategory, on_delete=models.PROTECT, related_name="entries")
    activity = models.CharField(max_length=200)
    provider = models.CharField(max_length=200, blank=True)
    seus = models.DecimalField("SEUs", max_digits=5, decimal_places=2)
    # Notes about the activity: a paragraph or two. Without a limit a single entry once
    # stored 200 000 characters; the form says so beside the field and the
    # database refuses longer text from any other path.
    description = models.TextField(blank=True, max_length=2000)
    evidence = models.FileField(
        upload_to=evidence_upload_to, storage=evidence_storage, blank=True, max_length=255
    )
    # The evidence file's name as uploaded ("Agile Tour 2026 – certificate.pdf"): the
    # stored file gets a random name; downloads are offered under this one.
    evidence_name = models.CharField(max_length=255, blank=True)
    consumed_by = models.ForeignKey(
        "renewals.Renewal",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="consumed_entries",
    )
    # Provider-reported: an SEU provider's organisation reported the entry
    # through the API, with its own reference for the activity (one entry per
    # organisation, attendee and reference: a report sent twice adds nothing).
    reported_by = models.ForeignKey(
        "certifications.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reported_seu_entries",
    )
    provider_reference = models.CharField(max_length=100, blank=True)
    audit_rejected_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text=_(
            "Set when staff reject the entry in an SEU audit (renewals.audits.services): "
            "from then on it counts for no renewal."
        ),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = SeuEntryQuerySet.as_manager()

    class Meta:
        ordering = ["-earned_on", "-id"]
        verbose_name = _("SEU entry")
        verbose_name_plural = _("SEU entries")
        constraints = [
            models.CheckConstraint(condition=Q(seus__gt=0), name="seu_entry_seus_positive"),
            models.CheckConstraint(
                condition=LessThanOrEqual(Length("description"), 2000),
                name="seu_entry_description_max_length",
            ),
            models.UniqueConstraint(
                fields=["reported_by", "practitioner", "provider_reference"],
                condition=Q(reported_by__isnull=False),
                name="seu_entry_provider_reference_unique",
            ),
            models.CheckConstraint(
                condition=Q(reported_by__isnull=True, provider_reference="")
                | Q(reported_by__isnull=False) & ~Q(provider_reference=""),
                name="seu_entry_provider_reference_with_provider",
            ),
        ]
        indexes = [
            models.Index(fields=["practitioner", "earned_on"]),
            # The reports' SEUs-by-category chart over a date range.
            models.Index(fields=["earned_on", "category"], name="seu_entry_earned_category"),
        ]

    def __str__(self):
        return f"{self.earned_on} {self.activity} ({self.seus} SEUs)"

    @property
    def is_provider_reported(self):
        return self.reported_by_id is not None

    @property
    def is_consumed(self):
        return self.consumed_by_id is not None
