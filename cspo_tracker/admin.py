from django.contrib import admin, messages

from . import outbox
from .admin_scale import LargeTableAdmin
from .models import OutboundEmail


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

    @admin.action(description="Send the selected failed emails again")
    def send_again(self, request, queryset):
        failed = list(queryset.filter(status=OutboundEmail.Status.FAILED))
        for email in failed:
            outbox.retry(email)
        messages.success(request, f"{len(failed)} failed email(s) will be sent again.")
