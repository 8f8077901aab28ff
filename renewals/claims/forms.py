from django import forms

from certifications.models import Program


class ProgramChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name} ({obj.code})"


class ClaimForm(forms.Form):
    program = ProgramChoiceField(
        queryset=Program.objects.filter(is_active=True),
        empty_label="Choose the certification",
        label="Certification",
    )
    certificate_number = forms.CharField(
        max_length=40,
        help_text="As printed on your certificate, e.g. CSPO-7F3A9C21B4 (any case).",
    )
    issued_on = forms.DateField(label="Issued on", widget=forms.DateInput(attrs={"type": "date"}))
    evidence = forms.FileField(
        required=False,
        help_text="Optional: your certificate as a PDF, PNG or JPEG. It helps staff decide.",
    )
