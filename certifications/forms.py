"""Forms for the practitioner's own pages."""

from django import forms

from .names import NameFields
from .time_zones import time_zone_choices


class ProfileForm(forms.Form):
    first_name = NameFields.base_fields["first_name"]
    last_name = NameFields.base_fields["last_name"]
    clean_first_name = NameFields.clean_first_name
    clean_last_name = NameFields.clean_last_name
    time_zone = forms.ChoiceField(
        choices=time_zone_choices,
        help_text="Dates, deadlines and days left are counted in this time zone.",
    )
    optional_reminders = forms.BooleanField(
        required=False,
        label="Email me the optional renewal reminders",
        help_text="The notice on the day your credential expires is always sent.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Real places only, plus the zone already saved if it is an older alias.
        self.fields["time_zone"].choices = time_zone_choices(self.initial.get("time_zone"))
