"""Staff make organisation tokens (for an SEU provider) here: the secret is shown once,
in the confirmation message. Personal tokens are listed and can be revoked, never read."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from certifications.models import Organisation

from . import tokens
from .models import ApiToken, IdempotentRequest
from .scopes import SCOPE_CHOICES


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "contact_email", "is_active", "created_at"]
    search_fields = ["name", "slug", "contact_email"]
    prepopulated_fields = {"slug": ["name"]}


class OrganisationTokenForm(forms.ModelForm):
    scopes = forms.MultipleChoiceField(choices=SCOPE_CHOICES, widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = ApiToken
        fields = ["organisation", "name", "scopes", "expires_at"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].required = True

    def clean(self):
        data = super().clean()
        try:
            tokens.check_token_fields(
                name=data.get("name") or "",
                scopes=data.get("scopes") or [],
                expires_at=data.get("expires_at"),
            )
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                self.add_error(field, errors)
        return data


@admin.action(description=gettext_lazy("Revoke the selected tokens"))
def revoke(modeladmin, request, queryset):
    for token in queryset:
        tokens.revoke_token(token=token)


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "prefix",
        "user",
        "organisation",
        "expires_at",
        "last_used_at",
        "revoked_at",
    ]
    list_filter = ["organisation"]
    search_fields = ["name", "prefix", "user__email", "organisation__name"]
    list_select_related = ["user", "organisation"]
    actions = [revoke]
    readonly_fields = [
        "user",
        "organisation",
        "name",
        "prefix",
        "scopes",
        "expires_at",
        "last_used_at",
        "revoked_at",
        "created_by",
        "created_at",
    ]
    exclude = ["digest"]

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = OrganisationTokenForm
        return super().get_form(request, obj, change, **kwargs)

    def get_readonly_fields(self, request, obj=None):
        return self.readonly_fields if obj else []

    def get_exclude(self, request, obj=None):
        return ["digest"]

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["organisation", "name", "scopes", "expires_at"]
        return self.readonly_fields

    def save_model(self, request, obj, form, change):
        if change:
            return
        new = tokens.create_token(
            organisation=form.cleaned_data["organisation"],
            name=form.cleaned_data["name"],
            scopes=form.cleaned_data["scopes"],
            expires_at=form.cleaned_data.get("expires_at"),
            by=request.user,
        )
        obj.pk = new.token.pk
        messages.warning(
            request,
            _(
                "Organisation token “%(name)s” for %(organisation)s: %(secret)s "
                "— copy it now; it is shown only once."
            )
            % {
                "name": new.token.name,
                "organisation": new.token.organisation,
                "secret": new.secret,
            },
        )

    def has_change_permission(self, request, obj=None):
        return obj is None and super().has_change_permission(request, obj)

    def log_addition(self, request, obj, message):
        return None


@admin.register(IdempotentRequest)
class IdempotentRequestAdmin(admin.ModelAdmin):
    list_display = ["owner", "key", "method", "path", "status_code", "created_at"]
    search_fields = ["owner", "key"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
