"""A practitioner's walk, at desktop and phone width: sign up with a name (the time zone is taken
from the browser), confirm the address, see the dashboard, log SEUs, take the offer to
renew two credentials together, submit, and open the verification page a shared link
previews (Open Graph / Twitter tags). On every page: no serious or critical axe-core
violation and nothing wider than the screen. Screenshots of each step go to
test-artifacts/ (practitioner-renewal-<width>-<step>.png)."""

import datetime
import re

import pytest
from django.core import mail
from django.utils import timezone

from certifications.models import Practitioner
from renewals.models import Renewal
from tests.e2e.axe import serious_violations
from tests.factories import CredentialFactory, ProgramFactory

from .conftest import ARTIFACTS, log_in

PASSWORD = "a-long-unusual-passphrase-42"


@pytest.fixture
def browser_context_options():
    """A browser whose clock says Europe/Berlin, as a practitioner's laptop in Berlin."""
    return {"timezone_id": "Europe/Berlin"}


def meta(page, attribute, name):
    return page.locator(f'meta[{attribute}="{name}"]').get_attribute("content")


@pytest.mark.parametrize("width", [1280, 375])
def test_sign_up_log_seus_renew_two_credentials_together_and_share_the_verify_page(page, width):
    page.set_viewport_size({"width": width, "height": 900})
    email = f"renewer{width}@example.com"
    today = timezone.now().date()

    def step(name):
        """Every page of the walk: within the screen, no serious axe finding, a shot."""
        assert page.evaluate("document.documentElement.scrollWidth") <= width, page.url
        assert serious_violations(page) == [], page.url
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"practitioner-renewal-{width}-{name}.png"))

    page.goto("/accounts/signup/")
    assert page.get_by_label("Time zone").input_value() == "Europe/Berlin"
    assert "Set from your browser" in page.locator(".time-zone-suggestion").inner_text()
    page.get_by_label("First name").fill("Renata")
    page.get_by_label("Last name").fill("Renewer")
    page.locator("#id_email").fill(email)
    page.locator("#id_password1").fill(PASSWORD)
    page.locator("#id_password2").fill(PASSWORD)
    step("1-sign-up")
    page.get_by_role("button", name="Sign up", exact=True).click()
    page.wait_for_url("**/accounts/confirm-email/")
    link = re.search(r"https?://\S+", mail.outbox[-1].body).group(0)
    page.goto(re.sub(r"^https?://[^/]+", "", link))
    page.get_by_role("button", name="Confirm").click()
    practitioner = Practitioner.objects.get(user__email=email)
    assert practitioner.time_zone == "Europe/Berlin"
    assert practitioner.full_name == "Renata Renewer"

    # Her trainers' courses closed months ago: she holds a CSPO and a CSM, both open
    # for renewal; renewing them together needs 30 SEUs and one fee instead of 40 and two.
    cspo = CredentialFactory(holder=practitioner, issued_on=today - datetime.timedelta(days=100))
    csm = CredentialFactory(
        holder=practitioner,
        program=ProgramFactory(code="CSM"),
        issued_on=today - datetime.timedelta(days=200),
    )

    log_in(page, email, PASSWORD)
    page.wait_for_url("**/")
    card = page.locator(f"#credential-{cspo.pk}").locator("xpath=ancestor::article")
    assert "0 / 20" in card.inner_text()
    assert "not paid yet" not in card.inner_text()
    step("2-dashboard")

    for days_ago, activity, seus in [  # 30 SEUs, at most 8 a day
        (4, "Agile meetup", "8"),
        (3, "Course day", "8"),
        (2, "Conference", "8"),
        (1, "Books", "6"),
    ]:
        page.goto("/seus/new/")
        page.get_by_label("Date earned").fill(
            (today - datetime.timedelta(days=days_ago)).isoformat()
        )
        page.get_by_label("Activity title").fill(activity)
        page.get_by_label("SEUs (hours)").fill(seus)
        if days_ago == 1:
            step("3-log-seus")
        page.get_by_role("button", name="Log SEUs").click()
        page.wait_for_url("**/seus/")
    step("4-seu-log")

    page.goto("/")
    card.get_by_role("link", name="Submit your renewal").click()
    page.wait_for_url("**/renewals/submit/?credential=*")
    offer = page.locator("#combined-offer")
    assert "together" in offer.inner_text() and "one" in offer.inner_text()
    step("5-submit-one")
    offer.get_by_role("link", name="Renew them together").click()
    page.wait_for_url("**/renewals/submit/?credential=*&credential=*")
    used = page.locator("#entries-used").inner_text()
    assert all(a in used for a in ("Agile meetup", "Course day", "Conference", "Books"))
    page.get_by_label("Payment reference").fill("RCPT-2026-001")
    step("6-submit-together")
    page.get_by_role("button", name="Submit renewal").click()
    page.wait_for_url("**/renewals/")
    assert "Renewal submitted" in page.content()
    step("7-submitted")
    renewal = Renewal.objects.get(practitioner=practitioner)
    assert set(renewal.cycles.values_list("credential", flat=True)) == {cspo.pk, csm.pk}
    assert renewal.seus_required == 30
    assert renewal.payment_reference == "RCPT-2026-001"

    page.goto("/")
    assert "staff are confirming your fee payment" in card.inner_text()
    step("8-dashboard-waiting")

    page.goto(f"/verify/{cspo.certificate_number.lower()}/")
    assert "Renata Renewer" in page.locator("main").inner_text()
    assert "Renata Renewer" in meta(page, "property", "og:title")
    assert meta(page, "property", "og:image").endswith(".png")
    assert meta(page, "name", "twitter:card") == "summary_large_image"
    assert cspo.certificate_number in meta(page, "property", "og:url")
    step("9-verify")
