"""After a renewal the signed credential is issued again with the new validUntil when
first asked for: the same credential (same `id`), a newer version (later `validFrom`),
first awarded on `awardedDate`. The old copy stays valid until its own date and shows
the credential's current status."""

import datetime
import json

import pytest
import time_machine
from django.urls import reverse

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
def test_a_renewal_issues_a_newer_version_of_the_same_credential(client):
    credential = CredentialFactory(issued_on=datetime.date(2025, 1, 10))
    old = services.issue_signed_credential(credential)
    assert old.document["validUntil"] == "2027-01-10T23:59:59Z"

    renew(credential, datetime.date(2029, 1, 10))
    new = services.issue_signed_credential(credential)  # what a download does

    assert new.pk != old.pk
    assert new.document["validUntil"] == "2029-01-10T23:59:59Z"
    assert new.document["id"] == old.document["id"]
    assert old.document["validFrom"] == "2025-01-10T00:00:00Z"
    assert new.document["validFrom"] > old.document["validFrom"]
    assert new.document["validFrom"].startswith("2026-11-25T12:00")
    assert new.document["awardedDate"] == old.document["awardedDate"] == "2025-01-10T00:00:00Z"
    # The shared id serves the current version.
    assert client.get(new.document["id"]).json() == new.document
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


@time_machine.travel(NOW)
def test_an_older_copy_shows_a_revocation_made_after_the_renewal():
    credential = CredentialFactory(issued_on=datetime.date(2025, 1, 10))
    old = services.issue_signed_credential(credential)
    renew(credential, datetime.date(2029, 1, 10))
    new = services.issue_signed_credential(credential)
    services.revoke_credential(credential=credential, by=None, reason="Issued in error")
    assert verify_document(old.document).verdict == "revoked"
    assert verify_document(new.document).verdict == "revoked"


@time_machine.travel(NOW)
def test_an_expired_older_copy_says_the_credential_was_renewed(client):
    credential = CredentialFactory(issued_on=datetime.date(2025, 1, 10))
    old = services.issue_signed_credential(credential)
    renew(credential, datetime.date(2029, 1, 10))
    with time_machine.travel(datetime.datetime(2027, 6, 1, 12, tzinfo=datetime.UTC)):
        report = verify_document(old.document)
        page = client.post(reverse("vc_verify"), {"text": json.dumps(old.document)})
    assert report.verdict == "expired"
    assert report.renewed_until == datetime.date(2029, 1, 10)
    assert report.as_json()["renewedUntil"] == "2029-01-10"
    text = " ".join(page.content.decode().split())
    assert "renewed since and is in force until" in text
    assert "2029" in text[text.find("in force until") :][:40]
