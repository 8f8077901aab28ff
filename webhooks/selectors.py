"""Reads for the webhook pages and the API: fixed query counts."""

from django.db.models import Count, Prefetch, Q

from .models import DeliveryAttempt, WebhookDelivery, WebhookSubscription


def manageable_by(user):
    """The subscriptions `user` manages: their own, and organisation ones for staff."""
    mine = Q(owner=user)
    if user.is_staff:
        mine |= Q(scope=WebhookSubscription.Scope.ORGANISATION)
    return WebhookSubscription.objects.filter(mine).select_related("owner")


def subscriptions_for(user):
    return manageable_by(user).annotate(
        pending=Count("deliveries", filter=Q(deliveries__status="pending")),
        failed=Count("deliveries", filter=Q(deliveries__status="failed")),
    )


def deliveries_for(subscription, *, limit=50):
    """The latest deliveries with their event and attempt log (two queries)."""
    return list(
        WebhookDelivery.objects.filter(subscription=subscription)
        .select_related("event")
        .prefetch_related(
            Prefetch("attempt_log", queryset=DeliveryAttempt.objects.order_by("attempted_at", "pk"))
        )
        .order_by("-created_at", "-pk")[:limit]
    )
