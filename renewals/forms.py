from django import forms
from django.utils.translation import gettext_lazy as _

from cspo_tracker.formats import day

from .selectors import renewable_credentials


class CredentialChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return _("%(program)s (%(code)s) · %(number)s · expires %(day)s") % {
            "program": obj.program.name,
            "code": obj.program.code,
            "number": obj.certificate_number,
            "day": day(obj.expires_on),
        }


class RenewalForm(forms.Form):
    """Choose the credentials to renew together and record the fee's payment reference.
    With `preview` the reference is optional: the page only shows what the selection needs.
    With `online` (Stripe configured) it is optional too: without one the fee is paid by
    card next; with one it is an invoice or bank transfer staff confirm."""

    credentials = CredentialChoiceField(
        label=_("Credentials"),
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Renewing several together costs one fee; lower credentials in a "
            "selected track are renewed with it."
        ),
        error_messages={"required": _("Choose at least one credential to renew.")},
    )
    payment_reference = forms.CharField(
        label=_("Payment reference"),
        max_length=100,
        help_text=_(
            "The reference of your payment of the fee shown above (receipt or "
            "transaction number). Staff confirm it."
        ),
    )

    def __init__(self, *args, practitioner, preview=False, today=None, online=False, **kwargs):
        super().__init__(*args, **kwargs)
        renewable = renewable_credentials(practitioner)
        self.not_open_yet = []
        if today is not None:
            # Offer only what the server accepts today: renewal opens some days after issue.
            candidates = list(renewable)
            self.not_open_yet = [c for c in candidates if today < c.renewal_opens_on]
            renewable = renewable.exclude(pk__in=[c.pk for c in self.not_open_yet])
        self.fields["credentials"].queryset = renewable
        if preview or online:
            self.fields["payment_reference"].required = False
        if online:
            self.fields["payment_reference"].label = _("Paid by invoice or bank transfer?")
            self.fields["payment_reference"].help_text = _(
                "Leave this empty to pay the fee shown above by card on Stripe's secure "
                "page next. Paying by invoice or bank transfer, or your organisation "
                "pays? Enter the payment's reference instead: staff confirm it."
            )
