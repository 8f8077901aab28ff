"""Claim: a practitioner claims a credential issued elsewhere by its number;
staff approve it (the credential is issued and its cycle opens) or reject it."""

import datetime

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError
from django.urls import reverse

from certifications.models import Credential
from cspo_tracker.outbox.models import OutboundEmail
from renewals.claims.models import CredentialClaim
from renewals.claims.services import approve_claim, reject_claim, submit_claim
from renewals.models import RenewalCycle
from tests.factories import EVIDENCE_PNG, CredentialFactory, ProgramFactory, StaffFactory

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 3, 1, 12, 0, tzinfo=datetime.UTC)
PNG = EVIDENCE_PNG


@pytest.fixture
def staff_browser(db):
    """Staff in a client of their own, beside the practitioner's."""
    from django.test import Client

    browser = Client()
    browser.force_login(StaffFactory())
    return browser


@pytest.fixture(autouse=True)
def _fixed_now():
    with time_machine.travel(NOW, tick=False):
        yield


def claim_form(client, **fields):
    data = {
        "program": ProgramFactory(code="CSPO").pk,
        "certificate_number": " cspo-abc123 ",
        "issued_on": "2025-09-10",
    }
    data.update(fields)
    return client.post(reverse("renewals:claim"), data)


def test_a_practitioner_claims_a_number_and_is_told_it_waits(practitioner_client):
    response = claim_form(
        practitioner_client, evidence=SimpleUploadedFile("cert.png", PNG, "image/png")
    )
    assert response.status_code == 302
    claim = CredentialClaim.objects.get()
    assert claim.certificate_number == "CSPO-ABC123"
    assert claim.status == CredentialClaim.Status.PENDING and claim.evidence
    page = practitioner_client.get(reverse("renewals:claim")).content.decode()
    assert "CSPO-ABC123" in page and 'data-claim-status="pending"' in page
    [email] = OutboundEmail.objects.filter(template="claim_received")
    assert email.to == practitioner_client.practitioner.email


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"issued_on": "2026-03-02"}, "issued_on", "cannot be in the future"),
        ({"certificate_number": "CSPO ABC"}, "certificate_number", "capital letters, digits"),
        (
            {"evidence": SimpleUploadedFile("cert.png", b"not an image", "image/png")},
            "evidence",
            "PDF, PNG or JPEG",
        ),
    ],
)
def test_bad_input_is_refused_beside_its_field(practitioner_client, fields, field, message):
    response = claim_form(practitioner_client, **fields)
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert not CredentialClaim.objects.exists() and not OutboundEmail.objects.exists()


def test_a_number_already_held_here_or_claimed_cannot_be_claimed(practitioner, cspo):
    held = CredentialFactory(program=cspo)
    with pytest.raises(Exception, match="already recorded here"):
        submit_claim(
            practitioner=practitioner,
            program=cspo,
            certificate_number=held.certificate_number.lower(),
            issued_on=datetime.date(2025, 1, 1),
        )
    submit_claim(
        practitioner=practitioner,
        program=cspo,
        certificate_number="CSPO-X1",
        issued_on=datetime.date(2025, 1, 1),
    )
    with pytest.raises(Exception, match="already claimed"):
        submit_claim(
            practitioner=practitioner,
            program=cspo,
            certificate_number="cspo-x1",
            issued_on=datetime.date(2025, 1, 1),
        )


def test_the_database_keeps_one_open_claim_per_number(practitioner, cspo):
    fields = {
        "program": cspo,
        "certificate_number": "CSPO-X1",
        "issued_on": datetime.date(2025, 1, 1),
    }
    CredentialClaim.objects.create(practitioner=practitioner, **fields)
    with pytest.raises(IntegrityError):
        CredentialClaim.objects.create(practitioner=practitioner, **fields)


def test_approval_issues_the_credential_and_opens_its_cycle(practitioner, cspo):
    claim = submit_claim(
        practitioner=practitioner,
        program=cspo,
        certificate_number="CSPO-X1",
        issued_on=datetime.date(2025, 9, 10),
    )
    staff = StaffFactory()
    approve_claim(claim=claim, by=staff)
    claim.refresh_from_db()
    credential = Credential.objects.get(certificate_number="CSPO-X1")
    assert claim.credential == credential and claim.decided_by == staff
    assert credential.holder == practitioner
    assert credential.expires_on == datetime.date(2027, 9, 10)
    assert RenewalCycle.objects.filter(credential=credential, status="open").exists()
    assert (
        OutboundEmail.objects.filter(template="claim_approved", to=practitioner.email).count() == 1
    )
    with pytest.raises(Exception, match="already decided"):
        approve_claim(claim=claim, by=staff)
    assert Credential.objects.filter(certificate_number="CSPO-X1").count() == 1


def test_rejection_needs_a_reason_and_emails_it(practitioner, cspo):
    claim = submit_claim(
        practitioner=practitioner,
        program=cspo,
        certificate_number="CSPO-X1",
        issued_on=datetime.date(2025, 9, 10),
    )
    with pytest.raises(Exception, match="Say why"):
        reject_claim(claim=claim, by=StaffFactory(), reason="  ")
    reject_claim(claim=claim, by=StaffFactory(), reason="Not in the issuer's records")
    [email] = OutboundEmail.objects.filter(template="claim_rejected")
    assert "Not in the issuer's records" in email.body_text
    assert not Credential.objects.exists()
    # A rejected claim no longer blocks the number: it can be claimed again.
    submit_claim(
        practitioner=practitioner,
        program=cspo,
        certificate_number="CSPO-X1",
        issued_on=datetime.date(2025, 9, 11),
    )


def test_staff_approve_from_their_list_and_practitioners_cannot(
    practitioner_client, staff_browser, cspo
):
    staff_client = staff_browser
    claim_form(practitioner_client)
    claim = CredentialClaim.objects.get()
    assert practitioner_client.get(reverse("staff_claims")).status_code == 403
    assert (
        practitioner_client.post(reverse("staff_approve_claim", args=[claim.pk])).status_code == 403
    )
    page = staff_client.get(reverse("staff_claims")).content.decode()
    assert "CSPO-ABC123" in page and "would expire 10 Sep 2027" in page
    staff_client.post(reverse("staff_approve_claim", args=[claim.pk]))
    claim.refresh_from_db()
    assert claim.status == CredentialClaim.Status.APPROVED
    dashboard = practitioner_client.get(reverse("dashboard")).content.decode()
    assert "CSPO-ABC123" in dashboard


def test_staff_reject_from_their_list_with_a_reason(staff_client, practitioner, cspo):
    claim = submit_claim(
        practitioner=practitioner,
        program=cspo,
        certificate_number="CSPO-X1",
        issued_on=datetime.date(2025, 9, 10),
    )
    url = reverse("staff_reject_claim", args=[claim.pk])
    staff_client.post(url, {"reason": ""})
    claim.refresh_from_db()
    assert claim.status == CredentialClaim.Status.PENDING
    staff_client.post(url, {"reason": "Unknown number"})
    claim.refresh_from_db()
    assert claim.status == CredentialClaim.Status.REJECTED


@pytest.mark.parametrize("count", [1, 5])
def test_the_staff_list_reads_in_a_fixed_number_of_queries(
    staff_client, cspo, django_assert_max_num_queries, count
):
    from tests.factories import PractitionerFactory

    for i in range(count):
        submit_claim(
            practitioner=PractitionerFactory(),
            program=cspo,
            certificate_number=f"CSPO-N{i}",
            issued_on=datetime.date(2025, 9, 10),
        )
    with django_assert_max_num_queries(12):
        response = staff_client.get(reverse("staff_claims"))
    assert response.content.decode().count('class="card mb-3 claim"') == count


def test_a_claim_of_a_program_held_already_is_not_approved_and_issues_nothing(practitioner, cspo):
    held = CredentialFactory(holder=practitioner, program=cspo, issued_on=datetime.date(2025, 6, 1))
    claim = submit_claim(
        practitioner=practitioner,
        program=cspo,
        certificate_number="CSPO-X1",
        issued_on=datetime.date(2025, 9, 10),
    )
    with pytest.raises(Exception, match=f"holds CSPO {held.certificate_number} already"):
        approve_claim(claim=claim, by=StaffFactory())
    claim.refresh_from_db()
    assert claim.status == CredentialClaim.Status.PENDING
    assert list(Credential.objects.filter(holder=practitioner)) == [held]
    assert not OutboundEmail.objects.filter(template="claim_approved").exists()


def test_a_claim_of_a_program_whose_credential_lapsed_is_approved(practitioner, cspo):
    # Issued 2023-01-01, expired 2025-01-01, grace over 2025-04-01: no longer held.
    CredentialFactory(holder=practitioner, program=cspo, issued_on=datetime.date(2023, 1, 1))
    claim = submit_claim(
        practitioner=practitioner,
        program=cspo,
        certificate_number="CSPO-X1",
        issued_on=datetime.date(2025, 9, 10),
    )
    approve_claim(claim=claim, by=StaffFactory())
    assert Credential.objects.filter(holder=practitioner).count() == 2


def test_the_review_page_says_the_claimant_holds_it_already_and_offers_no_approval(
    staff_browser, practitioner, cspo
):
    held = CredentialFactory(holder=practitioner, program=cspo)
    claim = submit_claim(
        practitioner=practitioner,
        program=cspo,
        certificate_number="CSPO-X1",
        issued_on=datetime.date(2025, 9, 10),
    )
    page = staff_browser.get(reverse("staff_claims")).content.decode()
    assert "Holds CSPO already" in page and held.certificate_number in page
    assert reverse("staff_approve_claim", args=[claim.pk]) not in page
    assert reverse("staff_reject_claim", args=[claim.pk]) in page
