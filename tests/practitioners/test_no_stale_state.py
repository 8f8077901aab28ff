"""No page tells a stale or contradictory story: a claim waiting is not "no credential
yet", a renewal in progress is not offered again, a submitted renewal is acknowledged by
email, and a fee paid with a renewal is not listed as missing."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from cspo_tracker.outbox.models import OutboundEmail
from renewals import services
from renewals.claims.services import submit_claim
from tests.factories import ProgramFactory, credential_expiring, seus_for

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture(autouse=True)
def _fixed_now():
    with time_machine.travel(datetime.datetime(2026, 5, 1, 12, tzinfo=datetime.UTC), tick=False):
        yield


def submitted(holder):
    credential = credential_expiring(D(2026, 6, 30), holder=holder)
    seus_for(holder, 20, earned_on=D(2026, 1, 15))
    return services.submit_renewal(
        practitioner=holder, credentials=[credential], payment_reference="PAY-1"
    )


def test_a_dashboard_with_a_claim_waiting_does_not_say_no_credential_yet(practitioner_client):
    submit_claim(
        practitioner=practitioner_client.practitioner,
        program=ProgramFactory(code="CSPO"),
        certificate_number="CSPO-X1",
        issued_on=D(2025, 9, 10),
    )
    page = practitioner_client.get(reverse("dashboard")).text
    assert "You hold no credential yet" not in page
    assert "Your claim of CSPO CSPO-X1" in page and "waits for staff" in page


def test_the_renewals_page_offers_no_new_renewal_while_one_is_in_progress(practitioner_client):
    renewal = submitted(practitioner_client.practitioner)
    page = practitioner_client.get(reverse("renewals:mine")).text
    assert "Renew credentials" not in page
    assert f"Your renewal #{renewal.pk}" in page and "is in progress" in page


def test_a_submitted_renewal_is_acknowledged_by_one_email(practitioner):
    renewal = submitted(practitioner)
    [email] = OutboundEmail.objects.filter(template="renewal_received")
    assert email.to == practitioner.email
    assert email.subject == f"We received your renewal #{renewal.pk}"
    assert "US$100" in email.body_text and "PAY-1" in email.body_text


def test_the_staff_expiring_list_does_not_call_a_paid_fee_missing(practitioner, staff_browser):
    submitted(practitioner)
    page = staff_browser.get(reverse("staff_renewals") + "?within=90").text
    assert "the US$100 fee<" not in page
    assert "staff to confirm the US$100 fee paid" in page
