"""Renewal cycles, renewal submissions with their fee, and reminder records."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


class RenewalCycle(models.Model):
    """One validity period of a credential: SEUs earned in [window_starts_on, ends_on]
    and the fee renew it. Requirement and fee are snapshotted from the program when the
    cycle opens, so a later change to the program does not move the goalposts."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        SUBMITTED = "submitted", _("Submitted")
        COMPLETED = "completed", _("Completed")

    credential = models.ForeignKey(
        "certifications.Credential", on_delete=models.CASCADE, related_name="cycles"
    )
    window_starts_on = models.DateField()
    ends_on = models.DateField(help_text=_("The credential's expiry date for this cycle."))
    seus_required = models.DecimalField(max_digits=6, decimal_places=2)
    seus_addon = models.DecimalField(
        max_digits=6,
        decimal_places=2,
        help_text=_("SEUs this credential adds when renewed together with a higher one."),
    )
    fee_amount = models.DecimalField(max_digits=8, decimal_places=2)
    fee_currency = models.CharField(max_length=3)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    renewal = models.ForeignKey(
        "renewals.Renewal",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="cycles",
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["ends_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["credential"],
                condition=~Q(status="completed"),
                name="cycle_one_current_per_credential",
            ),
            models.UniqueConstraint(fields=["credential", "ends_on"], name="cycle_once_per_expiry"),
            models.CheckConstraint(
                condition=Q(ends_on__gt=F("window_starts_on")), name="cycle_window_ordered"
            ),
            models.CheckConstraint(
                condition=Q(seus_required__gte=0, seus_addon__gte=0, fee_amount__gte=0),
                name="cycle_requirements_not_negative",
            ),
        ]
        indexes = [
            # The reports: cycles ending in a period (renewal rate), renewals per month.
            models.Index(fields=["ends_on"], name="cycle_ends_on"),
            models.Index(
                fields=["completed_at"],
                condition=Q(status="completed"),
                name="cycle_completed_at",
            ),
        ]

    def __str__(self):
        return f"{self.credential} cycle to {self.ends_on}"


class Renewal(models.Model):
    """A practitioner's renewal submission: one or several credentials renewed together,
    for one fee (docs/domain.md, "Renewing")."""

    class FeeStatus(models.TextChoices):
        UNPAID = "unpaid", _("Unpaid")
        PENDING = "pending", _("Awaiting confirmation")
        CONFIRMED = "confirmed", _("Confirmed")
        REJECTED = "rejected", _("Rejected")

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted")
        NEEDS_APPROVAL = "needs_approval", _("Needs staff approval")
        COMPLETED = "completed", _("Completed")
        REJECTED = "rejected", _("Rejected")

    practitioner = models.ForeignKey(
        "certifications.Practitioner", on_delete=models.CASCADE, related_name="renewals"
    )
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.SUBMITTED)
    seus_required = models.DecimalField(max_digits=6, decimal_places=2)
    fee_amount = models.DecimalField(max_digits=8, decimal_places=2)
    fee_currency = models.CharField(max_length=3)
    fee_status = models.CharField(
        max_length=10, choices=FeeStatus.choices, default=FeeStatus.UNPAID
    )
    payment_reference = models.CharField(max_length=100, blank=True)
    fee_paid_at = models.DateTimeField(null=True, blank=True)
    fee_reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    fee_reviewed_at = models.DateTimeField(null=True, blank=True)
    rejection_reason = models.TextField(blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    submitted_at = models.DateTimeField(auto_now_add=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    held_reason = models.CharField(
        max_length=300,
        blank=True,
        help_text=_("Why a renewal whose fee is confirmed could not complete (staff see it)."),
    )

    class Meta:
        ordering = ["-submitted_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(seus_required__gte=0, fee_amount__gte=0),
                name="renewal_requirements_not_negative",
            ),
            models.UniqueConstraint(
                fields=["practitioner"],
                condition=Q(status__in=["submitted", "needs_approval"]),
                name="renewal_one_in_progress_per_practitioner",
                violation_error_message=_("You already have a renewal in progress."),
            ),
        ]
        indexes = [
            # The staff page's lists, read in order from an index range and stopped after a
            # page (renewals.selectors): awaiting staff, oldest submission first, and
            # fee confirmed but held, oldest confirmation first.
            models.Index(
                fields=["submitted_at", "id"],
                condition=Q(status__in=["submitted", "needs_approval"]),
                name="renewal_in_progress_order",
            ),
            models.Index(
                fields=["fee_reviewed_at", "id"],
                condition=Q(status="submitted", fee_status="confirmed"),
                name="renewal_held_order",
            ),
        ]

    IN_PROGRESS = (Status.SUBMITTED, Status.NEEDS_APPROVAL)

    def __str__(self):
        return f"Renewal #{self.pk} by {self.practitioner}"


class ReminderOffset(models.Model):
    """When a reminder goes out, as data: days before expiry (0 = the expiry day,
    negative = after it). Defaults 90, 60, 30, 7, 0 and -30 ship in a data migration."""

    code = models.SlugField(max_length=30, unique=True)
    days_before_expiry = models.SmallIntegerField(unique=True)
    is_optional = models.BooleanField(
        default=True, help_text=_("Optional reminders respect the practitioner's unsubscribe.")
    )
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["-days_before_expiry"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(days_before_expiry=0) | Q(is_optional=False, is_active=True),
                name="reminder_offset_expiry_day_always_sent",
                violation_error_message=_(
                    "The expiry-day reminder is always sent: it stays "
                    "active and cannot be made optional."
                ),
            )
        ]

    def __str__(self):
        return self.code

    @property
    def is_expiry_day(self):
        return self.days_before_expiry == 0


class Reminder(models.Model):
    """A reminder claimed for one cycle: the unique row is the claim that makes sending
    exactly-once (a re-run sweep or a second worker cannot insert it again)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        SKIPPED = "skipped", _("Skipped")

    cycle = models.ForeignKey(RenewalCycle, on_delete=models.CASCADE, related_name="reminders")
    offset = models.ForeignKey(ReminderOffset, on_delete=models.PROTECT, related_name="reminders")
    due_on = models.DateField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    claimed_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-due_on"]
        constraints = [
            models.UniqueConstraint(fields=["cycle", "offset"], name="reminder_once_per_cycle_kind")
        ]
        # The staff page's reminder lists read (due date, id) newest first and stop after
        # a page; with the date alone PostgreSQL sorted each day's reminders first.
        indexes = [
            models.Index(fields=["status", "due_on", "id"], name="reminder_status_due_order"),
            # Failed-or-waiting reminders sorted by date: two statuses that the
            # (status, due_on) index cannot serve in date order; a partial index can.
            models.Index(
                fields=["-due_on", "-id"],
                condition=Q(status__in=["failed", "pending"]),
                name="reminder_unsent_due_order",
            ),
        ]

    def __str__(self):
        return f"{self.offset} for {self.cycle}"


class SweepRun(models.Model):
    """One completed daily sweep (task or command), so /healthz and /metrics can tell a
    scheduler that stopped running: a silent cron is how reminder systems fail."""

    class Trigger(models.TextChoices):
        TASK = "task", _("Celery beat task")
        COMMAND = "command", _("Management command")

    trigger = models.CharField(max_length=10, choices=Trigger.choices)
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(db_index=True)
    credentials_scanned = models.PositiveIntegerField(default=0)
    statuses_changed = models.PositiveIntegerField(default=0)
    reminders_claimed = models.PositiveIntegerField(default=0)
    reminders_sent = models.PositiveIntegerField(
        default=0, help_text=_("Reminder emails written to the outbox.")
    )
    renewals_completed = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-finished_at"]
        get_latest_by = "finished_at"
        constraints = [
            models.CheckConstraint(
                condition=Q(finished_at__gte=F("started_at")),
                name="sweep_run_finishes_after_it_starts",
            )
        ]

    def __str__(self):
        return f"Sweep finished {self.finished_at:%Y-%m-%d %H:%M}"

    @property
    def duration(self):
        return self.finished_at - self.started_at


class SweepChunk(models.Model):
    """One id range of credentials of a fanned-out daily sweep (renewals.sweep.runs):
    the chunk tasks mark theirs done with its counts, and the task that finds every
    chunk of the run done records the SweepRun, once."""

    run_key = models.CharField(
        max_length=64, help_text=_("The run this chunk belongs to (the beat task's id).")
    )
    run_started_at = models.DateTimeField()
    first_id = models.PositiveBigIntegerField()
    last_id = models.PositiveBigIntegerField()
    plan = models.JSONField(help_text=_("What every chunk of the run shares (SweepPlan)."))
    counts = models.JSONField(default=dict, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    run_recorded = models.BooleanField(default=False)

    class Meta:
        ordering = ["run_started_at", "first_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["run_key", "first_id"], name="sweep_chunk_once_per_run"
            ),
            models.CheckConstraint(
                condition=Q(last_id__gte=F("first_id")), name="sweep_chunk_range_ordered"
            ),
        ]

    def __str__(self):
        return f"Sweep chunk {self.first_id}-{self.last_id} of {self.run_started_at:%Y-%m-%d}"


# Claims of credentials issued elsewhere live beside their rules (renewals/claims/services.py).
# SEU audits of submitted renewals live beside their rules (renewals/audits/services.py).
from .audits.models import SeuAudit, SeuAuditEvent, SeuAuditItem  # noqa: E402, F401
from .claims.models import CredentialClaim  # noqa: E402, F401

# Fees paid online through Stripe Checkout (renewals/payments/services.py).
from .payments.models import Payment, StripeEvent  # noqa: E402, F401

# Reminder kinds a practitioner turned off (renewals/reminders/notifications.py).
from .reminders.models import ReminderOptOut  # noqa: E402, F401
