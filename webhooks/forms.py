"""The webhook form. It parses input; the rules (SSRF, events, scope) live in
webhooks/services.py and webhooks/guard.py."""

from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from .models import EVENT_TYPES, WebhookSubscription


class SubscriptionForm(forms.Form):
    url = forms.CharField(
        label=_("Endpoint URL"),
        max_length=2000,
        widget=forms.URLInput(attrs={"placeholder": "https://example.com/webhooks/cspo"}),
        help_text=_("An https:// address on the public internet. Redirects are not followed."),
    )
    events = forms.MultipleChoiceField(
        # format_lazy: the label is read in each request's language, not at import.
        choices=[(name, format_lazy("{} — {}", name, label)) for name, label in EVENT_TYPES],
        label=_("Events"),
        widget=forms.CheckboxSelectMultiple,
        initial=[name for name, _label in EVENT_TYPES],
    )
    scope = forms.ChoiceField(
        label=_("Whose events"),
        choices=WebhookSubscription.Scope.choices,
        initial=WebhookSubscription.Scope.OWN,
    )
    description = forms.CharField(max_length=200, required=False, label=_("Description"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        if not user.is_staff:
            del self.fields["scope"]  # only staff subscribe to every practitioner's events
