"""SEU audits in the admin: read-only rows, since an audit changes only through
renewals/audits/services.py, where every step is an event."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import SeuAudit, SeuAuditEvent, SeuAuditItem


class _ReadOnlyAdmin(admin.ModelAdmin):
    """Audit rows change only through renewals.audits.services (every step is an event)."""

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
    # Evidence is private storage with no public URL (the staff audit page serves it):
    # the page names the file instead of linking it.
    exclude = ["evidence"]
    readonly_fields = ["evidence_file"]

    @admin.display(description=_("evidence"))
    def evidence_file(self, item):
        return item.evidence.name or "-"
