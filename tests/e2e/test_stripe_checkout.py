"""The practitioner pays the renewal fee online, at desktop and phone width: submit,
redirected to the Checkout page (the local stand-in of Stripe's), pay, Stripe's signed
webhook reaches the running server, back on the payment page the renewal is complete and
the dashboard shows the new expiry. Screenshots: test-artifacts/stripe-<width>-<step>.png."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from certifications.dates import add_months
from cspo_tracker.formats import day
from renewals.models import Payment, Renewal
from tests.e2e.axe import serious_violations
from tests.factories import PASSWORD, PractitionerFactory, credential_expiring, seus_for
from tests.renewals.payments.fake_stripe import FakeStripe

from .conftest import ARTIFACTS, log_in


@pytest.fixture
def fake_stripe(settings, live_server):
    fake = FakeStripe().start()
    settings.STRIPE_SECRET_KEY = "sk_test_local"
    settings.STRIPE_WEBHOOK_SECRET = fake.webhook_secret = "whsec_e2e"
    settings.STRIPE_API_BASE = fake.base
    fake.webhook_url = live_server.url + reverse("stripe_webhook")
    yield fake
    fake.stop()


@pytest.mark.parametrize("width", [1280, 375])
def test_practitioner_pays_the_fee_on_checkout_and_the_webhook_completes_the_renewal(
    page, fake_stripe, width
):
    page.set_viewport_size({"width": width, "height": 900})
    today = timezone.now().date()
    holder = PractitionerFactory()
    expires_on = today + datetime.timedelta(days=40)
    credential = credential_expiring(expires_on, holder=holder)
    seus_for(holder, 20, earned_on=today - datetime.timedelta(days=30))

    def step(name, *, ours=True):
        assert page.evaluate("document.documentElement.scrollWidth") <= width, page.url
        if ours:
            assert serious_violations(page) == [], page.url
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"stripe-{width}-{name}.png"), full_page=True)

    log_in(page, holder.email, PASSWORD)
    page.goto(f"/renewals/submit/?credential={credential.pk}")
    assert "pay the fee shown above by card" in page.inner_text("body")
    step("1-submit")
    page.get_by_role("button", name="Submit and pay").click()

    page.wait_for_url(f"{fake_stripe.base}/c/pay/**")
    assert "Pay 100.00 USD" in page.inner_text("h1")
    step("2-checkout", ours=False)
    page.get_by_role("button", name="Pay").click()

    page.wait_for_url("**/payment/?session_id=*")
    state = page.locator("#renewal-state")
    assert "Renewal complete" in state.inner_text()
    assert "Stripe receipt" in state.inner_text()
    step("3-back")
    renewal = Renewal.objects.get()
    assert (renewal.status, renewal.fee_status) == ("completed", "confirmed")
    assert Payment.objects.get().status == "paid"

    page.goto("/")
    new_expiry = add_months(expires_on, credential.program.validity_months)
    assert day(new_expiry) in page.inner_text("main")
    step("4-dashboard")
    page.goto("/renewals/")
    assert "Card payment US$100 · Paid" in page.inner_text("main")
    step("5-renewals")


@pytest.mark.parametrize("width", [1280, 375])
def test_staff_see_the_payment_and_its_refund_and_the_fees_received(page, fake_stripe, width):
    from renewals.payments import services as payments
    from tests.factories import StaffFactory

    page.set_viewport_size({"width": width, "height": 900})
    today = timezone.now().date()
    holder = PractitionerFactory()
    credential = credential_expiring(today + datetime.timedelta(days=40), holder=holder)
    seus_for(holder, 20, earned_on=today - datetime.timedelta(days=30))
    payment = payments.submit_and_pay(practitioner=holder, credentials=[credential])
    assert fake_stripe.deliver(fake_stripe.pay(payment.session_id)) == 200
    assert fake_stripe.deliver(fake_stripe.refund(payment.session_id)) == 200

    staff = StaffFactory()
    log_in(page, staff.email, PASSWORD)
    page.goto(f"/staff/practitioners/{holder.pk}/")
    assert "Refunded" in page.locator("#renewals + ul").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.screenshot(path=str(ARTIFACTS / f"stripe-{width}-staff-file.png"), full_page=True)
    page.goto("/staff/reports/")
    fees = page.locator("#fees-received")
    assert "US$100" in fees.inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    fees.screenshot(path=str(ARTIFACTS / f"stripe-{width}-staff-fees.png"))
