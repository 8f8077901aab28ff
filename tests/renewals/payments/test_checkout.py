"""Paying the renewal fee on Stripe Checkout: the session the server starts, the outage,
the manual path beside it, and a session abandoned past its time."""

import datetime

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse

from renewals.models import Payment, Renewal
from renewals.payments import services
from tests.factories import credential_expiring, seus_for

D = datetime.date
SUBMIT = reverse("renewals:submit")
NOW = datetime.datetime(2026, 5, 1, 12, tzinfo=datetime.UTC)


@pytest.fixture
def renewable(practitioner_client):
    holder = practitioner_client.practitioner
    credential = credential_expiring(D(2026, 6, 30), holder=holder)
    seus_for(holder, 20)
    return credential


def submit(client, credential, **extra):
    with time_machine.travel(NOW, tick=False):
        return client.post(SUBMIT, {"credentials": [credential.pk], **extra})


def test_submitting_without_a_reference_goes_to_checkout_for_the_programs_fee(
    practitioner_client, renewable, fake_stripe
):
    program = renewable.program
    program.renewal_fee, program.fee_currency = 150, "EUR"
    program.save()
    # The cycle opened before the change snapshots the fee; a cycle opened now has these.
    renewable.cycles.update(fee_amount=150, fee_currency="EUR")
    credential = renewable

    # An amount sent by the browser is not read: the renewal's snapshot of the Program is.
    response = submit(practitioner_client, credential, amount="1", currency="usd")

    payment = Payment.objects.get()
    assert response.status_code == 302
    assert response["Location"] == payment.checkout_url
    assert payment.checkout_url.startswith(fake_stripe.base + "/c/pay/")
    [(method, path, params)] = fake_stripe.requests
    assert (method, path) == ("POST", "/v1/checkout/sessions")
    price = params["line_items"][0]["price_data"]
    assert (price["unit_amount"], price["currency"]) == ("15000", "eur")
    assert params["mode"] == "payment"
    renewal = payment.renewal
    assert (renewal.status, renewal.fee_status) == ("submitted", "unpaid")
    assert (payment.amount, payment.currency, payment.status) == (150, "EUR", "open")
    assert payment.expires_at == NOW + datetime.timedelta(hours=24)


def test_a_stripe_outage_submits_nothing_and_says_what_to_do(
    practitioner_client, renewable, fake_stripe
):
    fake_stripe.failing = True

    response = submit(practitioner_client, renewable)

    assert response.status_code == 200
    assert "Card payment is unavailable right now" in response.text
    assert "Nothing was submitted or charged" in response.text
    assert not Renewal.objects.exists() and not Payment.objects.exists()
    assert renewable.cycles.get().status == "open"
    # The library retried once with the same idempotency key: nothing can be made twice.
    assert len(fake_stripe.requests) == 2


def test_a_reference_keeps_the_manual_path_with_stripe_configured(
    practitioner_client, renewable, fake_stripe
):
    response = submit(practitioner_client, renewable, payment_reference="INV-2026-17")

    assert response.status_code == 302 and response["Location"] == reverse("renewals:mine")
    renewal = Renewal.objects.get()
    assert (renewal.fee_status, renewal.payment_reference) == ("pending", "INV-2026-17")
    assert fake_stripe.requests == [] and not Payment.objects.exists()


def test_without_a_stripe_key_the_reference_is_required_as_before(
    practitioner_client, renewable, settings
):
    settings.STRIPE_SECRET_KEY = ""

    page = practitioner_client.get(SUBMIT)
    response = submit(practitioner_client, renewable)

    assert "Submit renewal" in page.text and "by card" not in page.text
    assert response.status_code == 200 and "This field is required" in response.text
    assert not Renewal.objects.exists()


def test_a_session_abandoned_for_24_hours_is_replaced_by_a_new_one(
    practitioner_client, renewable, fake_stripe
):
    submit(practitioner_client, renewable)
    first = Payment.objects.get()
    pay = reverse("renewals:pay", args=[first.renewal_id])

    with time_machine.travel(NOW + datetime.timedelta(hours=2), tick=False):
        again = practitioner_client.post(pay)
    assert again["Location"] == first.checkout_url  # still open: the same session
    with time_machine.travel(NOW + datetime.timedelta(hours=25), tick=False):
        later = practitioner_client.post(pay)

    first.refresh_from_db()
    second = Payment.objects.exclude(pk=first.pk).get()
    assert first.status == "expired" and second.status == "open"
    assert later["Location"] == second.checkout_url != first.checkout_url


def test_another_holder_cannot_pay_or_see_a_renewal(
    practitioner_client, renewable, fake_stripe, client
):
    from tests.factories import PractitionerFactory

    submit(practitioner_client, renewable)
    renewal = Renewal.objects.get()
    other = PractitionerFactory()
    client.force_login(other.user)

    assert client.post(reverse("renewals:pay", args=[renewal.pk])).status_code == 404
    assert client.get(reverse("renewals:payment_return", args=[renewal.pk])).status_code == 404


def test_deploy_check_says_the_manual_path_only_without_a_key(settings):
    settings.STRIPE_SECRET_KEY = ""
    from renewals.payments.checks import online_payment_configured

    [message] = online_payment_configured(None)
    assert message.id == "renewals.I001" and "manual path only" in message.msg
    settings.STRIPE_SECRET_KEY, settings.STRIPE_WEBHOOK_SECRET = "sk_test_x", ""
    [message] = online_payment_configured(None)
    assert message.id == "renewals.W001"
    settings.STRIPE_WEBHOOK_SECRET = "whsec_x"
    assert online_payment_configured(None) == []
    call_command("check")


def test_the_stand_in_answers_with_stripes_own_object_shapes(
    practitioner_client, renewable, fake_stripe
):
    """The stand-in's objects have exactly the fields of Stripe's published fixtures."""
    from .fake_stripe import FIXTURES

    submit(practitioner_client, renewable)
    session = fake_stripe.public(fake_stripe.sessions[Payment.objects.get().session_id])
    event = fake_stripe.pay(session["id"])
    intent = fake_stripe.intents[event["data"]["object"]["payment_intent"]]
    charge = fake_stripe.charges[intent["latest_charge"]]

    for kind, obj in [
        ("checkout.session", event["data"]["object"]),
        ("payment_intent", intent),
        ("charge", charge),
        ("event", event),
    ]:
        assert obj.keys() == FIXTURES[kind].keys(), kind
        assert obj["object"] == FIXTURES[kind]["object"]


def test_the_dashboard_leads_to_paying_a_fee_left_unpaid(
    practitioner_client, renewable, fake_stripe
):
    submit(practitioner_client, renewable)
    renewal = Renewal.objects.get()

    with time_machine.travel(NOW, tick=False):
        dashboard = practitioner_client.get("/")

    assert "Next:</strong> Pay the renewal fee" in dashboard.text
    assert f'href="{reverse("renewals:payment_return", args=[renewal.pk])}"' in dashboard.text


def test_staff_record_an_invoice_payment_for_a_fee_left_to_pay_online(
    practitioner_client, renewable, fake_stripe, staff_browser
):
    submit(practitioner_client, renewable)
    renewal = Renewal.objects.get()
    confirm = reverse("staff_confirm_fee", args=[renewal.pk])
    file = staff_browser.get(
        reverse("staff_practitioner", args=[practitioner_client.practitioner.pk])
    )
    assert f'href="{confirm}">Paid by invoice' in file.text

    with time_machine.travel(NOW, tick=False):
        page = staff_browser.get(confirm)
        blank = staff_browser.post(confirm, {"invoice_reference": "  "}, follow=True)
    assert "Record payment by invoice" in page.text
    assert "Enter the reference of the invoice" in blank.text
    assert Renewal.objects.get().fee_status == "unpaid"

    with time_machine.travel(NOW, tick=False):
        staff_browser.post(confirm, {"invoice_reference": "ACME-PO-7"})

    renewal.refresh_from_db()
    assert (renewal.status, renewal.fee_status, renewal.payment_reference) == (
        "completed",
        "confirmed",
        "ACME-PO-7",
    )
    assert not services.payable(renewal)
