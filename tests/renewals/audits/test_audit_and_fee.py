"""An SEU audit and the fee: while an audit is open, no surface offers to confirm the fee
(the server refuses it); once every entry has its evidence, every surface says the audit
waits for staff, not for the practitioner."""

import datetime

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from renewals import services
from renewals.audits import services as audits
from tests.factories import (
    EVIDENCE_PNG,
    PractitionerFactory,
    StaffFactory,
    credential_expiring,
    seus_for,
)

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.fixture(autouse=True)
def _fixed_now():
    with time_machine.travel(datetime.datetime(2026, 5, 1, 12, tzinfo=datetime.UTC), tick=False):
        yield


@pytest.fixture
def staff_user():
    return StaffFactory()


@pytest.fixture
def staff_browser(staff_user):
    browser = Client()
    browser.force_login(staff_user)
    return browser


@pytest.fixture
def audited(staff_user):
    practitioner = PractitionerFactory()
    credential = credential_expiring(D(2026, 6, 30), holder=practitioner)
    seus_for(practitioner, 24, earned_on=D(2026, 1, 15))
    renewal = services.submit_renewal(
        practitioner=practitioner, credentials=[credential], payment_reference="PAY-1"
    )
    audit = audits.select_for_audit(renewal=renewal, by=staff_user)
    return renewal, audit


def send_all_evidence(audit):
    for item in audits.audit_items(audit):
        audits.send_evidence(
            item=item,
            practitioner=audit.renewal.practitioner,
            evidence=SimpleUploadedFile("proof.png", EVIDENCE_PNG, "image/png"),
        )


def test_the_fee_page_of_an_audited_renewal_says_so_and_offers_no_confirmation(
    staff_browser, audited
):
    renewal, _ = audited
    page = staff_browser.get(reverse("staff_confirm_fee", args=[renewal.pk])).text
    assert "under SEU audit" in page
    assert "Confirming completes the renewal now" not in page
    assert ">Confirm fee</button>" not in page


def test_the_renewals_queue_marks_an_audited_renewal_and_offers_no_fee_link(staff_browser, audited):
    renewal, _ = audited
    page = staff_browser.get(reverse("staff_renewals")).text
    assert "Under SEU audit" in page
    assert reverse("staff_confirm_fee", args=[renewal.pk]) not in page


def test_once_all_evidence_is_sent_the_dashboard_and_staff_page_say_it_waits_for_staff(
    staff_browser, audited
):
    renewal, audit = audited
    holder = Client()
    holder.force_login(renewal.practitioner.user)
    assert "send evidence for its entries" in holder.get(reverse("dashboard")).text
    send_all_evidence(audit)
    dashboard = holder.get(reverse("dashboard")).text
    assert "send evidence for its entries" not in dashboard
    assert "staff have your evidence for every entry" in dashboard
    staff_page = staff_browser.get(reverse("staff_audits")).text
    assert "Waiting for evidence and review" not in staff_page
    assert "Evidence received: waiting for staff review" in staff_page


def test_the_console_counts_audits_with_evidence_to_review_and_claims_waiting(
    staff_browser, audited
):
    _, audit = audited
    counts = lambda: {  # noqa: E731
        c.label: c.count for c in staff_browser.get(reverse("staff_console")).context["counts"]
    }
    assert counts()["SEU audits with evidence to review"] == 0
    send_all_evidence(audit)
    assert counts()["SEU audits with evidence to review"] == 1
    page = staff_browser.get(reverse("staff_console")).text
    assert f'href="{reverse("staff_audits")}"' in page
    assert f'href="{reverse("staff_claims")}"' in page


def test_a_failed_email_shows_its_subject_and_is_sent_again_from_the_staff_page(staff_browser):
    from cspo_tracker.outbox.models import OutboundEmail

    email = OutboundEmail.objects.create(
        template="account/email/password_reset_key",
        to="ada@example.com",
        subject="Reset your password",
        body_text="…",
        status=OutboundEmail.Status.FAILED,
        attempts=5,
    )
    page = staff_browser.get(reverse("staff_renewals")).text
    assert "Reset your password" in page and "password_reset_key" not in page
    staff_browser.post(reverse("staff_email_send_again", args=[email.pk]))
    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.PENDING and email.attempts == 0
