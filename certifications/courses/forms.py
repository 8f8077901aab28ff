"""Forms for courses, rosters and imports (trainers and staff)."""

from decimal import Decimal

from crispy_forms.helper import FormHelper
from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..models import Course, Program
from ..selectors import trainers_for

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class CourseForm(forms.ModelForm):
    class Meta:
        model = Course
        fields = [
            "program",
            "trainer",
            "title",
            "starts_on",
            "ends_on",
            "is_online",
            "location",
            "capacity",
        ]
        widgets = {"starts_on": DATE_INPUT, "ends_on": DATE_INPUT}
        labels = {
            "program": gettext_lazy("Program"),
            "trainer": gettext_lazy("Trainer"),
            "title": gettext_lazy("Title"),
            "starts_on": gettext_lazy("Starts on"),
            "ends_on": gettext_lazy("Ends on"),
            "is_online": gettext_lazy("Live online"),
            "location": gettext_lazy("Location (city, venue or platform)"),
        }

    capacity = forms.IntegerField(
        label=gettext_lazy("Capacity"), min_value=1, max_value=32767, initial=30
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["program"].queryset = Program.objects.filter(is_active=True)
        self.fields["trainer"].queryset = trainers_for(user)
        self.fields["trainer"].label = _("Trainer (Certified Scrum Trainer)")
        if not user.is_staff:
            self.fields["trainer"].initial = self.fields["trainer"].queryset.first()
        if self.instance.pk:
            # A course's program is fixed once it exists: its sessions and credentials follow it.
            self.fields["program"].disabled = True
        self.helper = FormHelper()
        self.helper.form_tag = False

    def clean(self):
        cleaned = super().clean()
        starts_on, ends_on = cleaned.get("starts_on"), cleaned.get("ends_on")
        if starts_on and ends_on and ends_on < starts_on:
            self.add_error("ends_on", _("The course cannot end before it starts."))
        return cleaned

    def _post_clean(self):
        """The model's constraints are checked by the service, which reports field errors."""


class SessionForm(forms.Form):
    id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    held_on = forms.DateField(label=gettext_lazy("Date"), widget=DATE_INPUT, required=False)
    hours = forms.DecimalField(
        min_value=Decimal("0.25"), max_digits=4, decimal_places=2, required=False
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("held_on") and cleaned.get("hours") is None:
            self.add_error("hours", _("Give the session's hours."))
        if cleaned.get("hours") is not None and not cleaned.get("held_on"):
            self.add_error("held_on", _("Give the session's date."))
        return cleaned


SessionFormSet = forms.formset_factory(SessionForm, extra=1, can_delete=True)


def session_formset(course, data=None):
    initial = [
        {"id": s.pk, "held_on": s.held_on, "hours": s.hours}
        for s in course.sessions.order_by("position")
    ]
    return SessionFormSet(data, initial=initial, prefix="sessions")


class EnrollForm(forms.Form):
    email = forms.EmailField()
    first_name = forms.CharField(max_length=150, required=False)
    last_name = forms.CharField(max_length=150, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False


class RosterUploadForm(forms.Form):
    """Many attendees at once: pasted or uploaded CSV with `email,first_name,last_name`."""

    pasted = forms.CharField(
        label=gettext_lazy("Paste CSV"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "placeholder": "email,first_name,last_name"}),
    )
    file = forms.FileField(label=gettext_lazy("or upload a CSV file"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False

    def clean(self):
        cleaned = super().clean()
        text = cleaned.get("pasted") or ""
        upload = cleaned.get("file")
        if upload:
            try:
                text = upload.read().decode("utf-8-sig")
            except UnicodeDecodeError:
                raise forms.ValidationError(_("The file is not UTF-8 text.")) from None
        if not text.strip():
            raise forms.ValidationError(_("Paste CSV lines or choose a file."))
        cleaned["text"] = text
        return cleaned
