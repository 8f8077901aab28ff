"""The webhook pages (linked from the profile): thin callers of webhooks.selectors and
webhooks.services."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from certifications.models import Organisation
from certifications.selectors import practitioner_for
from cspo_tracker.confirm import confirm_page

from . import selectors, services
from .forms import SubscriptionForm
from .models import WebhookDelivery

NEW_SECRET = "webhooks.new_secret"


@login_required
@require_http_methods(["GET", "POST"])
def subscription_list(request):
    form = SubscriptionForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            subscription = services.create_subscription(owner=request.user, **form.cleaned_data)
        except ValidationError as error:
            for field, problems in error.message_dict.items():
                for problem in problems:
                    form.add_error(field if field in form.fields else None, problem)
        else:
            request.session[NEW_SECRET] = [subscription.pk, subscription.secret]
            return redirect("webhooks:detail", pk=subscription.pk)
    return render(
        request,
        "webhooks/list.html",
        {"form": form, "subscriptions": list(selectors.subscriptions_for(request.user))},
    )


def _subscription(request, pk):
    return get_object_or_404(selectors.manageable_by(request.user), pk=pk)


@login_required
def subscription_detail(request, pk):
    subscription = _subscription(request, pk)
    secret = None
    shown = request.session.pop(NEW_SECRET, None)
    if shown and shown[0] == subscription.pk:
        secret = shown[1]  # shown once, on the page after creating it
    return render(
        request,
        "webhooks/detail.html",
        {
            "subscription": subscription,
            "secret": secret,
            "deliveries": selectors.deliveries_for(subscription),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def subscription_delete(request, pk):
    subscription = _subscription(request, pk)
    if request.method == "GET":
        if subscription.scope != subscription.Scope.OWN:
            stops = _(
                "%(url)s stops receiving every practitioner's events (organisation-wide) at once."
            )
        else:
            stops = _("%(url)s stops receiving your own events at once.")
        return confirm_page(
            request,
            title=_("Delete this webhook?"),
            consequences=[
                stops % {"url": subscription.url},
                _(
                    "Its delivery log is deleted with it. This cannot be undone; turning it off "
                    "instead keeps both."
                ),
            ],
            button=_("Delete webhook"),
            cancel_url=reverse("webhooks:detail", args=[subscription.pk]),
        )
    services.delete_subscription(subscription=subscription, by=request.user)
    messages.success(request, _("The webhook to %(url)s is deleted.") % {"url": subscription.url})
    return redirect("webhooks:list")


@login_required
@require_POST
def subscription_active(request, pk):
    subscription = _subscription(request, pk)
    active = request.POST.get("active") == "1"
    services.set_active(subscription=subscription, active=active, by=request.user)
    messages.success(request, _("The webhook is on again.") if active else _("The webhook is off."))
    return redirect("webhooks:detail", pk=pk)


@login_required
@require_POST
def redeliver(request, pk):
    delivery = (
        WebhookDelivery.objects.select_related("subscription", "event")
        .filter(subscription__in=selectors.manageable_by(request.user))
        .filter(pk=pk)
        .first()
    )
    if delivery is None:
        raise Http404
    try:
        services.redeliver(delivery=delivery, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("Event %(id)s is being sent again.") % {"id": delivery.event.msg_id},
        )
    return redirect("webhooks:detail", pk=delivery.subscription_id)


@login_required
@require_http_methods(["GET", "POST"])
def organisation_consents(request):
    """Which organisations' webhooks may hear about me, besides those that reported my
    SEUs (webhooks.selectors.people_known_to)."""
    practitioner = practitioner_for(request.user)
    if request.method == "POST":
        chosen = request.POST.get("organisation", "")
        number = int(chosen) if chosen.isascii() and chosen.isdigit() and len(chosen) < 10 else 0
        organisation = get_object_or_404(Organisation, pk=number)
        if request.POST.get("consent") == "1":
            try:
                services.give_consent(practitioner=practitioner, organisation=organisation)
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                messages.success(
                    request,
                    _("%(organisation)s now receives your events.")
                    % {"organisation": organisation.name},
                )
        else:
            services.withdraw_consent(practitioner=practitioner, organisation=organisation)
            messages.success(
                request,
                _("%(organisation)s no longer receives your events (unless it reports your SEUs).")
                % {"organisation": organisation.name},
            )
        return redirect("webhooks:consents")
    return render(
        request,
        "webhooks/consents.html",
        {"organisations": list(selectors.organisations_for_consent(practitioner))},
    )
