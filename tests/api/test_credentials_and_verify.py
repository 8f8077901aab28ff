"""My credentials with renewal progress; public verification by number."""

import datetime

import pytest
from django.utils import timezone

from tests.factories import CredentialFactory, PractitionerFactory, seus_for

pytestmark = pytest.mark.django_db


def test_my_credentials_carry_status_seus_and_days_left(api):
    credential = CredentialFactory(holder=api.practitioner, issued_on=datetime.date(2025, 6, 1))
    seus_for(api.practitioner, 8, earned_on=datetime.date(2026, 1, 15))
    CredentialFactory(holder=PractitionerFactory())  # someone else's
    data = api.get("/api/v1/credentials").json()
    assert len(data) == 1
    mine = data[0]
    assert mine["certificate_number"] == credential.certificate_number
    assert mine["expires_on"] == "2027-06-01" and mine["days_left"] == 457
    assert mine["status"] == "active"
    assert mine["seus_counted"] == "8.00" and mine["seus_missing"] == "12.00"


def test_verify_answers_status_and_name_for_any_case(client, db):
    holder = PractitionerFactory(user__first_name="Ada", user__last_name="Lovelace")
    credential = CredentialFactory(holder=holder)
    response = client.get(f"/api/v1/verify/{credential.certificate_number.lower()}")
    assert response.status_code == 200
    data = response.json()
    assert data == {
        "certificate_number": credential.certificate_number,
        "holder_name": "Ada Lovelace",
        "holder_erased_at": None,
        "program": "CSPO",
        "status": "active",
        "issued_on": "2025-06-01",
        "expires_on": "2027-06-01",
    }
    assert holder.user.email not in response.content.decode()


def test_verify_says_revoked_and_unknown_is_404(client, db):
    credential = CredentialFactory()
    credential.revoked_at = timezone.now()
    credential.save(update_fields=["revoked_at"])
    assert client.get(f"/api/v1/verify/{credential.certificate_number}").json()["status"] == (
        "revoked"
    )
    missing = client.get("/api/v1/verify/NOPE-123")
    assert missing.status_code == 404 and missing["Content-Type"] == "application/problem+json"
