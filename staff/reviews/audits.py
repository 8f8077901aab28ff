"""The staff SEU audit pages: select submitted renewals for audit, at random or by hand,
and decide each entry on its evidence (rules in renewals/audits/services.py)."""

import mimetypes

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from certifications.permissions import staff_required
from renewals.audits import services as audits
from renewals.audits.models import SeuAuditItem
from renewals.models import Renewal


class ShareForm(forms.Form):
    percent = forms.IntegerField(
        min_value=1, max_value=100, label=gettext_lazy("Share of waiting renewals (%)"), initial=10
    )


class ChosenForm(forms.Form):
    renewal = forms.IntegerField(min_value=1, label=gettext_lazy("Renewal number"))


def _errors(exc):
    return " ".join(exc.messages)


@staff_required
def staff_audits(request):
    share_form, chosen_form = ShareForm(), ChosenForm()
    if request.method == "POST":
        if "percent" in request.POST:
            share_form = ShareForm(request.POST)
            if share_form.is_valid():
                opened = audits.select_share_for_audit(
                    percent=share_form.cleaned_data["percent"], by=request.user
                )
                messages.success(
                    request,
                    ngettext(
                        "%(count)s renewal selected at random.",
                        "%(count)s renewals selected at random.",
                        len(opened),
                    )
                    % {"count": len(opened)},
                )
                return redirect("staff_audits")
        else:
            chosen_form = ChosenForm(request.POST)
            if chosen_form.is_valid():
                renewal = Renewal.objects.filter(pk=chosen_form.cleaned_data["renewal"]).first()
                if renewal is None:
                    chosen_form.add_error("renewal", _("No renewal has this number."))
                else:
                    try:
                        audits.select_for_audit(renewal=renewal, by=request.user)
                    except ValidationError as exc:
                        chosen_form.add_error("renewal", _errors(exc))
                    else:
                        messages.success(
                            request,
                            _("Renewal #%(number)s selected for audit.") % {"number": renewal.pk},
                        )
                        return redirect("staff_audits")
    return render(
        request,
        "staff/audits.html",
        {
            "share_form": share_form,
            "chosen_form": chosen_form,
            "audits": audits.audits_for_staff()[:50],
            "waiting": audits.auditable_renewals().count(),
        },
    )


@staff_required
@require_POST
def decide_item(request, pk):
    item = get_object_or_404(SeuAuditItem, pk=pk)
    accept = request.POST.get("decision") == "accept"
    try:
        audits.decide_item(
            item=item, by=request.user, accept=accept, reason=request.POST.get("reason", "")
        )
    except ValidationError as exc:
        messages.error(request, _errors(exc))
    else:
        messages.success(request, _("Entry accepted.") if accept else _("Entry rejected."))
    return redirect("staff_audits")


@staff_required
def item_evidence(request, pk):
    item = get_object_or_404(SeuAuditItem, pk=pk)
    if not item.evidence:
        raise Http404(_("No evidence was sent for this entry."))
    name = item.evidence.name
    suffix = name[name.rfind(".") :] if "." in name else ""
    return FileResponse(
        item.evidence.open("rb"),
        as_attachment=True,
        filename=f"audit-{item.audit_id}-entry-{item.entry_id}-evidence{suffix}",
        content_type=mimetypes.guess_type(name)[0] or "application/octet-stream",
    )
