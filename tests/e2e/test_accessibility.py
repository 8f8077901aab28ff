"""axe-core on the practitioner's pages at 1280 and 375 px: no serious or critical
violation; and the profile suggests the browser's zone."""

import datetime

import pytest

from renewals import services
from renewals.audits import services as audits
from tests.e2e.axe import serious_violations
from tests.e2e.conftest import log_in
from tests.factories import (
    PASSWORD,
    PractitionerFactory,
    StaffFactory,
    UserFactory,
    credential_expiring,
    seus_for,
)

PAGES = [
    "/",
    "/seus/",
    "/seus/new/",
    "/profile/",
    "/profile/erase/",
    "/renewals/",
    "/renewals/submit/",
    "/renewals/claim/",
    "/renewals/notifications/",
]


@pytest.mark.parametrize("width", [1280, 375])
def test_practitioner_pages_have_no_serious_accessibility_violation(page, width):
    today = datetime.date.today()
    holder = PractitionerFactory(user=UserFactory(first_name="Grace", last_name="Hopper"))
    cspo = credential_expiring(today + datetime.timedelta(days=60), holder=holder)
    credential_expiring(today + datetime.timedelta(days=400), program="CSM", holder=holder)
    seus_for(holder, 24, earned_on=today - datetime.timedelta(days=30), code="C")
    renewal = services.submit_renewal(
        practitioner=holder, credentials=[cspo], payment_reference="A11Y-1"
    )
    audit = audits.select_for_audit(renewal=renewal, by=StaffFactory())
    page.set_viewport_size({"width": width, "height": 900})
    log_in(page, holder.user.email, PASSWORD)
    page.wait_for_url("**/")
    found = {}
    for url in [*PAGES, f"/renewals/audits/{audit.pk}/", f"/verify/{cspo.certificate_number}/"]:
        page.goto(url)
        violations = serious_violations(page)
        if violations:
            found[url] = violations
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), url
    assert found == {}, "\n".join(f"{u}: {v}" for u, v in found.items())


def test_the_profile_suggests_the_browsers_time_zone(browser, live_server, settings):
    settings.ALLOWED_HOSTS = ["*"]
    holder = PractitionerFactory()
    context = browser.new_context(base_url=live_server.url, timezone_id="Asia/Tokyo")
    page = context.new_page()
    log_in(page, holder.user.email, PASSWORD)
    page.goto("/profile/")
    hint = page.locator(".time-zone-suggestion")
    suggestion = hint.locator("button")
    # Every word comes from the page's translated data-* attributes, the zone filled in.
    assert hint.inner_text() == "Your browser's time zone is Asia/Tokyo. Use Asia/Tokyo"
    assert suggestion.inner_text() == "Use Asia/Tokyo"
    suggestion.click()
    assert page.locator("select[name=time_zone]").input_value() == "Asia/Tokyo"
    assert hint.inner_text() == "Time zone set to Asia/Tokyo: save to keep it."
    context.close()
