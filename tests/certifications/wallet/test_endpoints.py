"""The wallet-facing endpoints in-process, at a frozen time: the metadata a wallet reads,
and each refusal answered as OpenID4VCI / OAuth error JSON (never a 500, nothing
changed). The proofs here are built by hand with `cryptography` (no JOSE library), so a
mistake in the server's JOSE use cannot hide in a shared helper."""

import base64
import datetime
import io
import json
import zipfile

import pytest
import time_machine
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature
from django.urls import reverse

from certifications import privacy
from certifications.models import WalletNonce, WalletOffer
from certifications.vc.services import revoke_credential
from certifications.vc.signing import check_proof
from certifications.wallet import services
from certifications.wallet.keys import did_key_for
from cspo_tracker.privacy import export, retention
from tests.certifications.vc.test_ob3_schema import problems as schema_problems
from tests.factories import CredentialFactory

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 11, 25, 12, tzinfo=datetime.UTC)
ISSUER = "http://localhost:8000"


def b64(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def jws(header, payload, private_key):
    """A compact JWS signed with `private_key` (Ed25519: EdDSA; P-256: ES256, r||s)."""
    signing_input = f"{b64(json.dumps(header).encode())}.{b64(json.dumps(payload).encode())}"
    if isinstance(private_key, Ed25519PrivateKey):
        signature = private_key.sign(signing_input.encode())
    else:
        r, s = decode_dss_signature(
            private_key.sign(signing_input.encode(), ec.ECDSA(hashes.SHA256()))
        )
        signature = r.to_bytes(32, "big") + s.to_bytes(32, "big")
    return f"{signing_input}.{b64(signature)}"


def did_key_header(private_key):
    did = did_key_for(private_key.public_key())
    alg = "EdDSA" if isinstance(private_key, Ed25519PrivateKey) else "ES256"
    return {"typ": "openid4vci-proof+jwt", "alg": alg, "kid": f"{did}#{did[8:]}"}


def p256_jwk_header(private_key):
    numbers = private_key.public_key().public_numbers()
    jwk = {
        "kty": "EC",
        "crv": "P-256",
        "x": b64(numbers.x.to_bytes(32, "big")),
        "y": b64(numbers.y.to_bytes(32, "big")),
    }
    return {"typ": "openid4vci-proof+jwt", "alg": "ES256", "jwk": jwk}


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def credential(frozen):
    return CredentialFactory(
        issued_on=datetime.date(2026, 3, 3),
        holder__user__first_name="Grace",
        holder__user__last_name="Hopper",
    )


def token_for(client, credential):
    code = services.make_offer(credential=credential).code
    response = client.post(
        reverse("wallet_token"),
        {"grant_type": services.PRE_AUTHORIZED_GRANT, "pre-authorized_code": code},
    )
    assert response.status_code == 200, response.json()
    assert response["Cache-Control"] == "no-store"
    return response.json()["access_token"]


def nonce(client):
    return client.post(reverse("wallet_nonce")).json()["c_nonce"]


def ask_credential(client, token, proof_jwt, **body):
    return client.post(
        reverse("wallet_credential"),
        json.dumps(
            {
                "credential_configuration_id": services.CONFIGURATION_ID,
                "proofs": {"jwt": [proof_jwt]},
            }
            | body
        ),
        content_type="application/json",
        headers={"Authorization": f"Bearer {token}"},
    )


def claims(client, **override):
    return {"aud": ISSUER, "iat": int(NOW.timestamp()), "nonce": nonce(client)} | override


def test_the_metadata_tells_a_wallet_what_it_needs(client):
    issuer = client.get("/.well-known/openid-credential-issuer").json()
    assert issuer["credential_issuer"] == ISSUER
    assert issuer["credential_endpoint"] == f"{ISSUER}/wallet/credential"
    assert issuer["nonce_endpoint"] == f"{ISSUER}/wallet/nonce"
    assert issuer["display"] == [{"name": "CSPO Tracker", "locale": "en"}]
    configuration = issuer["credential_configurations_supported"]["CspoOpenBadgeCredential"]
    assert configuration["format"] == "ldp_vc"
    assert configuration["credential_definition"]["type"] == [
        "VerifiableCredential",
        "OpenBadgeCredential",
    ]
    assert configuration["proof_types_supported"] == {
        "jwt": {"proof_signing_alg_values_supported": ["ES256", "EdDSA"]}
    }
    assert configuration["credential_metadata"]["display"][0]["locale"] == "en"
    server = client.get("/.well-known/oauth-authorization-server").json()
    assert server["token_endpoint"] == f"{ISSUER}/wallet/token"
    assert server["pre-authorized_grant_anonymous_access_supported"] is True


def test_a_proof_naming_a_p256_jwk_binds_the_credential_to_that_key(client, credential):
    token = token_for(client, credential)
    key = ec.generate_private_key(ec.SECP256R1())
    response = ask_credential(client, token, jws(p256_jwk_header(key), claims(client), key))
    assert response.status_code == 200, response.json()
    document = response.json()["credentials"][0]["credential"]
    assert document["credentialSubject"]["id"] == did_key_for(key.public_key())
    assert document["credentialSubject"]["id"].startswith("did:key:zDn")  # P-256
    assert check_proof(document).valid


def test_an_access_token_buys_one_credential(client, credential):
    token = token_for(client, credential)
    key = Ed25519PrivateKey.generate()
    assert (
        ask_credential(client, token, jws(did_key_header(key), claims(client), key)).status_code
        == 200
    )
    again = ask_credential(client, token, jws(did_key_header(key), claims(client), key))
    assert again.status_code == 401
    assert again.json()["error"] == "invalid_token"
    assert again["WWW-Authenticate"] == 'Bearer error="invalid_token"'


def test_an_expired_access_token_is_refused(client, credential, frozen, settings):
    token = token_for(client, credential)
    key = Ed25519PrivateKey.generate()
    frozen.shift(datetime.timedelta(seconds=settings.WALLET_TOKEN_SECONDS))
    response = ask_credential(client, token, jws(did_key_header(key), claims(client), key))
    assert (response.status_code, response.json()["error"]) == (401, "invalid_token")


def test_an_expired_nonce_is_refused_and_the_token_still_works(
    client, credential, settings, frozen
):
    key = Ed25519PrivateKey.generate()
    old_nonce = nonce(client)
    frozen.shift(datetime.timedelta(seconds=settings.WALLET_NONCE_SECONDS))
    token = token_for(client, credential)
    later = int(NOW.timestamp()) + settings.WALLET_NONCE_SECONDS
    stale = ask_credential(
        client, token, jws(did_key_header(key), claims(client, iat=later, nonce=old_nonce), key)
    )
    assert (stale.status_code, stale.json()["error"]) == (400, "invalid_nonce")
    fresh = jws(did_key_header(key), claims(client, iat=later), key)
    assert ask_credential(client, token, fresh).status_code == 200


def test_a_nonce_works_in_one_proof(client, credential):
    key = Ed25519PrivateKey.generate()
    used = claims(client)
    assert (
        ask_credential(
            client, token_for(client, credential), jws(did_key_header(key), used, key)
        ).status_code
        == 200
    )
    again = ask_credential(
        client, token_for(client, credential), jws(did_key_header(key), used, key)
    )
    assert again.json()["error"] == "invalid_nonce"


@pytest.mark.parametrize(
    ("header", "payload", "says"),
    [
        ({"typ": "JWT"}, {}, "typ"),
        ({"alg": "ES256"}, {}, "alg EdDSA"),
        ({}, {"aud": "https://elsewhere.example"}, "aud"),
        ({}, {"iat": int(NOW.timestamp()) - 3600}, "iat is not fresh"),
        ({"jwk": {"kty": "oct", "k": "c2VjcmV0"}}, {}, "exactly one of kid and jwk"),
        ({"kid": "did:web:example.org#key-1"}, {}, "not a did:key"),
    ],
    ids=["typ", "alg of another key type", "aud", "stale iat", "kid and jwk", "did:web kid"],
)
def test_a_malformed_proof_is_refused_with_the_reason(client, credential, header, payload, says):
    token = token_for(client, credential)
    key = Ed25519PrivateKey.generate()
    proof = jws(did_key_header(key) | header, claims(client) | payload, key)
    response = ask_credential(client, token, proof)
    assert (response.status_code, response.json()["error"]) == (400, "invalid_proof")
    assert says in response.json()["error_description"]
    assert WalletOffer.objects.get().issued_at is None


@pytest.mark.parametrize(
    ("body", "error"),
    [
        (b"not json", "invalid_credential_request"),
        (b"[1, 2]", "invalid_credential_request"),
        (b'{"credential_configuration_id": "Other"}', "unknown_credential_configuration"),
        (b'{"credential_configuration_id": "CspoOpenBadgeCredential"}', "invalid_proof"),
        (
            b'{"credential_configuration_id": "CspoOpenBadgeCredential", "proofs": {"jwt": ["x"]}}',
            "invalid_proof",
        ),
    ],
)
def test_a_bad_credential_request_gets_an_error_not_a_500(client, credential, body, error):
    token = token_for(client, credential)
    response = client.post(
        reverse("wallet_credential"),
        body,
        content_type="application/json",
        headers={"Authorization": f"Bearer {token}"},
    )
    assert (response.status_code, response.json()["error"]) == (400, error)


@pytest.mark.parametrize(
    ("form", "error"),
    [
        ({"grant_type": "authorization_code", "code": "x"}, "unsupported_grant_type"),
        ({"grant_type": services.PRE_AUTHORIZED_GRANT}, "invalid_request"),
        (
            {"grant_type": services.PRE_AUTHORIZED_GRANT, "pre-authorized_code": "guess"},
            "invalid_grant",
        ),
    ],
)
def test_a_bad_token_request_gets_the_oauth_error(client, form, error):
    response = client.post(reverse("wallet_token"), form)
    assert (response.status_code, response.json()["error"]) == (400, error)


def test_nothing_about_a_holder_is_readable_without_a_token(client, credential):
    services.make_offer(credential=credential)
    response = client.post(reverse("wallet_credential"), b"{}", content_type="application/json")
    assert (response.status_code, response.json()["error"]) == (401, "invalid_token")
    assert "Hopper" not in response.content.decode()


def test_offers_go_after_their_retention_limit(client, credential, frozen, settings):
    services.make_offer(credential=credential)
    frozen.shift(datetime.timedelta(days=settings.RETENTION_WALLET_OFFERS_DAYS, seconds=1))
    assert retention.prune()["wallet_offers"] == 1


def test_asking_for_nonces_writes_nothing_and_spent_ones_are_forgotten_once_expired(
    client, credential, frozen, settings
):
    for _ in range(3):
        nonce(client)
    assert not WalletNonce.objects.exists()
    key = Ed25519PrivateKey.generate()
    ask_credential(
        client, token_for(client, credential), jws(did_key_header(key), claims(client), key)
    )
    assert WalletNonce.objects.count() == 1
    frozen.shift(datetime.timedelta(seconds=settings.WALLET_NONCE_SECONDS))
    later = int(NOW.timestamp()) + settings.WALLET_NONCE_SECONDS
    proof = jws(did_key_header(key), claims(client, iat=later), key)
    assert ask_credential(client, token_for(client, credential), proof).status_code == 200
    assert WalletNonce.objects.count() == 1  # the first one went


@pytest.mark.parametrize(
    "forged",
    ["made-up", "abc.99999999999:forgedsignature", ""],
    ids=["random", "bad signature", "empty"],
)
def test_a_nonce_the_server_did_not_sign_is_refused(client, credential, forged):
    key = Ed25519PrivateKey.generate()
    proof = jws(did_key_header(key), claims(client, nonce=forged), key)
    response = ask_credential(client, token_for(client, credential), proof)
    assert (response.status_code, response.json()["error"]) == (400, "invalid_nonce")


def test_the_wallet_copy_passes_1edtechs_open_badges_schema(client, credential, validator):
    token = token_for(client, credential)
    key = Ed25519PrivateKey.generate()
    response = ask_credential(client, token, jws(did_key_header(key), claims(client), key))
    document = response.json()["credentials"][0]["credential"]
    assert schema_problems(validator, document) == []


def test_offers_are_in_the_holders_archive_and_go_with_an_erasure(
    client, credential, django_capture_on_commit_callbacks
):
    token = token_for(client, credential)
    key = Ed25519PrivateKey.generate()
    ask_credential(client, token, jws(did_key_header(key), claims(client), key))
    user = credential.holder.user
    zipped = zipfile.ZipFile(
        io.BytesIO(b"".join(export.archive(privacy.prepare_export(user=user))))
    )
    offers = json.loads(zipped.read("credentials/wallet_offers.json"))
    assert [offer["wallet_key"] for offer in offers] == [did_key_for(key.public_key())]
    with django_capture_on_commit_callbacks(execute=True):
        privacy.request_erasure(user=user)
    assert not WalletOffer.objects.exists()


def test_a_credential_revoked_after_the_token_is_denied(client, credential):
    token = token_for(client, credential)
    revoke_credential(credential=credential, by=None, reason="Issued in error")
    key = Ed25519PrivateKey.generate()
    response = ask_credential(client, token, jws(did_key_header(key), claims(client), key))
    assert (response.status_code, response.json()["error"]) == (400, "credential_request_denied")
    assert WalletOffer.objects.get().issued_at is None
