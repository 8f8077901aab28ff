from auditlog.mixins import AuditlogHistoryAdminMixin
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy

from cspo_tracker.admin_scale import LargeTableAdmin

from .models import (
    Attendance,
    AttendanceChange,
    Course,
    CourseSession,
    Credential,
    Enrollment,
    ImportJob,
    Practitioner,
    Program,
    SignedCredential,
    StatusList,
    Trainer,
    User,
    WalletNonce,
    WalletOffer,
)


@admin.register(User)
class UserAdmin(AuditlogHistoryAdminMixin, LargeTableAdmin, BaseUserAdmin):
    show_auditlog_history_link = True  # the change history (audit log) per row
    ordering = ["email"]
    list_display = ["email", "first_name", "last_name", "is_staff", "is_active", "date_joined"]
    list_filter = ["is_staff", "is_superuser", "is_active"]
    search_fields = ["email", "first_name", "last_name"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (gettext_lazy("Personal info"), {"fields": ("first_name", "last_name")}),
        (
            gettext_lazy("Permissions"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (gettext_lazy("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)


@admin.register(Program)
class ProgramAdmin(admin.ModelAdmin):
    list_display = [
        "code",
        "name",
        "level",
        "track",
        "validity_months",
        "seus_required",
        "seus_addon",
        "renewal_fee",
        "fee_currency",
        "grace_days",
        "is_active",
    ]
    list_filter = ["level", "track", "is_active", "issuing_body"]
    search_fields = ["code", "name"]


@admin.register(Practitioner)
class PractitionerAdmin(AuditlogHistoryAdminMixin, LargeTableAdmin):
    show_auditlog_history_link = True  # the change history (audit log) per row
    list_display = ["__str__", "email_address", "member_id", "time_zone", "optional_reminders"]
    list_filter = ["optional_reminders", "time_zone"]
    search_fields = ["user__email", "user__first_name", "user__last_name", "member_id"]
    list_select_related = ["user"]
    raw_id_fields = ["user"]
    exclude = ["calendar_token"]

    @admin.display(ordering="user__email", description=gettext_lazy("email"))
    def email_address(self, obj):
        return obj.user.email


@admin.register(Trainer)
class TrainerAdmin(AuditlogHistoryAdminMixin, admin.ModelAdmin):
    show_auditlog_history_link = True  # the change history (audit log) per row
    list_display = ["__str__", "user", "is_active"]
    list_filter = ["is_active", "programs"]
    search_fields = ["user__email", "user__first_name", "user__last_name"]
    list_select_related = ["user"]
    filter_horizontal = ["programs"]
    raw_id_fields = ["user"]


class CourseSessionInline(admin.TabularInline):
    model = CourseSession
    extra = 0


@admin.register(Course)
class CourseAdmin(AuditlogHistoryAdminMixin, admin.ModelAdmin):
    show_auditlog_history_link = True  # the change history (audit log) per row
    list_display = ["title", "program", "trainer", "starts_on", "ends_on", "is_online", "status"]
    list_filter = ["program", "status", "is_online", "starts_on"]
    search_fields = ["title", "location", "trainer__user__email", "trainer__user__last_name"]
    list_select_related = ["program", "trainer__user"]
    date_hierarchy = "starts_on"
    inlines = [CourseSessionInline]


@admin.register(CourseSession)
class CourseSessionAdmin(admin.ModelAdmin):
    list_display = ["course", "position", "held_on", "hours"]
    list_filter = ["held_on"]
    search_fields = ["course__title"]
    list_select_related = ["course"]


@admin.register(Enrollment)
class EnrollmentAdmin(AuditlogHistoryAdminMixin, LargeTableAdmin):
    show_auditlog_history_link = True  # the change history (audit log) per row
    list_display = ["practitioner", "course", "enrolled_at"]
    list_filter = ["course__program"]
    search_fields = ["practitioner__user__email", "course__title"]
    list_select_related = ["practitioner__user", "course"]
    raw_id_fields = ["practitioner", "course"]


@admin.register(Attendance)
class AttendanceAdmin(LargeTableAdmin):
    list_display = ["enrollment", "session", "hours_attended", "updated_at"]
    list_filter = ["session__course"]
    search_fields = ["enrollment__practitioner__user__email"]
    list_select_related = [
        "enrollment__practitioner__user",
        "enrollment__course",
        "session__course",
    ]
    raw_id_fields = ["enrollment", "session"]

    # Attendance is changed in the course's attendance grid, which keeps the audit trail.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(AttendanceChange)
class AttendanceChangeAdmin(LargeTableAdmin):
    list_display = ["changed_at", "changed_by", "enrollment", "session", "old_hours", "new_hours"]
    list_filter = ["session__course"]
    search_fields = ["enrollment__practitioner__user__email", "changed_by__email"]
    list_select_related = ["changed_by", "enrollment__practitioner__user", "session__course"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Credential)
class CredentialAdmin(AuditlogHistoryAdminMixin, LargeTableAdmin):
    show_auditlog_history_link = True  # the change history (audit log) per row
    """Searched by exact certificate number (any case) or holder email, both indexed;
    no date hierarchy (it scanned the table for distinct years), no full count."""

    list_display = ["certificate_number", "holder", "program", "issued_on", "expires_on", "status"]
    list_filter = ["program", "status", "expires_on"]
    search_fields = ["certificate_number", "holder__user__email"]
    search_help_text = gettext_lazy("An exact certificate number or holder email address.")
    list_select_related = ["holder__user", "program"]
    # The (expiry, id) index's order: a page is read from the index and stopped.
    ordering = ["expires_on", "pk"]
    raw_id_fields = ["holder", "course"]
    # Revocation goes through its service (status lists, audit): /staff/credentials/<no>/revoke/.
    readonly_fields = ["revoked_at", "revoked_reason", "revoked_by"]

    def get_search_results(self, request, queryset, search_term):
        """A certificate number exactly (any case); an email address as every large
        changelist looks it up (LargeTableAdmin)."""
        term = search_term.strip()
        if term and "@" not in term:
            return queryset.filter(certificate_number=term.upper()), False
        return super().get_search_results(request, queryset, search_term)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Signed documents are made only by their services (signatures, status bits)."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(SignedCredential)
class SignedCredentialAdmin(ReadOnlyAdmin):
    list_display = ["credential", "valid_from", "valid_until", "created_at"]
    search_fields = ["credential__certificate_number"]
    list_select_related = ["credential__program"]


@admin.register(StatusList)
class StatusListAdmin(ReadOnlyAdmin):
    list_display = ["purpose", "number", "signed_at"]


@admin.register(ImportJob)
class ImportJobAdmin(admin.ModelAdmin):
    """Staff import jobs, read only: they are made by uploading (the import pages)."""

    list_display = ("pk", "kind", "file_name", "dry_run", "status", "created_by", "created_at")
    list_filter = ("kind", "status", "dry_run")
    search_fields = ("file_name", "created_by__email")
    list_select_related = ("created_by",)
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(WalletOffer)
class WalletOfferAdmin(ReadOnlyAdmin):
    """Offers to wallets, read only: the holder makes them and the wallet spends them.
    Only hashes of the code and token are stored, so nothing here can be replayed."""

    list_display = ("pk", "credential", "created_at", "expires_at", "redeemed_at", "issued_at")
    list_filter = ("issued_at",)
    search_fields = ("credential__certificate_number", "holder_did")
    list_select_related = ("credential",)
    exclude = ("code_hash", "token_hash")
    show_full_result_count = False


@admin.register(WalletNonce)
class WalletNonceAdmin(ReadOnlyAdmin):
    """Spent c_nonces (hashes), kept until they would have expired."""

    list_display = ("pk", "expires_at")
    search_fields = ("value_hash",)
    show_full_result_count = False
