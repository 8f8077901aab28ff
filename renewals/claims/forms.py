from django import forms
from django.utils.translation import gettext_lazy as _

from certifications.models import Program


class ProgramChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name} ({obj.code})"


class ClaimForm(forms.Form):
    program = ProgramChoiceField(
        queryset=Program.objects.filter(is_active=True),
        empty_label=_("Choose the certification"),
        label=_("Certification"),
    )
    certificate_number = forms.CharField(
        label=_("Certificate number"),
        max_length=40,
        help_text=_("As printed on your certificate, e.g. CSPO-7F3A9C21B4 (any case)."),
    )
    issued_on = forms.DateField(
        label=_("Issued on"), widget=forms.DateInput(attrs={"type": "date"})
    )
    evidence = forms.FileField(
        label=_("Evidence"),
        required=False,
        help_text=_("Optional: your certificate as a PDF, PNG or JPEG. It helps staff decide."),
    )
