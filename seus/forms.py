"""Forms for the SEU log. They parse input; the rules live in seus/services.py."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from .models import SeuCategory, SeuEntry


class SeuEntryForm(forms.ModelForm):
    evidence = forms.FileField(
        required=False,
        label=_("Evidence"),
        widget=forms.FileInput(attrs={"accept": ".pdf,.png,.jpg,.jpeg"}),
    )
    remove_evidence = forms.BooleanField(
        required=False, label=_("Remove the current evidence file")
    )
    # Shown only after the service warned of an identical entry (seus.services).
    save_anyway = forms.BooleanField(
        required=False, label=_("Save it anyway"), widget=forms.HiddenInput
    )

    class Meta:
        model = SeuEntry
        fields = ["earned_on", "category", "activity", "provider", "seus", "description"]
        labels = {
            "earned_on": _("Date earned"),
            "category": _("Category"),
            "activity": _("Activity title"),
            "provider": _("Provider"),
            "seus": _("SEUs (hours)"),
            "description": _("Description"),
        }
        widgets = {
            "earned_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "description": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        step = settings.SEU_STEP
        self.fields["seus"].widget.attrs.update({"step": str(step), "min": str(step)})
        self.fields["seus"].help_text = _(
            "1 hour of learning = 1 SEU, in steps of %(step)s; at most %(cap)s per day."
        ) % {"step": f"{step.normalize():f}", "cap": f"{settings.SEU_DAILY_CAP.normalize():f}"}
        self.fields["category"].queryset = SeuCategory.objects.all()
        self.fields["category"].empty_label = None
        if not (self.instance.pk and self.instance.evidence):
            del self.fields["remove_evidence"]
        mb = settings.EVIDENCE_MAX_BYTES / (1024 * 1024)
        self.fields["evidence"].help_text = _(
            "Optional: a certificate or receipt as PDF, PNG or JPEG, at most %(size)s MB."
        ) % {"size": f"{mb:g}"}

    def ask_save_anyway(self, message):
        """Show the "Save it anyway" box with the service's warning beside it."""
        self.fields["save_anyway"].widget = forms.CheckboxInput()
        self.add_error("save_anyway", message)

    def _post_clean(self):
        """Model validation runs in the service, with the rules, not here."""

    def changes(self):
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class SeuFilterForm(forms.Form):
    window = forms.TypedChoiceField(required=False, coerce=int, empty_value=None)
    category = forms.ModelChoiceField(
        queryset=SeuCategory.objects.all(), required=False, to_field_name="code"
    )

    def __init__(self, *args, windows=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["window"].choices = [("", _("All windows"))] + [
            (w.cycle_id, w.label) for w in windows
        ]
        self.fields["category"].empty_label = _("All categories")
