"""After a renewal the signed credential is issued again with the new validUntil when
first asked for; the old one stays valid until its own date."""

import datetime

import pytest
import time_machine

from certifications.vc import services
from certifications.vc.verification import verify_document
from renewals.models import RenewalCycle
from renewals.services import extend_credential
from tests.factories import CredentialFactory

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 11, 25, 12, tzinfo=datetime.UTC)


def renew(credential, expires_on):
    """What completing a renewal does to the credential: its cycle completes, its expiry moves."""
    RenewalCycle.objects.filter(credential=credential).update(
        status=RenewalCycle.Status.COMPLETED, completed_at=NOW
    )
    extend_credential(credential=credential, expires_on=expires_on, today=NOW.date())


@time_machine.travel(NOW)
def test_a_renewal_issues_a_new_signed_credential_with_the_new_valid_until():
    credential = CredentialFactory(issued_on=datetime.date(2025, 1, 10))
    old = services.issue_signed_credential(credential)
    assert old.document["validUntil"] == "2027-01-10T23:59:59Z"

    renew(credential, datetime.date(2029, 1, 10))
    new = services.issue_signed_credential(credential)  # what a download does

    assert new.pk != old.pk
    assert new.document["validUntil"] == "2029-01-10T23:59:59Z"
    assert new.document["validFrom"] == old.document["validFrom"]
    assert new.document["id"] != old.document["id"]
    assert verify_document(new.document).verdict == "valid"
    assert verify_document(old.document).verdict == "valid"
    assert services.issue_signed_credential(credential).pk == new.pk
    with time_machine.travel(datetime.datetime(2027, 1, 11, 12, tzinfo=datetime.UTC)):
        assert verify_document(old.document).verdict == "expired"
        assert verify_document(new.document).verdict == "valid"


@time_machine.travel(NOW)
def test_the_holders_download_follows_the_new_expiry_without_any_hook(client):
    credential = CredentialFactory(issued_on=datetime.date(2025, 1, 10))
    client.force_login(credential.holder.user)
    url = f"/credentials/{credential.certificate_number}.json"
    assert client.get(url).json()["validUntil"] == "2027-01-10T23:59:59Z"
    renew(credential, datetime.date(2029, 1, 10))
    assert client.get(url).json()["validUntil"] == "2029-01-10T23:59:59Z"
