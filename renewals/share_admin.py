"""Claims and SEU audits in the admin: read-only rows; approving a claim goes through
renewals.claims (the credential is issued by the one issuing rule), rejecting with a
reason is on the staff claims page; audits change only through renewals.audits."""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError

from . import claims
from .audit_models import SeuAudit, SeuAuditEvent, SeuAuditItem
from .claim_models import CredentialClaim
from .notification_models import ReminderOptOut


@admin.register(CredentialClaim)
class CredentialClaimAdmin(admin.ModelAdmin):
    list_display = ("certificate_number", "program", "practitioner", "status", "submitted_at")
    list_filter = ("status", "program")
    search_fields = ("certificate_number", "practitioner__user__email")
    list_select_related = ("program", "practitioner__user")
    readonly_fields = [f.name for f in CredentialClaim._meta.fields]
    actions = ["approve_selected"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description="Approve the selected claims (issue their credentials)")
    def approve_selected(self, request, queryset):
        approved = 0
        for claim in queryset:
            try:
                claims.approve_claim(claim=claim, by=request.user)
                approved += 1
            except ValidationError as exc:
                self.message_user(
                    request, f"{claim.certificate_number}: {' '.join(exc.messages)}", messages.ERROR
                )
        if approved:
            self.message_user(request, f"{approved} claim(s) approved.", messages.SUCCESS)


class _ReadOnlyAdmin(admin.ModelAdmin):
    """Audit rows change only through renewals.audits (every step is an event)."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class SeuAuditItemInline(admin.TabularInline):
    model = SeuAuditItem
    extra = 0
    fields = ("entry", "status", "reason", "evidence_sent_at", "decided_by", "decided_at")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(SeuAudit)
class SeuAuditAdmin(_ReadOnlyAdmin):
    list_display = ("renewal", "status", "selection", "selected_by", "selected_at", "closed_at")
    list_filter = ("status", "selection")
    search_fields = ("renewal__practitioner__user__email",)
    list_select_related = ("renewal__practitioner__user", "selected_by")
    inlines = [SeuAuditItemInline]


@admin.register(SeuAuditEvent)
class SeuAuditEventAdmin(_ReadOnlyAdmin):
    list_display = ("at", "audit", "action", "actor", "detail")
    list_filter = ("action",)
    search_fields = ("detail", "actor__email")
    list_select_related = ("audit", "actor")


@admin.register(SeuAuditItem)
class SeuAuditItemAdmin(_ReadOnlyAdmin):
    list_display = ("entry", "audit", "status", "decided_by", "decided_at")
    list_filter = ("status",)
    search_fields = ("entry__activity", "reason")
    list_select_related = ("entry", "audit", "decided_by")


@admin.register(ReminderOptOut)
class ReminderOptOutAdmin(admin.ModelAdmin):
    list_display = ("practitioner", "offset", "created_at")
    list_filter = ("offset",)
    search_fields = ("practitioner__user__email",)
    list_select_related = ("practitioner__user", "offset")
