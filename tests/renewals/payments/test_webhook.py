"""Stripe's webhook decides: signed events confirm the fee through the completion a staff
confirmation runs, each event counts once, and events in any order settle on one state."""

import datetime
import itertools
import json

import pytest
import time_machine
from django.urls import reverse

from cspo_tracker.outbox.models import OutboundEmail
from renewals.models import Payment, Renewal, StripeEvent
from renewals.payments import services
from tests.factories import StaffFactory, credential_expiring, seus_for

from .fake_stripe import signature_header

D = datetime.date
WEBHOOK = reverse("stripe_webhook")
NOW = datetime.datetime(2026, 5, 1, 12, tzinfo=datetime.UTC)


def post_event(client, event, *, secret=None, timestamp=None, header=None):
    from .conftest import WEBHOOK_SECRET

    payload = json.dumps(event)
    header = header or signature_header(payload, secret or WEBHOOK_SECRET, timestamp=timestamp)
    return client.post(
        WEBHOOK, data=payload, content_type="application/json", HTTP_STRIPE_SIGNATURE=header
    )


@pytest.fixture
def checkout(practitioner_client, fake_stripe):
    """A renewal submitted to be paid online, with its open Checkout Session."""
    holder = practitioner_client.practitioner
    credential = credential_expiring(D(2026, 6, 30), holder=holder)
    seus_for(holder, 20)
    with time_machine.travel(NOW, tick=False):
        practitioner_client.post(reverse("renewals:submit"), {"credentials": [credential.pk]})
    payment = Payment.objects.get()
    payment.credential = credential
    return payment


def emails(template):
    return OutboundEmail.objects.filter(template=template).count()


def test_a_paid_session_completes_the_renewal_like_a_staff_confirmation(
    client, practitioner_client, checkout, fake_stripe
):
    event = fake_stripe.pay(checkout.session_id)

    response = post_event(client, event)

    assert response.status_code == 200
    checkout.refresh_from_db()
    renewal = checkout.renewal
    renewal.refresh_from_db()
    checkout.credential.refresh_from_db()
    assert (checkout.status, renewal.status, renewal.fee_status) == (
        "paid",
        "completed",
        "confirmed",
    )
    assert checkout.receipt_url.startswith(fake_stripe.base + "/receipts/")
    assert checkout.credential.expires_on == D(2028, 6, 30)
    assert emails("renewal_confirmation") == 1
    # The page Stripe sends the holder back to shows the outcome and the receipt.
    page = practitioner_client.get(
        reverse("renewals:payment_return", args=[renewal.pk]), {"session_id": "x"}
    )
    assert "Renewal complete" in page.text and checkout.receipt_url in page.text


def test_the_redirect_back_alone_marks_nothing_paid(practitioner_client, checkout):
    page = practitioner_client.get(
        reverse("renewals:payment_return", args=[checkout.renewal_id]),
        {"session_id": checkout.session_id},
    )

    assert "Waiting for Stripe" in page.text
    assert Renewal.objects.get().fee_status == "unpaid"


def test_a_forged_signature_is_refused_and_changes_nothing(client, checkout, fake_stripe):
    event = fake_stripe.pay(checkout.session_id)

    response = post_event(client, event, secret="whsec_someone_else")

    assert response.status_code == 400
    assert Renewal.objects.get().fee_status == "unpaid"
    assert not StripeEvent.objects.exists()


def test_a_replayed_event_with_an_old_timestamp_is_refused(client, checkout, fake_stripe):
    event = fake_stripe.pay(checkout.session_id)
    ten_minutes_ago = int(datetime.datetime.now(datetime.UTC).timestamp()) - 600

    response = post_event(client, event, timestamp=ten_minutes_ago)

    assert response.status_code == 400
    assert Renewal.objects.get().fee_status == "unpaid"


def test_a_missing_signature_or_a_body_that_is_not_json_is_refused(client, checkout):
    assert client.post(WEBHOOK, data="{}", content_type="application/json").status_code == 400
    response = client.post(
        WEBHOOK,
        data="not json",
        content_type="application/json",
        HTTP_STRIPE_SIGNATURE=signature_header("not json", "whsec_test_secret"),
    )
    assert response.status_code == 400


def test_the_webhook_is_absent_without_stripe_configured(client, settings):
    settings.STRIPE_SECRET_KEY = ""
    assert client.post(WEBHOOK, data="{}", content_type="application/json").status_code == 404


def test_a_duplicate_event_counts_once(client, checkout, fake_stripe):
    event = fake_stripe.pay(checkout.session_id)

    first, second = post_event(client, event), post_event(client, event)

    assert (first.status_code, second.status_code) == (200, 200)
    assert StripeEvent.objects.filter(event_id=event["id"]).count() == 1
    assert emails("renewal_confirmation") == 1
    assert Renewal.objects.get().status == "completed"


def final_state():
    payment = Payment.objects.get()
    renewal = Renewal.objects.get()
    return (payment.status, payment.paid_at is not None, renewal.fee_status, renewal.status)


@pytest.mark.parametrize("order", list(itertools.permutations(range(3))))
def test_events_in_any_order_and_repeated_settle_on_one_state(client, checkout, fake_stripe, order):
    """Completed, async succeeded and refunded, in every order, each delivered twice."""
    completed = fake_stripe.pay(checkout.session_id, payment_status="unpaid")
    succeeded = fake_stripe.async_result(checkout.session_id, succeeded=True)
    refunded = fake_stripe.refund(checkout.session_id)
    events = [completed, succeeded, refunded]

    for index in order:
        assert post_event(client, events[index]).status_code == 200
        assert post_event(client, events[index]).status_code == 200

    # Refunded wins: the fee is owed again, the holder is told once.
    assert final_state()[:3] == ("refunded", True, "unpaid")
    assert emails("fee_refunded") == 1


def test_a_refund_reopens_the_fee_and_tells_the_holder(
    client, practitioner_client, checkout, fake_stripe
):
    post_event(client, fake_stripe.pay(checkout.session_id))

    assert post_event(client, fake_stripe.refund(checkout.session_id)).status_code == 200

    renewal = Renewal.objects.get()
    assert (renewal.fee_status, Payment.objects.get().status) == ("unpaid", "refunded")
    email = OutboundEmail.objects.get(template="fee_refunded")
    assert email.to == practitioner_client.practitioner.email
    page = practitioner_client.get(reverse("renewals:mine"))
    assert "Refunded" in page.text and "Pay US$100 by card" in page.text


def test_a_partial_refund_is_recorded_and_the_fee_stays_paid(client, checkout, fake_stripe):
    post_event(client, fake_stripe.pay(checkout.session_id))

    post_event(client, fake_stripe.refund(checkout.session_id, amount=2500))

    payment = Payment.objects.get()
    assert (payment.status, payment.amount_refunded) == ("paid", 25)
    assert Renewal.objects.get().fee_status == "confirmed"
    assert emails("fee_refunded") == 0


def test_a_failed_bank_payment_leaves_the_fee_owed_and_it_can_be_paid_again(
    client, practitioner_client, checkout, fake_stripe
):
    post_event(client, fake_stripe.pay(checkout.session_id, payment_status="unpaid"))
    assert Payment.objects.get().status == "processing"
    failed = fake_stripe.async_result(checkout.session_id, succeeded=False)

    post_event(client, failed)
    post_event(client, failed)

    assert Payment.objects.get().status == "failed"
    assert Renewal.objects.get().fee_status == "unpaid"
    assert emails("payment_failed") == 1
    again = practitioner_client.post(reverse("renewals:pay", args=[checkout.renewal_id]))
    assert again.status_code == 302
    assert Payment.objects.filter(status="open").count() == 1


def test_an_expired_session_event_closes_it(client, checkout, fake_stripe):
    post_event(client, fake_stripe.expire(checkout.session_id))

    assert Payment.objects.get().status == "expired"
    assert Renewal.objects.get().fee_status == "unpaid"


def test_an_open_seu_audit_still_holds_a_renewal_paid_online(client, checkout, fake_stripe):
    from renewals.audits import services as audits

    audits.select_for_audit(renewal=checkout.renewal, by=StaffFactory())

    post_event(client, fake_stripe.pay(checkout.session_id))

    renewal = Renewal.objects.get()
    assert (renewal.fee_status, renewal.status) == ("confirmed", "submitted")
    assert "SEU audit" in renewal.held_reason
    assert emails("renewal_confirmation") == 0


def test_an_event_for_a_session_that_is_not_ours_is_recorded_and_ignored(client, db, fake_stripe):
    event = fake_stripe.event("checkout.session.completed", {"id": "cs_elsewhere"})

    assert post_event(client, event).status_code == 200
    assert StripeEvent.objects.get().payment is None


def test_a_refund_before_its_completion_event_is_traced_through_stripe(
    client, checkout, fake_stripe
):
    """The charge has no PaymentIntent we know yet: its metadata names the payment."""
    fake_stripe.pay(checkout.session_id)
    refunded = fake_stripe.refund(checkout.session_id)
    refunded["data"]["object"]["metadata"] = {}  # then Stripe is asked for the intent

    assert post_event(client, refunded).status_code == 200
    assert Payment.objects.get().status == "refunded"
    fake_stripe.failing = True
    again = fake_stripe.refund(checkout.session_id)
    again["data"]["object"]["metadata"], again["data"]["object"]["payment_intent"] = {}, "pi_x"
    assert post_event(client, again).status_code == 503  # Stripe delivers it again later
    assert not StripeEvent.objects.filter(event_id=again["id"]).exists()
    assert services.settled_status(Payment.objects.get()) == "refunded"
