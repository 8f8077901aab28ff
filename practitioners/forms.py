"""Forms for the practitioner's own pages."""

from allauth.account.forms import ReauthenticateForm
from allauth.mfa.base.forms import ReauthenticateForm as MfaReauthenticateForm
from allauth.mfa.utils import is_mfa_enabled
from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from certifications.names import NameFields
from certifications.time_zones import time_zone_choices


class ProfileForm(forms.Form):
    first_name = NameFields.base_fields["first_name"]
    last_name = NameFields.base_fields["last_name"]
    clean_first_name = NameFields.clean_first_name
    clean_last_name = NameFields.clean_last_name
    time_zone = forms.ChoiceField(
        label=_("Time zone"),
        choices=time_zone_choices,
        help_text=_("Dates, deadlines and days left are counted in this time zone."),
    )
    language = forms.ChoiceField(
        label=_("Language"),
        required=False,
        choices=[("", _("As my browser asks")), *settings.LANGUAGES],
        help_text=_("Pages and the emails we send you are written in this language."),
    )
    optional_reminders = forms.BooleanField(
        required=False,
        label=_("Email me the optional renewal reminders"),
        help_text=_("The notice on the day your credential expires is always sent."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Real places only, plus the zone already saved if it is an older alias.
        self.fields["time_zone"].choices = time_zone_choices(self.initial.get("time_zone"))


class EraseAccountForm(forms.Form):
    """The practitioner confirms an erasure as they sign in: their password, and a code
    from their second factor when they have one (allauth checks both, with its rate
    limits and django-axes' lock-out)."""

    password = forms.CharField(
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        label=_("Your password"),
    )
    code = forms.CharField(
        required=False,
        label=_("Code from your authenticator app, or a recovery code"),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code"}),
    )
    understood = forms.BooleanField(
        label=_(
            "I understand that my account and personal data are erased for good, "
            "and that this cannot be undone."
        ),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.has_second_factor = is_mfa_enabled(user)
        if self.has_second_factor:
            self.fields["code"].required = True
        else:
            del self.fields["code"]

    def clean_password(self):
        password = self.cleaned_data["password"]
        check = ReauthenticateForm(user=self.user, data={"password": password})
        if not check.is_valid():
            raise forms.ValidationError(check.errors["password"])
        return password

    def clean_code(self):
        code = self.cleaned_data["code"]
        check = MfaReauthenticateForm(user=self.user, data={"code": code})
        if not check.is_valid():
            raise forms.ValidationError(check.errors["code"])
        return code
