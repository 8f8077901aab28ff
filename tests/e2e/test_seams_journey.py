"""A browser walk across the seams, at 1280 and 375 px, axe-core clean on each page: a
claim of a program the claimant holds (staff are told, approval is not offered), an
SEU audit up to the fee (the fee page explains why it cannot be confirmed yet), and the
console showing each queue that waits for a person."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from renewals import services
from renewals.audits import services as audits
from renewals.claims.services import submit_claim
from tests.e2e.axe import serious_violations
from tests.e2e.conftest import log_in
from tests.factories import (
    EVIDENCE_PNG,
    PASSWORD,
    CredentialFactory,
    PractitionerFactory,
    ProgramFactory,
    StaffFactory,
    UserFactory,
    credential_expiring,
    seus_for,
)


def _world():
    today = datetime.date.today()
    staff = StaffFactory()
    cspo = ProgramFactory(code="CSPO")
    claimant = PractitionerFactory(user=UserFactory(first_name="Clara", last_name="Claim"))
    held = CredentialFactory(holder=claimant, program=cspo, issued_on=today.replace(day=1))
    submit_claim(
        practitioner=claimant,
        program=cspo,
        certificate_number="CSPO-ELSEWHERE9",
        issued_on=today - datetime.timedelta(days=200),
    )
    holder = PractitionerFactory(user=UserFactory(first_name="Audie", last_name="Audit"))
    credential = credential_expiring(
        today + datetime.timedelta(days=60), program=cspo, holder=holder
    )
    seus_for(holder, 20, earned_on=today - datetime.timedelta(days=30))
    renewal = services.submit_renewal(
        practitioner=holder, credentials=[credential], payment_reference="WALK-1"
    )
    audit = audits.select_for_audit(renewal=renewal, by=staff)
    for item in audits.audit_items(audit):
        audits.send_evidence(
            item=item,
            practitioner=holder,
            evidence=SimpleUploadedFile("proof.png", EVIDENCE_PNG, "image/png"),
        )
    return staff, held, holder, renewal


@pytest.mark.parametrize("width", [1280, 375])
def test_a_claim_of_a_held_program_an_audit_up_to_the_fee_and_the_console(page, width):
    staff, held, holder, renewal = _world()
    page.set_viewport_size({"width": width, "height": 900})
    found = {}

    def check(url):
        page.goto(url)
        violations = serious_violations(page)
        if violations:
            found[url] = violations
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), url
        return page.locator("main").inner_text()

    log_in(page, holder.user.email, PASSWORD)
    dashboard = check("/")
    assert "Under SEU audit: evidence being reviewed" in dashboard
    assert "staff have your evidence for every entry" in dashboard
    page.context.clear_cookies()

    log_in(page, staff.email, PASSWORD)
    console = check("/staff/")
    assert "Claims waiting for a decision" in console
    assert "SEU audits with evidence to review" in console
    claims = check("/renewals/staff/claims/")
    assert "Holds CSPO already" in claims and held.certificate_number in claims
    assert page.get_by_role("button", name="Approve and issue").count() == 0
    queue = check("/renewals/staff/")
    assert "Under SEU audit" in queue
    assert page.get_by_role("link", name="Confirm fee…").count() == 0
    fee = check(f"/renewals/staff/{renewal.pk}/confirm-fee/")
    assert "under SEU audit" in fee
    assert page.get_by_role("button", name="Confirm fee").count() == 0
    audits_page = check("/renewals/staff/audits/")
    assert "Evidence received: waiting for staff review" in audits_page
    check(f"/staff/practitioners/{holder.pk}/")
    assert found == {}, "\n".join(f"{u}: {v}" for u, v in found.items())
