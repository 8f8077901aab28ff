"""Reads for fees paid online: a renewal's payments, and the fees received per month."""

from django.db.models import Count, Prefetch, Sum
from django.db.models.functions import TruncMonth

from .models import Payment


def payments_of(renewal):
    """A renewal's Checkout Sessions, oldest first, as the holder and staff see them."""
    return Payment.objects.filter(renewal=renewal).order_by("created_at", "pk")


def fees_per_month(*, start, end):
    """Per month and currency in [start, end], by the day Stripe took the payment: how
    many, the amount received, the amount refunded since. One grouped query."""
    return (
        Payment.objects.filter(paid_at__date__gte=start, paid_at__date__lte=end)
        .annotate(month=TruncMonth("paid_at"))
        .values("month", "currency")
        .annotate(payments=Count("pk"), received=Sum("amount"), refunded=Sum("amount_refunded"))
        .order_by("month", "currency")
    )


def payments_prefetch():
    """For a list of renewals: each one's payments in one more query."""
    return Prefetch("payments", queryset=Payment.objects.order_by("created_at", "pk"))
