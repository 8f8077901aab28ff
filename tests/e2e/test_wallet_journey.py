"""Browser walk of "Add to wallet" (OpenID4VCI): from the dashboard card to the offer's
QR code and link, at 1280 and 375 px, nothing wider than the screen, no serious axe
violation. The wallet's side of the flow is tests/certifications/wallet/."""

import datetime
import json
from urllib.parse import parse_qs, urlsplit

from tests.e2e.axe import serious_violations
from tests.e2e.conftest import log_in
from tests.factories import PASSWORD, PractitionerFactory, UserFactory, credential_expiring


def fits(page):
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_the_holder_shows_a_wallet_offer_at_both_widths(page, live_server, screenshot):
    holder = PractitionerFactory(user=UserFactory(first_name="Ada", last_name="Lovelace"))
    credential = credential_expiring(
        datetime.date.today() + datetime.timedelta(days=300), holder=holder
    )
    log_in(page, holder.user.email, PASSWORD)
    page.wait_for_url("**/")
    page.get_by_role("link", name="Add to wallet").first.click()
    page.wait_for_url(f"**/credentials/{credential.certificate_number}/wallet/")
    page.get_by_role("button", name="Show the offer for my wallet").click()

    qr = page.get_by_role("img", name="QR code of the credential offer")
    assert qr.locator("svg").is_visible()
    link = page.get_by_role("link", name="Open the offer in your wallet").get_attribute("href")
    offer = json.loads(parse_qs(urlsplit(link).query)["credential_offer"][0])
    assert offer["credential_issuer"] == live_server.url
    assert serious_violations(page) == []
    screenshot("wallet-offer-1280")

    page.set_viewport_size({"width": 375, "height": 800})
    assert fits(page)
    width = qr.locator("svg").bounding_box()["width"]
    assert 200 <= width <= 375  # scannable, and within the screen
    screenshot("wallet-offer-375")
