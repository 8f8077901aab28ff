"""The email outbox: every email the app sends is first a row here, written in the
transaction of the change that causes it, then delivered and marked sent exactly once
(cspo_tracker/outbox.py)."""

from django.db import models
from django.db.models import Q
from django.utils import timezone


class OutboundEmail(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Waiting to be sent"
        SENT = "sent", "Sent"
        FAILED = "failed", "Gave up after repeated failures"

    key = models.CharField(
        max_length=200,
        unique=True,
        help_text="What this email is about, e.g. welcome:credential:42; one email per key.",
    )
    template = models.CharField(max_length=100, help_text="The email's template name.")
    to = models.EmailField(max_length=254)
    subject = models.CharField(max_length=998)
    body_text = models.TextField()
    body_html = models.TextField(blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            # The delivery run and the health check read only the unsent rows.
            models.Index(
                fields=["next_attempt_at"],
                condition=Q(status="pending"),
                name="outbox_pending_due",
            ),
            models.Index(fields=["to", "-created_at"], name="outbox_to_created"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="sent", sent_at__isnull=False) | ~Q(status="sent"),
                name="outbox_sent_has_time",
            ),
        ]

    def __str__(self):
        return f"{self.template} to {self.to} ({self.status})"
