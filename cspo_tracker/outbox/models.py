"""The email outbox: every email the app sends is first a row here, written in the
transaction of the change that causes it, then delivered and marked sent exactly once
(cspo_tracker/outbox/services.py)."""

from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy


class OutboundEmail(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", gettext_lazy("Waiting to be sent")
        SENT = "sent", gettext_lazy("Sent")
        FAILED = "failed", gettext_lazy("Gave up after repeated failures")
        # The address bounced or complained (Suppression): a mandatory email waits for
        # staff or a new address, an optional one is dropped.
        HELD = "held", gettext_lazy("Held: the address cannot be reached")
        SKIPPED = "skipped", gettext_lazy("Not sent: the address cannot be reached")

    key = models.CharField(
        max_length=200,
        unique=True,
        help_text=gettext_lazy(
            "What this email is about, e.g. welcome:credential:42; one email per key."
        ),
    )
    template = models.CharField(
        max_length=100, help_text=gettext_lazy("The email's template name.")
    )
    to = models.EmailField(max_length=254)
    subject = models.CharField(max_length=998)
    body_text = models.TextField()
    body_html = models.TextField(blank=True)
    unsubscribe_url = models.URLField(
        max_length=500,
        blank=True,
        help_text=gettext_lazy(
            "Set on optional emails only: the one-click unsubscribe link (RFC 8058)."
        ),
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    # A delivery run owns the row until then (cspo_tracker/outbox/services.py: claim); a
    # run killed mid-batch leaves its rows to the next run once the lease is over.
    leased_until = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            # The delivery run and the health check read only the unsent rows. A claim
            # takes the oldest due rows in (next_attempt_at, id) order: the index gives
            # them in that order, so a claim reads its batch and stops instead of sorting
            # every pending row (wide, with their bodies) for each batch.
            models.Index(
                fields=["next_attempt_at", "id"],
                condition=Q(status="pending"),
                name="outbox_pending_due",
            ),
            models.Index(fields=["to", "-created_at"], name="outbox_to_created"),
            # /healthz, the console and the staff page count the emails given up.
            models.Index(
                fields=["created_at"], condition=Q(status="failed"), name="outbox_given_up"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="sent", sent_at__isnull=False) | ~Q(status="sent"),
                name="outbox_sent_has_time",
            ),
        ]

    def __str__(self):
        return f"{self.template} to {self.to} ({self.status})"

    @property
    def is_optional(self):
        """An optional email carries an unsubscribe link; a mandatory one (the expiry-day
        notice, a password reset, a welcome) never does."""
        return bool(self.unsubscribe_url)


class Suppression(models.Model):
    """An address the mail provider reported as unreachable (a hard bounce) or as
    complaining (marked as spam). No optional email goes there; mandatory ones are held."""

    class Reason(models.TextChoices):
        BOUNCE = "bounce", gettext_lazy("The address bounced")
        COMPLAINT = "complaint", gettext_lazy("The recipient marked an email as spam")

    address = models.EmailField(max_length=254, unique=True, help_text=gettext_lazy("Lower case."))
    reason = models.CharField(max_length=10, choices=Reason.choices)
    description = models.TextField(
        blank=True, help_text=gettext_lazy("What the mail provider said.")
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(address=Lower("address")), name="suppression_address_lower_case"
            ),
        ]

    def __str__(self):
        return f"{self.address} ({self.reason})"


class TrackingEvent(models.Model):
    """A bounce or complaint the mail provider reported (django-anymail's tracking
    webhook), kept once per provider event id: a replayed webhook changes nothing."""

    class Kind(models.TextChoices):
        BOUNCE = "bounce", gettext_lazy("Bounce")
        COMPLAINT = "complaint", gettext_lazy("Complaint")

    event_id = models.CharField(max_length=200, unique=True)
    esp = models.CharField(max_length=40)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    address = models.EmailField(max_length=254)
    message_id = models.CharField(max_length=300, blank=True)
    description = models.TextField(blank=True)
    occurred_at = models.DateTimeField(null=True, blank=True)
    received_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-received_at"]

    def __str__(self):
        return f"{self.kind} from {self.address}"
