from auditlog.mixins import AuditlogHistoryAdminMixin
from django.contrib import admin

from cspo_tracker.admin_scale import LargeTableAdmin

from .audits import admin as audits_admin  # noqa: F401  (registers the SEU audit admins)
from .claims import admin as claims_admin  # noqa: F401  (registers the claim admin)
from .models import Reminder, ReminderOffset, Renewal, RenewalCycle, SweepChunk, SweepRun
from .payments import admin as payments_admin  # noqa: F401  (online payments, read-only)
from .reminders.models import ReminderOptOut, UsedUnsubscribeLink


@admin.register(RenewalCycle)
class RenewalCycleAdmin(LargeTableAdmin):
    list_display = [
        "credential",
        "window_starts_on",
        "ends_on",
        "seus_required",
        "fee_amount",
        "status",
        "completed_at",
    ]
    list_filter = ["status", "credential__program", "ends_on"]
    search_fields = ["credential__certificate_number", "credential__holder__user__email"]
    list_select_related = ["credential__program"]
    raw_id_fields = ["credential", "renewal"]


@admin.register(Renewal)
class RenewalAdmin(AuditlogHistoryAdminMixin, LargeTableAdmin):
    show_auditlog_history_link = True  # the change history (audit log) per row
    list_display = [
        "pk",
        "practitioner",
        "status",
        "seus_required",
        "fee_amount",
        "fee_currency",
        "fee_status",
        "payment_reference",
        "submitted_at",
    ]
    list_filter = ["status", "fee_status"]
    search_fields = ["practitioner__user__email", "payment_reference"]
    list_select_related = ["practitioner__user"]
    raw_id_fields = ["practitioner", "fee_reviewed_by", "approved_by"]


@admin.register(ReminderOffset)
class ReminderOffsetAdmin(admin.ModelAdmin):
    list_display = ["code", "days_before_expiry", "is_optional", "is_active"]
    list_filter = ["is_optional", "is_active"]

    def get_readonly_fields(self, request, obj=None):
        """The expiry-day reminder is always sent (a constraint holds it too): its day,
        optionality and active flag cannot be changed here."""
        if obj is not None and obj.is_expiry_day:
            return ["days_before_expiry", "is_optional", "is_active"]
        return []

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.is_expiry_day:
            return False
        return super().has_delete_permission(request, obj)


@admin.register(Reminder)
class ReminderAdmin(LargeTableAdmin):
    list_display = ["cycle", "offset", "due_on", "status", "attempts", "sent_at"]
    list_filter = ["status", "offset", "due_on"]
    search_fields = [
        "cycle__credential__certificate_number",
        "cycle__credential__holder__user__email",
    ]
    list_select_related = ["cycle__credential__program", "offset"]
    raw_id_fields = ["cycle"]


@admin.register(SweepRun)
class SweepRunAdmin(admin.ModelAdmin):
    """Completed daily sweeps, read-only: written by the sweep itself (renewals/sweep/runs.py)."""

    list_display = [
        "finished_at",
        "trigger",
        "duration",
        "credentials_scanned",
        "statuses_changed",
        "reminders_claimed",
        "reminders_sent",
        "renewals_completed",
    ]
    list_filter = ["trigger"]
    date_hierarchy = "finished_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(SweepChunk)
class SweepChunkAdmin(admin.ModelAdmin):
    """The id-range chunks of fanned-out sweeps (a week of them), read-only: which ones
    a run is still waiting for (renewals/sweep/runs.py)."""

    list_display = ["run_started_at", "first_id", "last_id", "finished_at", "run_recorded"]
    list_filter = ["run_recorded"]
    search_fields = ["run_key"]
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ReminderOptOut)
class ReminderOptOutAdmin(admin.ModelAdmin):
    list_display = ("practitioner", "offset", "created_at")
    list_filter = ("offset",)
    search_fields = ("practitioner__user__email",)
    list_select_related = ("practitioner__user", "offset")


@admin.register(UsedUnsubscribeLink)
class UsedUnsubscribeLinkAdmin(admin.ModelAdmin):
    """Unsubscribe links already used: each works once (renewals/reminders/services.py)."""

    list_display = ("practitioner", "used_at")
    search_fields = ("practitioner__user__email",)
    list_select_related = ("practitioner__user",)
    readonly_fields = ("nonce", "practitioner", "used_at")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
