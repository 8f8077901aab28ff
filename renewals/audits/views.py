"""The practitioner's SEU audit page: send evidence for each listed entry (rules in
renewals/audits/services.py; staff select and review on staff/reviews/audits.py)."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from certifications.selectors import practitioner_for

from . import services as audits


class EvidenceForm(forms.Form):
    evidence = forms.FileField(
        help_text=gettext_lazy("A PDF, PNG or JPEG that shows this activity.")
    )
    note = forms.CharField(max_length=500, required=False, label=gettext_lazy("Note for staff"))


@login_required
def audit(request, pk):
    practitioner = practitioner_for(request.user)
    found = audits.audit_for_practitioner(practitioner, pk)
    if found is None:
        raise Http404(_("No audit of yours has this number."))
    items = list(audits.audit_items(found))
    forms_by_item = {item.pk: EvidenceForm(prefix=f"item{item.pk}") for item in items}
    if request.method == "POST":
        item = next((i for i in items if str(i.pk) == request.POST.get("item")), None)
        if item is None:
            raise Http404(_("No such entry in this audit."))
        form = EvidenceForm(request.POST, request.FILES, prefix=f"item{item.pk}")
        forms_by_item[item.pk] = form
        if form.is_valid():
            try:
                audits.send_evidence(item=item, practitioner=practitioner, **form.cleaned_data)
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                messages.success(request, _("Evidence sent: staff review it."))
                return redirect("renewals:audit", pk=found.pk)
    return render(
        request,
        "renewals/audit.html",
        {"audit": found, "rows": [(i, forms_by_item[i.pk]) for i in items]},
    )
