"""The one place that talks to Stripe, through Stripe's own library: a Checkout Session
for a fee, a PaymentIntent's receipt, and the webhook's signature. Card data never
reaches this server: the holder types it on Stripe's page."""

from datetime import UTC, datetime
from decimal import Decimal
from urllib.parse import urlsplit

import stripe
from django.conf import settings

# A Stripe call is made while the renewal row is locked: give up soon, and retry once
# (the idempotency key makes the retry create nothing twice).
TIMEOUT_SECONDS = 10
NETWORK_RETRIES = 1

# Stripe's errors, for the callers that turn them into a message.
StripeError = stripe.StripeError
SignatureVerificationError = stripe.SignatureVerificationError


def configured():
    """Online payment is on when the secret key is set; the manual path stays either way."""
    return bool(settings.STRIPE_SECRET_KEY)


def _client():
    options = {}
    if settings.STRIPE_API_BASE:
        options["base_addresses"] = {"api": settings.STRIPE_API_BASE}
    return stripe.StripeClient(
        settings.STRIPE_SECRET_KEY,
        max_network_retries=NETWORK_RETRIES,
        http_client=stripe.new_default_http_client(timeout=TIMEOUT_SECONDS),
        **options,
    )


def minor_units(amount):
    """Stripe's amounts are integers in the currency's minor unit (cents)."""
    return int((Decimal(amount) * 100).to_integral_value())


def from_minor_units(value):
    return (Decimal(value or 0) / 100).quantize(Decimal("0.01"))


def timestamp(value):
    return datetime.fromtimestamp(int(value), tz=UTC) if value else None


def create_checkout_session(
    *,
    reference,
    amount,
    currency,
    description,
    email,
    success_url,
    cancel_url,
    expires_at,
    idempotency_key,
):
    """A Checkout Session in payment mode for one line, the fee. `reference` goes in the
    session's and the PaymentIntent's metadata, so a refund's charge can be traced back
    even before the session's completion event arrives."""
    params = {
        "mode": "payment",
        "client_reference_id": reference,
        "customer_email": email,
        "line_items": [
            {
                "quantity": 1,
                "price_data": {
                    "currency": currency.lower(),
                    "unit_amount": minor_units(amount),
                    "product_data": {"name": description},
                },
            }
        ],
        "payment_intent_data": {"metadata": {"cspo_payment": reference}},
        "metadata": {"cspo_payment": reference},
        "success_url": success_url,
        "cancel_url": cancel_url,
        "expires_at": int(expires_at.timestamp()),
    }
    return _client().v1.checkout.sessions.create(
        params=params, options={"idempotency_key": idempotency_key}
    )


def payment_intent(payment_intent_id):
    """The PaymentIntent, as a dict, with its latest charge (the receipt link lives on
    the charge)."""
    return (
        _client()
        .v1.payment_intents.retrieve(payment_intent_id, params={"expand": ["latest_charge"]})
        .to_dict()
    )


def verified_event(payload, signature_header):
    """The event of a webhook request, verified by the library against
    STRIPE_WEBHOOK_SECRET (HMAC-SHA256 over "timestamp.payload", at most five minutes
    old). Raises SignatureVerificationError or ValueError."""
    return stripe.Webhook.construct_event(payload, signature_header, settings.STRIPE_WEBHOOK_SECRET)


def checkout_origin():
    """Where Checkout pages are served: the forms that lead there allow it (form-action
    applies to the redirect after a form). A local stand-in named in STRIPE_API_BASE
    serves its checkout page itself."""
    if settings.STRIPE_API_BASE:
        parts = urlsplit(settings.STRIPE_API_BASE)
        return f"{parts.scheme}://{parts.netloc}"
    return "https://checkout.stripe.com"


def allow_checkout_forms(response):
    """Let the page's forms go on to Checkout (django-csp reads `_csp_update`)."""
    if configured():
        response._csp_update = {"form-action": [checkout_origin()]}
    return response
