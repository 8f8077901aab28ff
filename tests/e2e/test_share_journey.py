"""Browser walk of the "beyond the anchors" features: the card's at-a-glance charts,
the LinkedIn button, claiming a credential, and an SEU audit from selection to
acceptance (issues 8 and 9), at 1280 and 375 px, nothing wider than the screen."""

import datetime
import os
from pathlib import Path

from certifications.models import Credential
from renewals import services
from renewals.audits.models import SeuAudit
from renewals.claims.models import CredentialClaim
from tests.e2e.conftest import ARTIFACTS, log_in
from tests.factories import (
    EVIDENCE_PNG,
    PASSWORD,
    PractitionerFactory,
    ProgramFactory,
    StaffFactory,
    UserFactory,
    credential_expiring,
    seus_for,
)

SHOTS = Path(os.environ.get("SHARE_SHOTS", str(ARTIFACTS)))
PNG = EVIDENCE_PNG


def shot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def fits(page):
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_card_charts_share_and_claim_at_both_widths(page, live_server):
    today = datetime.date.today()
    holder = PractitionerFactory(user=UserFactory(first_name="Ada", last_name="Lovelace"))
    credential_expiring(today + datetime.timedelta(days=300), holder=holder)
    credential_expiring(today + datetime.timedelta(days=500), program="CSM", holder=holder)
    seus_for(holder, 6, earned_on=today - datetime.timedelta(days=200), code="A")
    seus_for(holder, 5, earned_on=today - datetime.timedelta(days=60), code="C")

    log_in(page, holder.user.email, PASSWORD)
    page.wait_for_url("**/")
    assert page.locator("svg.glance-chart").count() == 2
    assert page.locator("a.linkedin-add").count() == 2
    assert "pace" in page.locator("[data-pace]").first.inner_text()
    shot(page, "card-chart-1280")
    page.set_viewport_size({"width": 375, "height": 800})
    assert fits(page)
    shot(page, "card-chart-375")

    page.goto("/renewals/claim/")
    page.get_by_label("Certification").select_option(
        label=f"{ProgramFactory(code='CSD').name} (CSD)"
    )  # a program Ada does not hold yet: a claim of one she holds is not approved
    page.get_by_label("Certificate number").fill("csd-e2e-0001")
    page.get_by_label("Issued on").fill((today - datetime.timedelta(days=100)).isoformat())
    page.get_by_role("button", name="Send the claim").click()
    page.wait_for_url("**/renewals/claim/")
    assert "CSD-E2E-0001" in page.content()
    assert fits(page)
    shot(page, "claim-375")
    page.set_viewport_size({"width": 1280, "height": 900})
    shot(page, "claim-1280")

    staff = StaffFactory()
    staff_context = page.context.browser.new_context(base_url=live_server.url)
    staff_page = staff_context.new_page()
    log_in(staff_page, staff.email, PASSWORD)
    staff_page.goto("/renewals/staff/claims/")
    staff_page.get_by_role("button", name="Approve and issue").click()
    staff_page.wait_for_url("**/renewals/staff/claims/")
    staff_context.close()
    assert CredentialClaim.objects.get().status == "approved"
    assert Credential.objects.filter(certificate_number="CSD-E2E-0001", holder=holder).exists()


def test_an_seu_audit_from_selection_to_acceptance(page, live_server, tmp_path):
    today = datetime.date.today()
    holder = PractitionerFactory()
    credential = credential_expiring(today + datetime.timedelta(days=40), holder=holder)
    seus_for(holder, 20, earned_on=today - datetime.timedelta(days=20))
    services.submit_renewal(practitioner=holder, credentials=[credential], payment_reference="P-1")

    staff = StaffFactory()
    staff_context = page.context.browser.new_context(base_url=live_server.url)
    staff_page = staff_context.new_page()
    log_in(staff_page, staff.email, PASSWORD)
    staff_page.goto("/renewals/staff/audits/")
    staff_page.get_by_label("Share of waiting renewals (%)").fill("100")
    staff_page.get_by_role("button", name="Select at random").click()
    staff_page.wait_for_url("**/renewals/staff/audits/")
    audit = SeuAudit.objects.get()

    log_in(page, holder.user.email, PASSWORD)
    page.wait_for_url("**/")
    page.get_by_role("link", name="send evidence for its entries").click()
    evidence = tmp_path / "attendance.png"
    evidence.write_bytes(PNG)
    for item in audit.items.order_by("pk"):
        page.set_input_files(f"#id_item{item.pk}-evidence", str(evidence))
        page.locator(f"form:has(input[name=item][value='{item.pk}'])").get_by_role(
            "button", name="Send the evidence"
        ).click()
        page.wait_for_url(f"**/renewals/audits/{audit.pk}/")
    page.set_viewport_size({"width": 375, "height": 800})
    assert fits(page)
    shot(page, "audit-practitioner-375")

    staff_page.reload()
    while staff_page.get_by_role("button", name="Accept").count():
        staff_page.get_by_role("button", name="Accept").first.click()
        staff_page.wait_for_url("**/renewals/staff/audits/")
    staff_page.set_viewport_size({"width": 375, "height": 800})
    assert fits(staff_page)
    shot(staff_page, "audit-staff-375")
    staff_context.close()
    audit.refresh_from_db()
    assert audit.status == SeuAudit.Status.PASSED
