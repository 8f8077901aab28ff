from crispy_forms.helper import FormHelper
from django import forms
from django.utils.translation import gettext_lazy as _

from certifications.models import User


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Search"), max_length=100, required=False)


class IdentityForm(forms.Form):
    """Staff correct a practitioner's name or email."""

    first_name = forms.CharField(max_length=User._meta.get_field("first_name").max_length)
    last_name = forms.CharField(
        max_length=User._meta.get_field("last_name").max_length, required=False
    )
    email = forms.EmailField(
        help_text=_("A new address gets a confirmation link; the old one stops signing in.")
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
