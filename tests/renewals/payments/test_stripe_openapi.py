"""The app's Stripe API calls against Stripe's own OpenAPI document
(tests/stripe_openapi/stripe.com.json), served by Prism where Prism can check them.

- Prism serves the document: a request it does not allow is answered 422, and a 200
  answer is built from Stripe's response schema. Retrieving the PaymentIntent with its
  charge (the receipt) goes through the app's gateway to Prism.
- Creating a Checkout Session cannot go through Prism 5.14: it does not read Stripe's
  form encoding of arrays of objects (`line_items[0][price_data][currency]`: "Cannot
  deserialize JSON object array in form data", 415) and gives every nested object the
  request leaves out an empty one, which then misses its required fields. So the
  parameters the app hands to the stripe library are checked against the operation's
  request schema in the document itself, and Prism shows its own check on a field it does
  read (`mode`). The library's form encoding of those parameters is Stripe's own.
- Prism's answers are placeholders ("string" ids and URLs, zero amounts) and nothing gets
  paid there. The behaviour tests (test_checkout.py, test_webhook.py, test_receipts.py)
  need a session with this fee's amount that gets paid, a PaymentIntent with its charge,
  refunds and an outage on demand, so they keep the stand-in (fake_stripe.py), whose
  objects are Stripe's published fixtures with this payment's fields set over them."""

import datetime
import json

import jsonschema
import pytest
import stripe
import time_machine
from django.core.exceptions import ValidationError

from renewals.models import Payment, Renewal
from renewals.payments import gateway, services
from tests.factories import PractitionerFactory, credential_expiring, seus_for
from tests.stripe_openapi import prism
from tests.stripe_openapi.served import SPEC

NOW = datetime.datetime(2026, 5, 1, 12, tzinfo=datetime.UTC)


def request_schema(path):
    operation = json.loads(SPEC.read_text())["paths"][path]["post"]
    return operation["requestBody"]["content"]["application/x-www-form-urlencoded"]["schema"]


@pytest.fixture
def sent_to_stripe(stripe_api, monkeypatch):
    """The parameters of each Checkout Session the app asks the library to create,
    answered with Prism's session (prism.create_sessions_from_prism says why)."""
    return prism.create_sessions_from_prism(monkeypatch, gateway, stripe_api.base)


def test_the_checkout_session_the_app_asks_for_is_valid_by_stripes_document(db, sent_to_stripe):
    """Prism's session, built from Stripe's schema, has the placeholder "string" for its
    URL: the app refuses to send the holder there, as in an outage, and keeps nothing."""
    holder = PractitionerFactory()
    with time_machine.travel(NOW, tick=False):
        credential = credential_expiring(datetime.date(2026, 6, 30), holder=holder)
        seus_for(holder, 20)
        with pytest.raises(ValidationError) as refused:
            services.submit_and_pay(practitioner=holder, credentials=[credential])

    [params] = sent_to_stripe
    jsonschema.Draft4Validator(request_schema("/v1/checkout/sessions")).validate(params)
    assert refused.value.messages == [str(services.OUTAGE_MESSAGE)]
    assert not Payment.objects.exists()
    assert not Renewal.objects.exists()


def test_a_checkout_session_whose_price_has_no_currency_is_invalid_by_the_document(
    sent_to_stripe,
):
    gateway.create_checkout_session(
        reference="renewal-1-abc",
        amount=150,
        currency="EUR",
        description="CSPO Tracker renewal #1",
        email="holder@example.com",
        success_url="https://cspo.example/renewals/1/payment/",
        cancel_url="https://cspo.example/renewals/1/payment/?cancelled=1",
        expires_at=NOW + datetime.timedelta(hours=24),
        idempotency_key="checkout-renewal-1-abc",
    )
    [params] = sent_to_stripe
    del params["line_items"][0]["price_data"]["currency"]

    with pytest.raises(jsonschema.ValidationError, match="'currency' is a required property"):
        jsonschema.Draft4Validator(request_schema("/v1/checkout/sessions")).validate(params)


def test_prism_refuses_a_checkout_session_request_stripes_document_does_not_allow(stripe_api):
    client = stripe.StripeClient("sk_test_local", base_addresses={"api": stripe_api.base})

    with pytest.raises(stripe.StripeError) as refused:
        client.v1.checkout.sessions.create(
            params={"mode": "installments", "success_url": "https://cspo.example/"}
        )

    assert refused.value.http_status == 422
    violations = json.loads(refused.value.headers["sl-violations"])
    assert ["request", "body", "mode"] in [violation["location"] for violation in violations]


def test_the_receipt_lookup_is_a_request_prism_accepts_and_answers_with_stripes_schema(
    stripe_api,
):
    intent = gateway.payment_intent("pi_test_1")

    # The fields receipts read (services: the intent's latest charge).
    assert intent["object"] == "payment_intent"
    assert "latest_charge" in intent
    assert "metadata" in intent
