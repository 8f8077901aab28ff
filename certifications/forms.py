"""Forms for the practitioner's own pages."""

from django import forms

from .models import time_zone_names


def _time_zone_choices():
    return [(name, name.replace("_", " ")) for name in sorted(time_zone_names())]


class ProfileForm(forms.Form):
    first_name = forms.CharField(max_length=150, required=False)
    last_name = forms.CharField(max_length=150, required=False)
    time_zone = forms.ChoiceField(
        choices=_time_zone_choices,
        help_text="Dates, deadlines and days left are counted in this time zone.",
    )
    optional_reminders = forms.BooleanField(
        required=False,
        label="Email me the optional renewal reminders",
        help_text="The notice on the day your credential expires is always sent.",
    )
