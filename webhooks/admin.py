from django.contrib import admin

from .models import DeliveryAttempt, WebhookDelivery, WebhookEvent, WebhookSubscription


@admin.register(WebhookSubscription)
class WebhookSubscriptionAdmin(admin.ModelAdmin):
    list_display = ["url", "owner", "scope", "active", "failing_since", "disabled_at"]
    list_filter = ["active", "scope"]
    search_fields = ["url", "owner__email"]
    exclude = ["secret"]  # shown once to its owner, never again
    readonly_fields = ["owner", "failing_since", "disabled_at", "disabled_reason", "created_at"]


@admin.register(WebhookEvent)
class WebhookEventAdmin(admin.ModelAdmin):
    list_display = ["msg_id", "type", "created_at"]
    list_filter = ["type"]
    search_fields = ["msg_id"]
    readonly_fields = ["msg_id", "type", "payload", "created_at"]


class AttemptInline(admin.TabularInline):
    model = DeliveryAttempt
    extra = 0
    can_delete = False
    readonly_fields = ["attempted_at", "status_code", "error", "duration_ms"]


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin):
    list_display = ["event", "subscription", "status", "attempts", "last_status_code"]
    list_filter = ["status"]
    search_fields = ["event__msg_id", "subscription__url"]
    list_select_related = ["event", "subscription"]
    inlines = [AttemptInline]
    readonly_fields = [
        "event",
        "subscription",
        "attempts",
        "last_status_code",
        "last_error",
        "delivered_at",
        "created_at",
    ]
