"""The renewal fee paid online: one row per Stripe Checkout Session started for a
renewal, and one row per Stripe event handled (docs/payments.md)."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Payment(models.Model):
    """A Checkout Session for a renewal's fee and what Stripe said about it. The amount
    and currency are the renewal's (snapshotted from the Program), never the browser's.
    Paid and refunded are facts kept in their own columns, so events arriving in any
    order settle on one status (renewals.payments.services.settled_status)."""

    class Status(models.TextChoices):
        OPEN = "open", _("Waiting for payment")
        PROCESSING = "processing", _("Processing")
        PAID = "paid", _("Paid")
        FAILED = "failed", _("Failed")
        EXPIRED = "expired", _("Expired")
        REFUNDED = "refunded", _("Refunded")

    renewal = models.ForeignKey(
        "renewals.Renewal", on_delete=models.CASCADE, related_name="payments"
    )
    reference = models.CharField(
        max_length=64,
        unique=True,
        help_text=_("Ours, in the session's and the PaymentIntent's metadata (cspo_payment)."),
    )
    session_id = models.CharField(max_length=255, unique=True)
    checkout_url = models.URLField(max_length=2000)
    amount = models.DecimalField(max_digits=8, decimal_places=2)
    currency = models.CharField(max_length=3)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    expires_at = models.DateTimeField()
    payment_intent_id = models.CharField(max_length=255, blank=True, db_index=True)
    receipt_url = models.URLField(max_length=2000, blank=True)
    paid_at = models.DateTimeField(null=True, blank=True)
    failed_at = models.DateTimeField(null=True, blank=True)
    refunded_at = models.DateTimeField(null=True, blank=True)
    amount_refunded = models.DecimalField(max_digits=8, decimal_places=2, default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            # One session to pay at a time: starting again first closes the old one.
            models.UniqueConstraint(
                fields=["renewal"],
                condition=Q(status__in=["open", "processing"]),
                name="payment_one_open_per_renewal",
            ),
            models.CheckConstraint(
                condition=Q(amount__gt=0, amount_refunded__gte=0), name="payment_amounts_valid"
            ),
        ]
        indexes = [
            # The report of fees received per month reads payments by the day they were paid.
            models.Index(
                fields=["paid_at"], condition=Q(paid_at__isnull=False), name="payment_paid_at"
            ),
        ]

    def __str__(self):
        return f"Payment {self.session_id} for renewal #{self.renewal_id}"


class StripeEvent(models.Model):
    """A Stripe event handled: the unique id makes each event count at most once, however
    often Stripe delivers it."""

    event_id = models.CharField(max_length=255, unique=True)
    type = models.CharField(max_length=100)
    payment = models.ForeignKey(
        Payment, on_delete=models.SET_NULL, null=True, blank=True, related_name="events"
    )
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["received_at", "pk"]

    def __str__(self):
        return f"{self.type} {self.event_id}"
