"""The form of the token page; the rules (name, scopes, future expiry) live in
api/tokens.py."""

from datetime import datetime, time

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .scopes import SCOPE_CHOICES


class TokenForm(forms.Form):
    name = forms.CharField(
        label=_("Name"), max_length=100, help_text=_("What uses it, e.g. “LMS sync”.")
    )
    scopes = forms.MultipleChoiceField(
        label=_("Scopes"),
        choices=SCOPE_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    expires_on = forms.DateField(
        label=_("Expires on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Optional: the token stops working at the start of this day (UTC)."),
    )

    def __init__(self, *args, scope_choices=SCOPE_CHOICES, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["scopes"].choices = scope_choices

    def expires_at(self):
        day = self.cleaned_data.get("expires_on")
        if day is None:
            return None
        return timezone.make_aware(datetime.combine(day, time.min), timezone.UTC)
