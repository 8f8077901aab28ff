"""Live status: the revocation bit in signed Bitstring Status Lists; the suspension lists
stay served for copies signed before credentials carried a single status entry."""

import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from certifications.models import Credential, StatusList
from certifications.vc import services, status_list
from certifications.vc.signing import check_proof
from certifications.vc.verification import verify_document
from tests.factories import CredentialFactory, StaffFactory

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 11, 25, 12, tzinfo=datetime.UTC)


@pytest.fixture
def signed():
    with time_machine.travel(NOW):
        credential = CredentialFactory(issued_on=datetime.date(2026, 3, 3))
        return services.issue_signed_credential(credential)


def _list(client, entry):
    url = entry["statusListCredential"].removeprefix("http://localhost:8000")
    return client.get(url)


def _bit(client, signed, purpose):
    entries = signed.document["credentialStatus"]
    entries = entries if isinstance(entries, list) else [entries]
    [entry] = [e for e in entries if e["statusPurpose"] == purpose]
    response = _list(client, entry)
    assert response.status_code == 200
    document = response.json()
    assert check_proof(document).valid
    assert document["type"] == ["VerifiableCredential", "BitstringStatusListCredential"]
    assert document["credentialSubject"]["statusPurpose"] == purpose
    bits = status_list.decode(document["credentialSubject"]["encodedList"])
    assert len(bits) * 8 == status_list.LIST_SIZE
    return status_list.bit_is_set(bits, int(entry["statusListIndex"]))


def test_each_credential_carries_one_revocation_entry(signed):
    entry = signed.document["credentialStatus"]
    assert isinstance(entry, dict)
    assert entry["type"] == "BitstringStatusListEntry"
    assert entry["statusPurpose"] == "revocation"


@time_machine.travel(NOW)
def test_a_fresh_credential_has_no_bit_set(client, signed):
    assert _bit(client, signed, "revocation") is False


@time_machine.travel(NOW)
def test_revoking_sets_the_revocation_bit_and_every_check_says_revoked(client, signed):
    staff = StaffFactory()
    other = services.issue_signed_credential(CredentialFactory())
    services.revoke_credential(credential=signed.credential, by=staff, reason="Fraudulent course")

    credential = Credential.objects.get(pk=signed.credential.pk)
    assert credential.revoked_by == staff and credential.revoked_reason == "Fraudulent course"
    assert _bit(client, signed, "revocation") is True
    assert _bit(client, other, "revocation") is False

    report = verify_document(signed.document)
    assert report.signature_valid and report.revoked and report.verdict == "revoked"

    page = client.get(reverse("verify_credential", args=[credential.certificate_number]))
    assert 'data-status="revoked"' in page.content.decode()
    assert 'data-status="active"' not in page.content.decode()

    answer = client.post(
        reverse("vc_verify"),
        signed.document,
        content_type="application/json",
        headers={"accept": "application/json"},
    ).json()
    assert answer["verdict"] == "revoked" and answer["revoked"] is True


def test_revoking_needs_a_reason(signed):
    with pytest.raises(ValidationError):
        services.revoke_credential(credential=signed.credential, by=None, reason=" ")
    assert Credential.objects.get(pk=signed.credential.pk).revoked_at is None


def test_a_lapsed_credential_shows_as_expired_by_its_own_valid_until(client, signed):
    """A lapse comes after the grace period that follows the expiry date, so every
    signed copy is past its validUntil by then: expired, with no status bit needed."""
    lapsed_on = datetime.datetime(2028, 7, 1, 12, tzinfo=datetime.UTC)
    with time_machine.travel(lapsed_on):
        Credential.objects.filter(pk=signed.credential.pk).update(status=Credential.Status.LAPSED)
        assert verify_document(signed.document).verdict == "expired"
        page = client.get(reverse("verify_credential", args=[signed.credential.certificate_number]))
    assert "signed copies show as expired" in page.content.decode()


@time_machine.travel(NOW)
def test_a_copy_signed_with_a_suspension_entry_still_reads_its_suspension_list(client, signed):
    """Copies signed before the single entry carry [revocation, suspension]; their
    suspension list is still served and still follows the lapse."""
    from certifications.vc import documents, signing

    older = documents.open_badge_credential(signed)
    older["credentialStatus"] = [
        documents.status_entry("revocation", signed.status_index),
        documents.status_entry("suspension", signed.status_index),
    ]
    older = signing.sign(older, created=NOW)
    assert verify_document(older).verdict == "valid"
    Credential.objects.filter(pk=signed.credential.pk).update(status=Credential.Status.LAPSED)
    assert verify_document(older).verdict == "suspended"


@time_machine.travel(NOW)
def test_a_status_list_is_re_signed_only_when_a_bit_changes_and_may_be_cached(client, signed):
    entry = signed.document["credentialStatus"]
    first = _list(client, entry)
    assert first["Cache-Control"] == "public, max-age=300"
    signed_at = StatusList.objects.get(purpose="revocation", number=0).signed_at
    with time_machine.travel(NOW + datetime.timedelta(hours=1)):
        second = _list(client, entry)
        assert second.json() == first.json()
        assert StatusList.objects.get(purpose="revocation", number=0).signed_at == signed_at
        services.revoke_credential(credential=signed.credential, by=None, reason="Error")
        third = _list(client, entry)
    assert third.json()["proof"] != first.json()["proof"]
    assert StatusList.objects.get(purpose="revocation", number=0).signed_at > signed_at


def test_an_unknown_status_list_answers_404(client, signed):
    assert client.get("/credentials/status/revocation/9").status_code == 404
    assert client.get("/credentials/status/other/0").status_code == 404


@time_machine.travel(NOW)
def test_staff_revoke_a_credential_with_a_reason_and_the_verification_page_says_so(client, signed):
    staff = StaffFactory()
    client.force_login(staff)
    url = reverse("staff_revoke_credential", args=[signed.credential.certificate_number])
    refused = client.post(url, {"reason": ""})
    assert refused.status_code == 400
    assert "Say why the credential is revoked." in refused.content.decode()
    response = client.post(url, {"reason": "Attendance was falsified"}, follow=True)
    assert 'data-status="revoked"' in response.content.decode()
    credential = Credential.objects.get(pk=signed.credential.pk)
    assert (credential.revoked_by, credential.revoked_reason) == (
        staff,
        "Attendance was falsified",
    )
    assert _bit(client, signed, "revocation") is True


def test_practitioners_cannot_revoke(client, signed):
    client.force_login(signed.credential.holder.user)
    url = reverse("staff_revoke_credential", args=[signed.credential.certificate_number])
    assert client.post(url, {"reason": "mine"}).status_code == 403
    assert Credential.objects.get(pk=signed.credential.pk).revoked_at is None


@time_machine.travel(NOW)
def test_the_sweep_hook_re_signs_only_the_lists_whose_bits_changed(signed):
    first = {(s.purpose, s.number): s.signed_at for s in services.refresh_status_lists()}
    Credential.objects.filter(pk=signed.credential.pk).update(status=Credential.Status.LAPSED)
    with time_machine.travel(NOW + datetime.timedelta(days=1)):
        second = {(s.purpose, s.number): s.signed_at for s in services.refresh_status_lists()}
    assert second[("revocation", 0)] == first[("revocation", 0)]
    assert second[("suspension", 0)] > first[("suspension", 0)]


def test_status_indexes_are_drawn_at_random_and_a_taken_one_is_drawn_again(monkeypatch):
    draws = iter([5, 5, 9])
    monkeypatch.setattr(status_list, "random_index", lambda used: next(draws))
    first = services.issue_signed_credential(CredentialFactory())
    second = services.issue_signed_credential(CredentialFactory())
    assert (first.status_index, second.status_index) == (5, 9)
    assert second.document["credentialStatus"]["statusListIndex"] == "9"


def test_lists_are_kept_at_most_half_full():
    half = status_list.LIST_SIZE // 2
    assert all(status_list.random_index(0) < status_list.LIST_SIZE for _ in range(50))
    assert max(status_list.random_index(half) for _ in range(200)) >= status_list.LIST_SIZE
    assert all(status_list.random_index(half) < 2 * status_list.LIST_SIZE for _ in range(50))
