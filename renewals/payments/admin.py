"""Online payments and Stripe's events in the admin, read-only: Stripe is their source
(refunds are made in Stripe's dashboard and arrive by the webhook)."""

from django.contrib import admin

from cspo_tracker.admin_scale import LargeTableAdmin

from .models import Payment, StripeEvent


class ReadOnlyAdmin(LargeTableAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Payment)
class PaymentAdmin(ReadOnlyAdmin):
    list_display = [
        "session_id",
        "renewal",
        "amount",
        "currency",
        "status",
        "paid_at",
        "refunded_at",
        "amount_refunded",
    ]
    list_filter = ["status", "currency"]
    search_fields = ["session_id", "payment_intent_id", "renewal__practitioner__user__email"]
    list_select_related = ["renewal__practitioner__user"]


@admin.register(StripeEvent)
class StripeEventAdmin(ReadOnlyAdmin):
    list_display = ["event_id", "type", "payment", "received_at"]
    list_filter = ["type"]
    search_fields = ["event_id"]
    list_select_related = ["payment"]
