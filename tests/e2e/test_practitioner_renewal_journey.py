"""Issue 8: a new practitioner's way from sign-up to a submitted renewal, at desktop and
phone width: sign up with a name, confirm the address, log in, see the dashboard, log
SEUs, and submit the renewal the dashboard offers. Screenshots of each step go to
test-artifacts/ (practitioner-renewal-<width>-<step>.png)."""

import datetime
import re

import pytest
from django.core import mail
from django.utils import timezone

from certifications.models import Credential
from certifications.services import get_or_create_practitioner
from renewals.models import Renewal
from tests.factories import CredentialFactory

from .conftest import log_in

PASSWORD = "a-long-unusual-passphrase-42"


def fits(page, width):
    assert page.evaluate("document.documentElement.scrollWidth") <= width, page.url


@pytest.mark.parametrize("width", [1280, 375])
def test_sign_up_with_a_name_log_seus_and_submit_the_renewal(page, screenshot, width):
    page.set_viewport_size({"width": width, "height": 900})
    email = f"renewer{width}@example.com"
    shot = lambda step: screenshot(f"practitioner-renewal-{width}-{step}")  # noqa: E731
    today = timezone.now().date()

    page.goto("/accounts/signup/")
    page.get_by_label("First name").fill("Renata")
    page.get_by_label("Last name").fill("Renewer")
    page.locator("#id_email").fill(email)
    page.locator("#id_password1").fill(PASSWORD)
    page.locator("#id_password2").fill(PASSWORD)
    fits(page, width)
    shot("1-sign-up")
    page.get_by_role("button", name="Sign up", exact=True).click()
    page.wait_for_url("**/accounts/confirm-email/")
    link = re.search(r"https?://\S+", mail.outbox[-1].body).group(0)
    page.goto(re.sub(r"^https?://[^/]+", "", link))
    page.get_by_role("button", name="Confirm").click()

    # Her trainer's course closed 100 days ago: she holds a CSPO, renewal open.
    practitioner, _ = get_or_create_practitioner(email=email)
    credential = CredentialFactory(
        holder=practitioner, issued_on=today - datetime.timedelta(days=100)
    )

    log_in(page, email, PASSWORD)
    page.wait_for_url("**/")
    card = page.locator(f"#credential-{credential.pk}").locator("xpath=ancestor::article")
    assert "0 / 20" in card.inner_text()
    assert "Log 20 more SEUs before" in card.inner_text()
    assert "not paid yet" not in card.inner_text()
    fits(page, width)
    shot("2-dashboard")

    for days_ago, activity, seus in [
        (3, "Agile meetup", "8"),
        (2, "Course day", "8"),
        (1, "Books", "4"),
    ]:
        page.goto("/seus/new/")
        page.get_by_label("Date earned").fill(
            (today - datetime.timedelta(days=days_ago)).isoformat()
        )
        page.get_by_label("Activity title").fill(activity)
        page.get_by_label("SEUs (hours)").fill(seus)
        page.get_by_role("button", name="Log SEUs").click()
        page.wait_for_url("**/seus/")
    fits(page, width)
    shot("3-seu-log")

    page.goto("/")
    assert "20 / 20" in card.inner_text()
    fits(page, width)
    shot("4-dashboard-ready")
    card.get_by_role("link", name="Submit your renewal").click()
    page.wait_for_url("**/renewals/submit/?credential=*")
    used = page.locator("#entries-used").inner_text()
    assert "Agile meetup" in used and "Course day" in used and "Books" in used
    page.get_by_label("Payment reference").fill("RCPT-2026-001")
    fits(page, width)
    shot("5-submit")
    page.get_by_role("button", name="Submit renewal").click()
    page.wait_for_url("**/renewals/")
    assert "Renewal submitted" in page.content()
    fits(page, width)
    shot("6-submitted")

    page.goto("/")
    assert "staff are confirming your fee payment" in card.inner_text()
    assert "US$100 paid: staff are confirming it" in card.inner_text()
    fits(page, width)
    shot("7-dashboard-waiting")
    renewal = Renewal.objects.get(practitioner=practitioner)
    assert renewal.payment_reference == "RCPT-2026-001"
    assert Credential.objects.get(pk=credential.pk).holder.full_name == "Renata Renewer"
