"""SEU audits: staff select submitted renewals, at random or by hand; the
practitioner sends evidence for each entry the renewal counts; staff accept or reject
each. Every step is kept as an event (who, when, what). Rules in renewals/audits/services.py."""

from django.conf import settings
from django.db import models
from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from seus.storage import evidence_storage


def audit_evidence_upload_to(instance, filename):
    import uuid
    from pathlib import PurePosixPath

    suffix = PurePosixPath(filename).suffix.lower()[:10]
    return f"audits/{instance.audit_id}/{uuid.uuid4().hex}{suffix}"


class SeuAuditQuerySet(models.QuerySet):
    def with_stage(self):
        """Annotated with the entries still waiting for evidence, for `stage`."""
        return self.annotate(
            items_without_evidence=Count(
                "items",
                filter=Q(items__status="pending", items__evidence_sent_at__isnull=True),
            )
        )


class SeuAudit(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("Waiting for evidence and review")
        PASSED = "passed", _("Passed")
        FAILED = "failed", _("Entries rejected")

    class Selection(models.TextChoices):
        RANDOM = "random", _("Random share")
        CHOSEN = "chosen", _("Chosen by staff")

    renewal = models.OneToOneField(
        "renewals.Renewal", on_delete=models.CASCADE, related_name="seu_audit"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    selection = models.CharField(max_length=10, choices=Selection.choices)
    selected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    selected_at = models.DateTimeField()
    closed_at = models.DateTimeField(null=True, blank=True)

    objects = SeuAuditQuerySet.as_manager()

    class Meta:
        ordering = ["-selected_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="open", closed_at__isnull=True)
                | (~Q(status="open") & Q(closed_at__isnull=False)),
                name="seu_audit_closed_has_date",
            )
        ]

    def __str__(self):
        return f"SEU audit of renewal #{self.renewal_id}"

    @property
    def is_open(self):
        return self.status == self.Status.OPEN

    STAGE_LABELS = {
        "waiting_for_evidence": _("Waiting for evidence"),
        "evidence_received": _("Evidence received: waiting for staff review"),
    }

    @property
    def stage(self):
        """Where an audit stands for the people involved: an open audit waits for the
        practitioner's evidence until every undecided entry has some, then for staff; a
        closed one has its status. Read from `with_stage()` when annotated."""
        if not self.is_open:
            return self.status
        missing = getattr(self, "items_without_evidence", None)
        if missing is None:
            missing = self.items.filter(
                status=SeuAuditItem.Status.PENDING, evidence_sent_at__isnull=True
            ).count()
        return "waiting_for_evidence" if missing else "evidence_received"

    @property
    def stage_label(self):
        return self.STAGE_LABELS.get(self.stage) or self.get_status_display()


class SeuAuditItem(models.Model):
    """One SEU entry under audit, with the evidence sent for it and staff's decision."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for review")
        ACCEPTED = "accepted", _("Accepted")
        REJECTED = "rejected", _("Rejected")

    audit = models.ForeignKey(SeuAudit, on_delete=models.CASCADE, related_name="items")
    entry = models.ForeignKey("seus.SeuEntry", on_delete=models.PROTECT, related_name="audit_items")
    evidence = models.FileField(
        upload_to=audit_evidence_upload_to, storage=evidence_storage, blank=True, max_length=255
    )
    note = models.CharField(max_length=500, blank=True)
    evidence_sent_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    reason = models.TextField(blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["entry__earned_on", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["audit", "entry"], name="seu_audit_entry_once"),
            models.CheckConstraint(
                condition=~Q(status="rejected") | ~Q(reason=""),
                name="seu_audit_item_rejected_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(status="pending") | Q(decided_at__isnull=False),
                name="seu_audit_item_decided_has_date",
            ),
        ]

    def __str__(self):
        return f"{self.entry} in {self.audit}"


class SeuAuditEvent(models.Model):
    """The audit trail: who did what, when, to which audit (and entry)."""

    class Action(models.TextChoices):
        SELECTED = "selected", _("Selected for audit")
        EVIDENCE_SENT = "evidence_sent", _("Evidence sent")
        ACCEPTED = "accepted", _("Entry accepted")
        REJECTED = "rejected", _("Entry rejected")
        CLOSED = "closed", _("Audit closed")

    audit = models.ForeignKey(SeuAudit, on_delete=models.CASCADE, related_name="events")
    item = models.ForeignKey(
        SeuAuditItem, on_delete=models.CASCADE, null=True, blank=True, related_name="events"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    action = models.CharField(max_length=16, choices=Action.choices)
    detail = models.TextField(blank=True)
    at = models.DateTimeField()

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.get_action_display()} ({self.audit})"
