"""Claims in the admin: read-only rows; approving a claim goes through
renewals.claims.services (the credential is issued by the one issuing rule), rejecting
with a reason is on the staff claims page."""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import services as claims
from .models import CredentialClaim


@admin.register(CredentialClaim)
class CredentialClaimAdmin(admin.ModelAdmin):
    list_display = ("certificate_number", "program", "practitioner", "status", "submitted_at")
    list_filter = ("status", "program")
    search_fields = ("certificate_number", "practitioner__user__email")
    list_select_related = ("program", "practitioner__user")
    # Evidence is private storage with no public URL (the staff claim page serves it):
    # the change page names the file instead of linking it.
    exclude = ["evidence"]
    readonly_fields = [
        *(f.name for f in CredentialClaim._meta.fields if f.name != "evidence"),
        "evidence_file",
    ]
    actions = ["approve_selected"]

    def has_add_permission(self, request):
        return False

    @admin.display(description=_("evidence"))
    def evidence_file(self, claim):
        return claim.evidence.name or "-"

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Approve the selected claims (issue their credentials)"))
    def approve_selected(self, request, queryset):
        approved = 0
        for claim in queryset:
            try:
                claims.approve_claim(claim=claim, by=request.user)
                approved += 1
            except ValidationError as exc:
                self.message_user(
                    request,
                    _("%(number)s: %(reasons)s")
                    % {"number": claim.certificate_number, "reasons": " ".join(exc.messages)},
                    messages.ERROR,
                )
        if approved:
            self.message_user(
                request,
                ngettext("%(count)s claim approved.", "%(count)s claims approved.", approved)
                % {"count": approved},
                messages.SUCCESS,
            )
