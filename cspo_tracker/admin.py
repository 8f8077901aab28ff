from django.contrib import admin, messages
from django.utils.translation import gettext_lazy, ngettext

from . import publishing
from .admin_scale import LargeTableAdmin
from .outbox import services as outbox
from .outbox.models import OutboundEmail, Suppression, TrackingEvent
from .privacy import erasure
from .privacy.models import PrunedRows, Retirement


@admin.register(OutboundEmail)
class OutboundEmailAdmin(LargeTableAdmin):
    """Every email the app sent or will send; read-only, with a 'send again' action for
    the ones that failed."""

    list_display = ["created_at", "template", "to", "subject", "status", "attempts", "sent_at"]
    list_filter = ["status", "template"]
    search_fields = ["to", "subject", "key"]
    readonly_fields = [f.name for f in OutboundEmail._meta.fields]
    actions = ["send_again"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.action(description=gettext_lazy("Send the selected failed emails again"))
    def send_again(self, request, queryset):
        failed = list(
            queryset.filter(status__in=[OutboundEmail.Status.FAILED, OutboundEmail.Status.HELD])
        )
        for email in failed:
            outbox.retry(email)
        messages.success(
            request,
            ngettext(
                "%(count)s failed email will be sent again.",
                "%(count)s failed emails will be sent again.",
                len(failed),
            )
            % {"count": len(failed)},
        )


@admin.register(Suppression)
class SuppressionAdmin(admin.ModelAdmin):
    """Addresses the mail provider reported as bouncing or complaining; lift one on the
    staff page /staff/emails/addresses/, which also sends what was held for it."""

    list_display = ["address", "reason", "created_at"]
    list_filter = ["reason"]
    search_fields = ["address"]
    readonly_fields = ["address", "reason", "description", "created_at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(TrackingEvent)
class TrackingEventAdmin(admin.ModelAdmin):
    """Every bounce and complaint received, once per provider event."""

    list_display = ["received_at", "kind", "address", "esp", "message_id"]
    list_filter = ["kind", "esp"]
    search_fields = ["address", "message_id"]
    readonly_fields = [f.name for f in TrackingEvent._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(PrunedRows)
class PrunedRowsAdmin(admin.ModelAdmin):
    """What each retention rule pruned (cspo_tracker/privacy/retention.py); read-only."""

    list_display = ["kind", "total", "last_count", "left_over", "last_run_at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Retirement)
class RetirementAdmin(admin.ModelAdmin):
    """Account erasures and how far each got; read-only, with the remaining steps run
    again on request. The addresses and names a running erasure looks for stay hidden."""

    list_display = ["__str__", "state", "requested_at", "completed_at", "last_error"]
    list_filter = ["state"]
    fields = ["user", "state", "requested_at", "completed_at", "steps_done", "last_error"]
    readonly_fields = fields
    actions = ["run_again"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(
        description=gettext_lazy("Run the remaining steps of the selected erasures again")
    )
    def run_again(self, request, queryset):
        unfinished = list(
            queryset.filter(state=Retirement.State.ERASING).values_list("pk", flat=True)
        )
        publishing.publish(erasure.TASK, unfinished)
        messages.success(
            request,
            ngettext(
                "%(count)s erasure will run its remaining steps.",
                "%(count)s erasures will run their remaining steps.",
                len(unfinished),
            )
            % {"count": len(unfinished)},
        )
