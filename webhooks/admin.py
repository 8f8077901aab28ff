"""Staff see every webhook, event and delivery. Subscriptions are made on the Webhooks
page or through the API (where the SSRF rules are checked), not here; staff may turn
one off or on, change its events, or delete it."""

from django.contrib import admin
from django.utils import timezone
from django.utils.translation import gettext

from .models import (
    DeliveryAttempt,
    OrganisationConsent,
    WebhookDelivery,
    WebhookEvent,
    WebhookSubscription,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(WebhookSubscription)
class WebhookSubscriptionAdmin(admin.ModelAdmin):
    list_display = ["url", "owner", "organisation", "scope", "active", "failing_since"]
    list_filter = ["active", "scope"]
    search_fields = ["url", "owner__email", "organisation__name"]
    list_select_related = ["owner", "organisation"]
    exclude = ["secret"]  # shown once to its owner, never again
    readonly_fields = [
        "url",
        "owner",
        "organisation",
        "scope",
        "failing_since",
        "disabled_at",
        "disabled_reason",
        "created_at",
    ]

    def has_add_permission(self, request):
        return False

    def save_model(self, request, obj, form, change):
        """Turning one off here records when, like the Webhooks page does."""
        if not obj.active and obj.disabled_at is None:
            obj.disabled_at, obj.disabled_reason = timezone.now(), gettext("Turned off by staff.")
        elif obj.active and obj.disabled_at is not None:  # turned on again
            obj.disabled_at, obj.disabled_reason, obj.failing_since = None, "", None
        super().save_model(request, obj, form, change)


@admin.register(WebhookEvent)
class WebhookEventAdmin(ReadOnlyAdmin):
    list_display = ["msg_id", "type", "created_at"]
    list_filter = ["type"]
    search_fields = ["msg_id"]


class AttemptInline(admin.TabularInline):
    model = DeliveryAttempt
    extra = 0
    can_delete = False
    fields = readonly_fields = ["attempted_at", "status_code", "error", "duration_ms"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(ReadOnlyAdmin):
    list_display = ["event", "subscription", "status", "attempts", "last_status_code"]
    list_filter = ["status"]
    search_fields = ["event__msg_id", "subscription__url"]
    list_select_related = ["event", "subscription"]
    inlines = [AttemptInline]


@admin.register(DeliveryAttempt)
class DeliveryAttemptAdmin(ReadOnlyAdmin):
    list_display = ["delivery", "attempted_at", "status_code", "error"]
    list_select_related = ["delivery__event", "delivery__subscription"]
    search_fields = ["delivery__event__msg_id", "error"]


@admin.register(OrganisationConsent)
class OrganisationConsentAdmin(ReadOnlyAdmin):
    """Given and withdrawn by the practitioner only (Profile -> Webhooks): staff read."""

    list_display = ["practitioner", "organisation", "given_at"]
    search_fields = ["practitioner__user__email", "organisation__name"]
    list_select_related = ["practitioner__user", "organisation"]
