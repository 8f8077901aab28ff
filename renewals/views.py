"""The practitioner's renewal pages: choose credentials and submit a renewal, and the
renewals submitted so far."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from certifications.dates import today_for
from certifications.models import Credential
from certifications.selectors import practitioner_for

from . import plans, selectors, services
from .forms import RenewalForm
from .models import Renewal
from .payments import gateway
from .payments import selectors as payment_selectors
from .payments import services as payments


def _preselected(request, practitioner):
    raws = request.GET.getlist("credential")
    if not raws:
        return []
    if not all(raw.isdecimal() for raw in raws):
        raise Http404(_("No such credential."))
    for raw in raws:
        get_object_or_404(Credential, pk=raw, holder=practitioner)
    return list(selectors.renewable_credentials(practitioner).filter(pk__in=raws))


@login_required
def submit(request):
    """Choose credentials, see what they need together, record the fee and submit."""
    practitioner = practitioner_for(request.user)
    in_progress = selectors.renewal_in_progress(practitioner)
    if in_progress is not None:
        # One renewal at a time (a database constraint): say so instead of a form the
        # server would refuse.
        return render(request, "renewals/submit.html", {"in_progress": in_progress})
    today = today_for(practitioner)
    preview = "preview" in request.POST
    online = gateway.configured()
    if request.method == "POST":
        form = RenewalForm(
            request.POST, practitioner=practitioner, preview=preview, today=today, online=online
        )
        valid = form.is_valid()
        selection = form.cleaned_data.get("credentials") or []
        pay_online = online and not form.data.get("payment_reference", "").strip()
        if valid and not preview and pay_online:
            try:
                payment = payments.submit_and_pay(
                    practitioner=practitioner, credentials=form.cleaned_data["credentials"]
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                return redirect(payment.checkout_url)
        elif valid and not preview:
            try:
                renewal = services.submit_renewal(
                    practitioner=practitioner,
                    credentials=form.cleaned_data["credentials"],
                    payment_reference=form.cleaned_data["payment_reference"],
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                if renewal.status == Renewal.Status.NEEDS_APPROVAL:
                    messages.warning(
                        request,
                        _(
                            "Renewal submitted. A lapsed credential needs staff approval; "
                            "you will get an email when it is renewed."
                        ),
                    )
                else:
                    messages.success(
                        request,
                        _("Renewal submitted. It completes when staff confirm your payment."),
                    )
                return redirect("renewals:mine")
    else:
        selection = _preselected(request, practitioner)
        form = RenewalForm(
            initial={"credentials": selection},
            practitioner=practitioner,
            preview=True,
            today=today,
            online=online,
        )
        selection = [c for c in selection if c not in form.not_open_yet]
    quote = (
        selectors.renewal_quote(practitioner=practitioner, credentials=selection)
        if selection
        else None
    )
    response = render(
        request,
        "renewals/submit.html",
        {
            "online": online,
            "form": form,
            "quote": quote,
            "plan": plans.renewal_plan(practitioner=practitioner, quote=quote) if quote else None,
            "offer": plans.combined_offer(
                practitioner=practitioner, selected=selection, today=today
            ),
            "not_open_yet": form.not_open_yet,
            "has_choices": form.fields["credentials"].queryset.exists(),
        },
    )
    return gateway.allow_checkout_forms(response)


@login_required
def my_renewals(request):
    practitioner = practitioner_for(request.user)
    renewals = list(
        Renewal.objects.filter(practitioner=practitioner)
        .prefetch_related("cycles__credential__program", payment_selectors.payments_prefetch())
        .order_by("-submitted_at")
    )
    for renewal in renewals:
        renewal.payable = payments.payable(renewal)
    response = render(
        request,
        "renewals/mine.html",
        {"renewals": renewals, "in_progress": selectors.renewal_in_progress(practitioner)},
    )
    return gateway.allow_checkout_forms(response)
