"""Forms for the practitioner's own pages."""

import zoneinfo

from django import forms


def _time_zone_choices():
    return [(name, name.replace("_", " ")) for name in sorted(zoneinfo.available_timezones())]


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
