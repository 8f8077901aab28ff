"""Forms of the staff review pages: they parse input; the rules live in the renewals
services."""

from django import forms
from django.utils.translation import gettext_lazy as _


class ReasonForm(forms.Form):
    """Why staff refuse a fee or a claim: the holder reads it in the email."""

    reason = forms.CharField(
        max_length=1000, widget=forms.Textarea(attrs={"rows": 2}), label=_("Reason")
    )
