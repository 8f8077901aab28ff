"""Forms for the practitioner's own pages."""

from django import forms

from .models import time_zone_names
from .names import NameFields


def _time_zone_choices():
    return [(name, name.replace("_", " ")) for name in sorted(time_zone_names())]


class ProfileForm(forms.Form):
    first_name = NameFields.base_fields["first_name"]
    last_name = NameFields.base_fields["last_name"]
    clean_first_name = NameFields.clean_first_name
    clean_last_name = NameFields.clean_last_name
    time_zone = forms.ChoiceField(
        choices=_time_zone_choices,
        help_text="Dates, deadlines and days left are counted in this time zone.",
    )
    optional_reminders = forms.BooleanField(
        required=False,
        label="Email me the optional renewal reminders",
        help_text="The notice on the day your credential expires is always sent.",
    )
