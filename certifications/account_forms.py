"""Invitation acceptance asks the name: the invited person sets a password from the link
(certifications.courses.services.enqueue_invitation). Sign-up's name fields: names.SignupNameForm
(allauth imports that one while building its own forms, so it may not import them)."""

from allauth.account.forms import LoginForm as AllauthLoginForm
from allauth.account.forms import ResetPasswordKeyForm
from django.utils.translation import gettext as _

from .names import NameFields, has_name, save_name, validate_printable


class AcceptInvitationForm(ResetPasswordKeyForm):
    """Setting a password from a link also asks for the name when the account has never
    been used (an invitation: prefilled with what the trainer or import gave, so it can be
    corrected) or has no name yet; required when there is none. A returning user
    resetting a password is not asked."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = self.user
        self.asks_name = user is not None and (user.last_login is None or not has_name(user))
        if not self.asks_name:
            return
        for name, field in NameFields.base_fields.items():
            field = field.__class__(
                label=field.label,
                max_length=field.max_length,
                validators=[validate_printable],
                widget=field.widget.__class__(attrs=dict(field.widget.attrs)),
                help_text=field.help_text,
                required=not has_name(user),
                initial=getattr(user, name),
            )
            self.fields[name] = field
        self.order_fields(["first_name", "last_name", "password1", "password2"])

    def clean(self):
        cleaned = super().clean()
        if self.asks_name:
            required = (
                ("first_name", _("Enter your first name.")),
                ("last_name", _("Enter your last name.")),
            )
            for name, message in required:
                value = " ".join((cleaned.get(name) or "").split())
                if not value and not getattr(self.user, name).strip():
                    self.add_error(name, message)
                cleaned[name] = value or getattr(self.user, name)
        return cleaned

    def save(self):
        if self.asks_name:
            save_name(
                self.user,
                first_name=self.cleaned_data["first_name"],
                last_name=self.cleaned_data["last_name"],
            )
        return super().save()


class LoginForm(AllauthLoginForm):
    """allauth's login form with its labels in the product's sentence case."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "remember" in self.fields:
            self.fields["remember"].label = _("Remember me")
