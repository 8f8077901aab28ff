"""Signed Open Badges credentials: eddsa-rdfc-2022 round trip, tampering, shipped contexts."""

import copy
import datetime
import json

import pytest
import time_machine

from certifications.vc import services
from certifications.vc.loader import SHIPPED, ContextRefused, document_loader
from certifications.vc.signing import check_proof, sign
from certifications.vc.verification import verify_document
from tests.certifications.vc.conftest import new_private_key_text
from tests.factories import CredentialFactory

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 11, 25, 12, tzinfo=datetime.UTC)


@pytest.fixture
def signed(db):
    with time_machine.travel(NOW):
        credential = CredentialFactory(
            holder__user__first_name="Ada",
            holder__user__last_name="Lovelace",
            holder__user__email="ada.private@example.com",
            issued_on=datetime.date(2026, 3, 3),
        )
        return services.issue_signed_credential(credential)


def test_a_signed_credential_is_an_open_badge_with_the_dates_and_the_holders_name(signed):
    document = signed.document
    assert document["@context"] == [
        "https://www.w3.org/ns/credentials/v2",
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
    ]
    assert document["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert document["validFrom"] == "2026-03-03T00:00:00Z"
    assert document["validUntil"] == "2028-03-03T23:59:59Z"
    assert document["issuer"]["id"] == "did:web:localhost%3A8000"
    subject = document["credentialSubject"]
    assert subject["name"] == "Ada Lovelace"
    assert subject["achievement"]["name"] == signed.credential.program.name
    assert "Certified Scrum Trainer" in subject["achievement"]["criteria"]["narrative"]
    assert "16-hour" in subject["achievement"]["criteria"]["narrative"]
    proof = document["proof"][0]
    assert proof["type"] == "DataIntegrityProof"
    assert proof["cryptosuite"] == "eddsa-rdfc-2022"
    assert proof["proofValue"].startswith("z")
    assert proof["verificationMethod"].startswith("did:web:localhost%3A8000#z6Mk")


def test_the_credential_holds_no_email_address_or_member_id(signed):
    text = json.dumps(signed.document)
    assert "ada.private@example.com" not in text
    assert "@example.com" not in text


@time_machine.travel(NOW)
def test_a_fresh_credential_verifies_as_valid(signed):
    report = verify_document(signed.document)
    assert report.signature_valid, report.problem
    assert report.verdict == "valid"
    assert report.holder_name == "Ada Lovelace"
    assert report.issuer_name == "CSPO Tracker"


def _set(document, path, value):
    target = document
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value


@pytest.mark.parametrize(
    ("path", "value"),
    [
        (("credentialSubject", "name"), "Eve Mallory"),
        (("validUntil",), "2099-03-03T23:59:59Z"),
        (("validFrom",), "2026-03-02T00:00:00Z"),
        (("credentialSubject", "achievement", "name"), "Certified Scrum Trainer"),
        (("issuer", "name"), "Another Body"),
        (("credentialStatus", "statusListIndex"), "7"),
        (("id",), "http://localhost:8000/credentials/OTHER/1.json"),
        (("proof", 0, "created"), "2020-01-01T00:00:00Z"),
    ],
    ids=lambda v: ".".join(map(str, v)) if isinstance(v, tuple) else None,
)
@time_machine.travel(NOW)
def test_changing_any_field_makes_the_signature_fail(signed, path, value):
    tampered = copy.deepcopy(signed.document)
    _set(tampered, path, value)
    report = verify_document(tampered)
    assert not report.signature_valid
    assert report.verdict == "invalid"
    assert "changed after signing" in report.problem


@time_machine.travel(NOW)
def test_adding_a_field_the_contexts_do_not_define_is_refused_not_ignored(signed):
    tampered = copy.deepcopy(signed.document)
    tampered["credentialSubject"]["extra"] = "claim"
    check = check_proof(tampered)
    assert not check.valid
    assert "not defined by the credential's contexts" in check.problem


@time_machine.travel(NOW)
def test_adding_a_defined_field_makes_the_signature_fail(signed):
    tampered = copy.deepcopy(signed.document)
    tampered["description"] = "A claim the issuer never made"
    check = check_proof(tampered)
    assert not check.valid
    assert "changed after signing" in check.problem


@time_machine.travel(NOW)
def test_a_credential_signed_by_another_key_is_refused(signed, settings, signing_key):
    settings.CREDENTIAL_SIGNING_KEY = new_private_key_text()
    forged = sign(copy.deepcopy(signed.document), created=NOW)
    settings.CREDENTIAL_SIGNING_KEY = signing_key
    report = verify_document(forged)
    assert not report.signature_valid
    assert "not made with a key of this site" in report.problem
    assert verify_document(signed.document).signature_valid


def test_the_document_loader_answers_only_the_shipped_contexts():
    for url in SHIPPED:
        assert document_loader(url)["document"]["@context"]
    with pytest.raises(ContextRefused):
        document_loader("https://example.org/evil-context.jsonld")


@time_machine.travel(NOW)
def test_a_credential_with_an_unknown_context_is_refused_without_fetching_it(signed):
    tampered = copy.deepcopy(signed.document)
    tampered["@context"].append("https://example.org/evil-context.jsonld")
    report = verify_document(tampered)
    assert not report.signature_valid
    assert "@context" in report.problem


def test_the_same_credential_is_signed_once_per_expiry(signed):
    again = services.issue_signed_credential(signed.credential)
    assert again.pk == signed.pk
    assert again.document == signed.document


@time_machine.travel(NOW)
def test_json_ld_that_cannot_be_canonicalized_is_reported_not_raised(signed):
    tampered = copy.deepcopy(signed.document)
    tampered["credentialSubject"]["achievement"]["@context"] = "@type"
    report = verify_document(tampered)
    assert not report.signature_valid
    assert "not valid JSON-LD" in report.problem
