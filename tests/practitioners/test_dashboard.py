"""The practitioner's dashboard: one card per credential with progress and next action."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from practitioners.dashboard import next_action
from renewals.models import Renewal, RenewalCycle
from renewals.selectors import credential_progress
from tests.factories import CredentialFactory, SeuEntryFactory

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 3, 1, 12, 0, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def _fixed_now():
    with time_machine.travel(NOW, tick=False):
        yield


def progress_of(credential):
    [progress] = credential_progress(type(credential).objects.filter(pk=credential.pk))
    return progress


def test_anonymous_visitors_are_sent_to_log_in(client):
    response = client.get(reverse("dashboard"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_a_practitioner_without_credentials_sees_how_to_get_one(practitioner_client):
    content = practitioner_client.get(reverse("dashboard")).content.decode()
    assert "You hold no credential yet" in content
    assert "Certified Scrum Trainer" in content


def test_a_card_shows_dates_status_fee_and_seu_progress(practitioner_client):
    me = practitioner_client.practitioner
    credential = CredentialFactory(holder=me, issued_on=datetime.date(2025, 6, 1))
    SeuEntryFactory(practitioner=me, earned_on=datetime.date(2026, 1, 10), seus=Decimal("8"))
    SeuEntryFactory(practitioner=me, earned_on=datetime.date(2026, 1, 11), seus=Decimal("6"))
    content = practitioner_client.get(reverse("dashboard")).content.decode()
    assert credential.certificate_number in content
    assert "1 Jun 2025" in content and "1 Jun 2027" in content
    assert ">457<" in content  # days from 1 Mar 2026 to 1 Jun 2027
    assert "14 / 20" in content
    assert 'aria-valuenow="70"' in content
    assert "US$100, paid when you submit your renewal" in content  # no nagging 457 days ahead
    assert "Log 6 more SEUs before 1 Jun 2027" in content
    assert reverse("credential_certificate", args=[credential.certificate_number]) in content
    assert reverse("verify_credential", args=[credential.certificate_number]) in content


def test_a_credential_with_no_seus_shows_zero_progress(practitioner_client):
    CredentialFactory(holder=practitioner_client.practitioner, issued_on=datetime.date(2025, 6, 1))
    content = practitioner_client.get(reverse("dashboard")).content.decode()
    assert "0 / 20" in content and "Log 20 more SEUs before 1 Jun 2027" in content


def test_the_dashboard_shows_only_the_practitioners_own_credentials(practitioner_client):
    other = CredentialFactory()
    content = practitioner_client.get(reverse("dashboard")).content.decode()
    assert other.certificate_number not in content


def test_next_action_asks_to_submit_once_the_seus_are_logged(practitioner):
    credential = CredentialFactory(holder=practitioner, issued_on=datetime.date(2025, 6, 1))
    for day in range(1, 4):
        SeuEntryFactory(
            practitioner=practitioner, earned_on=datetime.date(2026, 1, day), seus=Decimal("8")
        )
    assert next_action(progress_of(credential)) == "Submit your renewal before 1 Jun 2027"


def test_next_action_waits_for_renewal_to_open_after_issue(practitioner):
    credential = CredentialFactory(holder=practitioner, issued_on=datetime.date(2026, 2, 20))
    credential.program.seus_required = Decimal("0")
    cycle = credential.cycles.get()
    cycle.seus_required = Decimal("0")
    cycle.save()
    assert next_action(progress_of(credential)) == (
        "All SEUs logged: submit your renewal from 22 Mar 2026"
    )


def test_next_action_asks_for_the_fee_once_submitted_unpaid(practitioner):
    credential = CredentialFactory(holder=practitioner, issued_on=datetime.date(2025, 6, 1))
    for day in range(1, 4):
        SeuEntryFactory(
            practitioner=practitioner, earned_on=datetime.date(2026, 1, day), seus=Decimal("8")
        )
    renewal = Renewal.objects.create(
        practitioner=practitioner, seus_required=20, fee_amount=100, fee_currency="USD"
    )
    RenewalCycle.objects.filter(credential=credential).update(
        renewal=renewal, status=RenewalCycle.Status.SUBMITTED
    )
    assert next_action(progress_of(credential)) == "Pay the renewal fee"


def test_next_action_in_grace_asks_for_seus_earned_by_expiry_logged_before_grace_ends(
    practitioner,
):
    credential = CredentialFactory(holder=practitioner, issued_on=datetime.date(2024, 2, 15))
    # Expired 15 Feb 2026; grace of 90 days ends 16 May 2026. The window ends at expiry,
    # so SEUs earned in grace never count.
    assert next_action(progress_of(credential)) == (
        "Log 20 more SEUs earned by 15 Feb 2026 before 16 May 2026"
    )


def test_next_action_for_a_lapsed_credential_mentions_staff_approval(practitioner):
    credential = CredentialFactory(holder=practitioner, issued_on=datetime.date(2023, 6, 1))
    assert "staff approval" in next_action(progress_of(credential))


def test_days_left_follow_the_practitioners_time_zone(practitioner_client):
    me = practitioner_client.practitioner
    me.time_zone = "Pacific/Kiritimati"  # already 2 March there
    me.save()
    CredentialFactory(holder=me, issued_on=datetime.date(2025, 6, 1))
    content = practitioner_client.get(reverse("dashboard")).content.decode()
    assert ">456<" in content
