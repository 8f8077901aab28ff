import datetime

from certifications.dates import add_months
from renewals.models import Renewal
from tests.e2e.conftest import ARTIFACTS, log_in
from tests.factories import (
    PASSWORD,
    PractitionerFactory,
    StaffFactory,
    credential_expiring,
    seus_for,
)


def test_a_practitioner_renews_csm_and_cspo_together_and_staff_confirm_the_fee(
    page, screenshot, live_server
):
    today = datetime.date.today()
    holder = PractitionerFactory()
    cspo = credential_expiring(today + datetime.timedelta(days=40), holder=holder)
    csm = credential_expiring(add_months(today, 3), program="CSM", holder=holder)
    seus_for(holder, 30, earned_on=today - datetime.timedelta(days=20))

    log_in(page, holder.user.email, PASSWORD)
    page.wait_for_url("**/")
    page.goto(f"/renewals/submit/?credential={cspo.pk}")
    assert "20 SEUs" in page.locator("#requirement").inner_text()
    page.get_by_label(csm.certificate_number, exact=False).check()  # recomputes on the server
    page.wait_for_function("document.querySelector('#requirement-seus').textContent.includes('30')")
    assert "US$100" in page.locator("#requirement-fee").inner_text()
    page.get_by_label("Payment reference").fill("PAY-E2E-1")
    screenshot("renewal-submit")
    page.get_by_role("button", name="Submit renewal").click()
    page.wait_for_url("**/renewals/")
    assert "Awaiting confirmation" in page.content()

    staff = StaffFactory()
    staff_context = page.context.browser.new_context(base_url=live_server.url)
    staff_page = staff_context.new_page()
    log_in(staff_page, staff.email, PASSWORD)
    staff_page.wait_for_url("**/")
    staff_page.goto("/renewals/staff/")
    assert "PAY-E2E-1" in staff_page.content()
    staff_page.get_by_role("link", name="Confirm fee…").click()
    assert "Renewal confirmation to" in staff_page.locator("#emails-sent").inner_text()
    staff_page.get_by_role("button", name="Confirm fee").click()
    staff_page.wait_for_url("**/renewals/staff/")
    assert "The renewal is complete" in staff_page.content()
    staff_page.set_viewport_size({"width": 375, "height": 800})
    staff_page.screenshot(path=str(ARTIFACTS / "renewal-staff-375.png"), full_page=True)
    staff_context.close()

    renewal = Renewal.objects.get()
    assert renewal.status == Renewal.Status.COMPLETED
    cspo.refresh_from_db()
    assert cspo.expires_on == add_months(today + datetime.timedelta(days=40), 24)
