"""What holders download, what anyone can check, and what the issuer publishes."""

import datetime
import json

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from certifications.models import SignedCredential
from certifications.vc import badge, services
from certifications.vc.signing import check_proof
from tests.factories import CredentialFactory, PractitionerFactory, StaffFactory

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 11, 25, 12, tzinfo=datetime.UTC)


@pytest.fixture
def credential():
    with time_machine.travel(NOW):
        return CredentialFactory(
            issued_on=datetime.date(2026, 3, 3),
            holder__user__first_name="Grace",
            holder__user__last_name="Hopper",
        )


@time_machine.travel(NOW)
def test_the_holder_downloads_the_signed_credential_from_the_dashboard_card(client, credential):
    client.force_login(credential.holder.user)
    dashboard = client.get(reverse("dashboard")).content.decode()
    url = reverse("vc_download", args=[credential.certificate_number])
    assert url in dashboard
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/ld+json"
    assert response["Content-Disposition"] == (
        f'attachment; filename="{credential.certificate_number}-open-badge.json"'
    )
    document = json.loads(response.content)
    assert check_proof(document).valid
    assert document["credentialSubject"]["name"] == "Grace Hopper"
    assert response.content.startswith(b'{\n  "@context"')  # key order as issued
    assert client.get(url).content == response.content  # signed once, served again


def test_nobody_else_downloads_a_holders_signed_credential(client, credential):
    url = reverse("vc_download", args=[credential.certificate_number])
    assert client.get(url).status_code == 302  # to the login page
    client.force_login(PractitionerFactory().user)
    assert client.get(url).status_code == 404
    assert not SignedCredential.objects.exists()


@time_machine.travel(NOW)
def test_the_verification_page_answers_json_ld_with_the_signed_credential(client, credential):
    url = reverse("verify_credential", args=[credential.certificate_number])
    response = client.get(url, headers={"accept": "application/ld+json"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/ld+json"
    assert "Accept" in response["Vary"]
    document = response.json()
    assert check_proof(document).valid
    assert client.get(document["id"].removeprefix("http://localhost:8000")).json() == document
    html = client.get(url)
    assert html["Content-Type"].startswith("text/html")
    assert "Accept" in html["Vary"]
    missing = client.get(
        reverse("verify_credential", args=["CSPO-NOPE"]), headers={"accept": "application/ld+json"}
    )
    assert missing.status_code == 404


@time_machine.travel(NOW)
def test_anyone_can_paste_a_credential_and_read_the_answer_in_plain_words(client, credential):
    assert reverse("vc_verify") in client.get(reverse("account_login")).content.decode()
    signed = services.issue_signed_credential(credential)
    page = client.post(reverse("vc_verify"), {"text": json.dumps(signed.document)})
    text = page.content.decode()
    assert page.status_code == 200
    assert 'data-verdict="valid"' in text
    assert "The signature is valid and the credential is in force." in text
    assert "Grace Hopper" in text and "CSPO Tracker" in text
    assert credential.program.name in text


@time_machine.travel(NOW)
def test_an_uploaded_credential_file_is_checked_too(client, credential):
    signed = services.issue_signed_credential(credential)
    tampered = dict(signed.document, validUntil="2099-01-01T00:00:00Z")
    upload = SimpleUploadedFile("cred.json", json.dumps(tampered).encode(), "application/json")
    page = client.post(reverse("vc_verify"), {"file": upload})
    assert 'data-verdict="invalid"' in page.content.decode()
    assert "changed after signing" in page.content.decode()


def test_an_expired_credential_is_said_to_be_expired(client, credential):
    signed = services.issue_signed_credential(credential)
    with time_machine.travel(datetime.datetime(2028, 3, 4, 1, tzinfo=datetime.UTC)):
        answer = client.post(
            reverse("vc_verify"),
            signed.document,
            content_type="application/json",
            headers={"accept": "application/json"},
        ).json()
    assert answer["signatureValid"] is True
    assert answer["verdict"] == "expired"


@pytest.mark.parametrize(
    ("text", "status", "message"),
    [
        # Text that is no JSON object is a bad form (400); an object is checked and its
        # verdict says why it fails (200).
        ("", 400, "Paste the credential JSON"),
        ("{not json", 400, "This is not valid JSON (line 1, column 2)."),
        ("[1, 2]", 400, "it must be a JSON object"),
        ('{"@context": 5}', 200, "@context is not one this site issues"),
        (
            '{"@context": ["https://www.w3.org/ns/credentials/v2"], "proof": {"type": 1}}',
            200,
            "The proof is not a DataIntegrityProof",
        ),
    ],
)
def test_garbage_gets_a_clear_message_not_an_error_page(client, text, status, message):
    page = client.post(reverse("vc_verify"), {"text": text})
    assert page.status_code == status
    assert message in page.content.decode()


def test_a_binary_upload_gets_a_clear_message(client):
    upload = SimpleUploadedFile("cred.json", b"\xff\xfe\x00garbage", "application/json")
    page = client.post(reverse("vc_verify"), {"file": upload})
    assert page.status_code == 400
    assert "neither credential JSON nor a badge image" in page.content.decode()


def test_the_json_check_answers_bad_input_with_400_and_the_reason(client):
    response = client.post(
        reverse("vc_verify"),
        "nonsense",
        content_type="application/json",
        headers={"accept": "application/json"},
    )
    assert response.status_code == 400
    assert response.json()["verdict"] == "unreadable"


def test_the_did_document_and_issuer_profile_are_published(client, settings):
    did = client.get("/.well-known/did.json")
    assert did.status_code == 200
    assert did.json()["id"] == "did:web:localhost%3A8000"
    assert client.get("/did.json").json() == did.json()
    profile = client.get(reverse("vc_issuer"), headers={"accept": "application/ld+json"}).json()
    assert profile == {
        "@context": [
            "https://www.w3.org/ns/credentials/v2",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
        ],
        "id": "did:web:localhost%3A8000",
        "type": ["Profile"],
        "name": "CSPO Tracker",
        "url": "http://localhost:8000/issuer/",
    }
    assert "CSPO Tracker" in client.get(reverse("vc_issuer")).content.decode()


@time_machine.travel(NOW)
def test_the_signing_key_appears_in_no_response(client, credential, settings):
    staff = StaffFactory()
    client.force_login(staff)
    services.issue_signed_credential(credential)
    urls = [
        "/.well-known/did.json",
        reverse("vc_issuer"),
        reverse("vc_download", args=[credential.certificate_number]),
        reverse("verify_credential", args=[credential.certificate_number]),
        "/credentials/status/revocation/0",
        reverse("admin:certifications_credential_change", args=[credential.pk]),
        reverse("admin:index"),
        reverse("admin:certifications_signedcredential_changelist"),
        reverse("admin:certifications_statuslist_changelist"),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assert settings.CREDENTIAL_SIGNING_KEY.encode() not in response.content, url


def test_each_program_has_a_badge_image(client, credential):
    response = client.get(reverse("vc_badge_image", args=[credential.program.code]))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response.content.startswith(b"\x89PNG")


@time_machine.travel(NOW)
def test_the_holders_badge_image_has_the_signed_credential_baked_in(client, credential):
    client.force_login(credential.holder.user)
    response = client.get(reverse("vc_baked_badge", args=[credential.certificate_number]))
    baked = badge.baked_credential(response.content)
    assert check_proof(baked).valid
    assert baked["credentialSubject"]["name"] == "Grace Hopper"


@time_machine.travel(NOW)
def test_serving_a_signed_credential_or_a_status_list_takes_few_queries(
    client, django_assert_max_num_queries
):
    credentials = [CredentialFactory() for _ in range(30)]
    for credential in credentials:
        services.issue_signed_credential(credential)
    client.get("/credentials/status/revocation/0")  # signed once
    with django_assert_max_num_queries(6):  # the bits in one query, whatever the list holds
        assert client.get("/credentials/status/revocation/0").status_code == 200
    client.force_login(credentials[0].holder.user)
    with django_assert_max_num_queries(8):
        url = reverse("vc_download", args=[credentials[0].certificate_number])
        assert client.get(url).status_code == 200


@time_machine.travel(NOW)
def test_a_credential_whose_holder_gave_no_name_is_never_signed(client):
    credential = CredentialFactory(holder__user__first_name="", holder__user__last_name="")
    response = client.get(
        reverse("verify_credential", args=[credential.certificate_number]),
        HTTP_ACCEPT="application/ld+json",
    )
    assert response.status_code == 409
    assert "has not given their name" in response.json()["error"]
    client.force_login(StaffFactory())
    for view in ("vc_download", "vc_baked_badge"):
        page = client.get(reverse(view, args=[credential.certificate_number]))
        assert page.status_code == 409
        assert "cannot be signed" in page.content.decode()
    assert not SignedCredential.objects.exclude(signed_json="").exists()
    assert "(name not given)" not in str(list(SignedCredential.objects.values()))


@time_machine.travel(NOW)
def test_a_corrected_name_re_signs_the_same_copy_and_the_old_copy_still_verifies(credential):
    first = services.issue_signed_credential(credential)
    old_document = first.document
    user = credential.holder.user
    user.first_name, user.last_name = "Grace Brewster", "Hopper"
    user.save()
    again = services.issue_signed_credential(credential)
    assert again.pk == first.pk and again.status_index == first.status_index
    assert again.document["credentialSubject"]["name"] == "Grace Brewster Hopper"
    assert again.document["id"] == old_document["id"]
    assert check_proof(again.document).valid and check_proof(old_document).valid
    assert services.issue_signed_credential(credential).signed_json == again.signed_json
