"""Paying a renewal's fee online: the holder's Pay button, the page Stripe sends them back
to, and Stripe's webhook. Each calls one service (renewals/payments/services.py)."""

import logging

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from certifications.selectors import practitioner_for

from ..models import Renewal
from . import gateway, selectors, services

logger = logging.getLogger(__name__)


def _own_renewal(request, pk):
    return get_object_or_404(Renewal, pk=pk, practitioner=practitioner_for(request.user))


@login_required
@require_POST
def pay(request, pk):
    """Start (or resume) the Checkout Session of the holder's renewal and go there."""
    renewal = _own_renewal(request, pk)
    try:
        payment = services.start_checkout(renewal=renewal)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("renewals:mine")
    return redirect(payment.checkout_url)


@login_required
def payment_return(request, pk):
    """Where Stripe sends the holder back. It shows where the renewal stands and changes
    nothing: Stripe's webhook decides whether the fee is paid."""
    renewal = _own_renewal(request, pk)
    response = render(
        request,
        "renewals/payment.html",
        {
            "renewal": renewal,
            "payments": selectors.payments_of(renewal),
            "cancelled": "cancelled" in request.GET,
            "payable": services.payable(renewal),
        },
    )
    return gateway.allow_checkout_forms(response)


@csrf_exempt
@require_POST
def stripe_webhook(request):
    """Stripe's events, verified by the library with STRIPE_WEBHOOK_SECRET. 400 for a
    bad signature or body, 503 when Stripe must deliver the event again, else 200."""
    if not (gateway.configured() and gateway.settings.STRIPE_WEBHOOK_SECRET):
        raise Http404(_("Online payment is not configured."))
    try:
        event = gateway.verified_event(request.body, request.headers.get("Stripe-Signature"))
    except gateway.SignatureVerificationError:
        return HttpResponseBadRequest("Invalid signature.")
    except ValueError:
        return HttpResponseBadRequest("Invalid payload.")
    try:
        services.handle_event(event)
    except services.TemporaryFailure as error:
        logger.warning("Stripe event %s not handled yet: %s", event.id, error)
        return HttpResponse("Try again later.", status=503)
    return HttpResponse("OK")
