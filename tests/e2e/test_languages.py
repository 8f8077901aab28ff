"""A practitioner's walk in German and in Japanese, chosen by the browser's language:
sign up, confirm, dashboard, log SEUs, renew, and the verify page. At 1280 and 375 px:
<html lang> says the language, no serious or critical axe-core violation, nothing wider
than a phone's screen. Fields are found by id and buttons by position, never by English
words, so the walk still holds once the catalogs are translated. Screenshots go to
test-artifacts/languages-<lang>-<width>-<step>.png."""

import datetime
import re

import pytest
from django.core import mail
from django.utils import timezone

from certifications.models import Practitioner
from renewals.models import Renewal
from tests.e2e.axe import serious_violations
from tests.factories import CredentialFactory

from .conftest import ARTIFACTS

PASSWORD = "a-long-unusual-passphrase-42"
BROWSERS = {"de": "de-DE", "ja": "ja-JP"}


@pytest.fixture(params=["de", "ja"])
def language(request):
    return request.param


@pytest.fixture
def browser_context_options(language):
    """A browser set to German or Japanese: Accept-Language and navigator.language."""
    return {"locale": BROWSERS[language], "timezone_id": "Europe/Berlin"}


def submit(page, field=None, *, button=0):
    """Send the form holding `field` (else the page's one form in main) with its submit
    button number `button` (-1: the last)."""
    form = (
        page.locator(field).locator("xpath=ancestor::form")
        if field
        else page.locator("main form[method=post]").first
    )
    form.locator("button[type=submit]").nth(button).click()


@pytest.mark.parametrize("width", [1280, 375])
def test_a_practitioner_walks_the_site_in_their_language(page, language, width):
    page.set_viewport_size({"width": width, "height": 900})
    email = f"walker-{language}-{width}@example.com"
    today = timezone.now().date()

    def step(name):
        assert page.locator("html").get_attribute("lang") == language, page.url
        if width == 375:
            assert page.evaluate("document.documentElement.scrollWidth") <= width, page.url
        assert serious_violations(page) == [], page.url
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"languages-{language}-{width}-{name}.png"))

    page.goto("/accounts/signup/")
    page.locator("#id_first_name").fill("Hana")
    page.locator("#id_last_name").fill("Walker")
    page.locator("#id_email").fill(email)
    page.locator("#id_password1").fill(PASSWORD)
    page.locator("#id_password2").fill(PASSWORD)
    step("1-sign-up")
    submit(page, "#id_email")
    page.wait_for_url("**/accounts/confirm-email/")
    link = re.search(r"https?://\S+", mail.outbox[-1].body).group(0)
    page.goto(re.sub(r"^https?://[^/]+", "", link))
    submit(page)
    practitioner = Practitioner.objects.get(user__email=email)
    credential = CredentialFactory(
        holder=practitioner, issued_on=today - datetime.timedelta(days=100)
    )

    page.goto("/accounts/login/")
    page.locator("#id_login").fill(email)
    page.locator("#id_password").fill(PASSWORD)
    submit(page, "#id_password")
    page.wait_for_url("**/")
    assert page.locator(f"#credential-{credential.pk}").count() == 1
    step("2-dashboard")

    for days_ago, seus in [(3, "8"), (2, "8"), (1, "4")]:
        page.goto("/seus/new/")
        page.locator("#id_earned_on").fill((today - datetime.timedelta(days=days_ago)).isoformat())
        page.locator("#id_activity").fill(f"Meetup {days_ago}")
        page.locator("#id_seus").fill(seus)
        if days_ago == 1:
            step("3-log-seus")
        submit(page, "#id_activity")
        page.wait_for_url("**/seus/")
    step("4-seu-log")

    page.goto(f"/renewals/submit/?credential={credential.pk}")
    page.locator("#id_payment_reference").fill("RCPT-2026-007")
    step("5-renew")
    submit(page, "#id_payment_reference", button=-1)  # not the preview button
    page.wait_for_url("**/renewals/")
    step("6-submitted")
    assert Renewal.objects.get(practitioner=practitioner).payment_reference == "RCPT-2026-007"

    page.goto(f"/verify/{credential.certificate_number}/")
    assert "Hana Walker" in page.locator("main").inner_text()
    step("7-verify")
