"""The issuer's key (configured, generated once in development, rotated) and its did:web."""

import base64
import io
import json

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
    PublicFormat,
)
from django.core.checks import run_checks
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command

from certifications.vc.did import did_document, did_for_site_url, issuer_did
from certifications.vc.keys import (
    _load,
    issuer_keys,
    private_key_from_text,
    private_key_multibase,
    public_key_multibase,
)


@pytest.mark.parametrize(
    ("site_url", "did"),
    [
        ("http://localhost:8000", "did:web:localhost%3A8000"),
        ("https://cspo.example.org", "did:web:cspo.example.org"),
        ("https://Example.org/cspo/tracker", "did:web:example.org:cspo:tracker"),
    ],
)
def test_the_issuer_did_is_did_web_of_the_site_url(site_url, did):
    assert did_for_site_url(site_url) == did


def _jwk(key):
    def b64(raw):
        return base64.urlsafe_b64encode(raw).decode().rstrip("=")

    seed = key.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
    public = key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    return json.dumps({"kty": "OKP", "crv": "Ed25519", "d": b64(seed), "x": b64(public)})


def test_a_jwk_and_a_multikey_secret_give_the_same_key(signing_key):
    key = private_key_from_text(signing_key)
    same = private_key_from_text(_jwk(key))
    assert public_key_multibase(same.public_key()) == public_key_multibase(key.public_key())
    assert public_key_multibase(key.public_key()).startswith("z6Mk")


def test_the_did_document_lists_the_public_key_as_a_multikey_assertion_method(settings):
    document = did_document()
    assert document["id"] == issuer_did() == "did:web:localhost%3A8000"
    [method] = document["verificationMethod"]
    assert method["type"] == "Multikey"
    assert method["controller"] == document["id"]
    assert method["publicKeyMultibase"] == issuer_keys().public_multibase
    assert document["assertionMethod"] == [method["id"]]
    assert settings.CREDENTIAL_SIGNING_KEY not in json.dumps(document)


def test_rotated_keys_stay_in_the_did_document(settings, signing_key):
    old_public = issuer_keys().public_multibase
    new_key = Ed25519PrivateKey.generate()
    settings.CREDENTIAL_SIGNING_KEY = private_key_multibase(new_key)
    settings.CREDENTIAL_SIGNING_OLD_KEYS = [old_public]
    keys = [m["publicKeyMultibase"] for m in did_document()["verificationMethod"]]
    assert keys == [public_key_multibase(new_key.public_key()), old_public]


def test_without_a_key_a_development_server_generates_one_once_and_reuses_it(settings, tmp_path):
    settings.CREDENTIAL_SIGNING_KEY = ""
    settings.DEBUG = True
    settings.VAR_DIR = tmp_path
    first = issuer_keys().public_multibase
    key_file = tmp_path / "credential-signing-key.txt"
    assert key_file.exists()
    assert oct(key_file.stat().st_mode & 0o777) == "0o600"
    _load.cache_clear()  # as a restart would: read the file again
    assert issuer_keys().public_multibase == first


def test_without_a_key_production_refuses_to_sign(settings):
    settings.CREDENTIAL_SIGNING_KEY = ""
    settings.DEBUG = False
    with pytest.raises(ImproperlyConfigured, match="CREDENTIAL_SIGNING_KEY must be set"):
        issuer_keys()


@pytest.mark.parametrize(
    "bad",
    [
        "not-a-key-at-all",
        "z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK",  # a public key, not a private one
        '{"kty": "OKP", "crv": "Ed25519", "d": "c2VjcmV0LXRvby1zaG9ydA"}',
        '{"kty": "RSA"}',
        "{broken json",
    ],
)
def test_a_bad_key_is_refused_without_echoing_it(settings, bad):
    settings.CREDENTIAL_SIGNING_KEY = bad
    with pytest.raises(ImproperlyConfigured) as raised:
        issuer_keys()
    assert bad not in str(raised.value)
    assert "CREDENTIAL_SIGNING_KEY is not an Ed25519 private key" in str(raised.value)


def test_the_key_object_never_shows_the_private_key(signing_key):
    assert signing_key not in repr(issuer_keys())


def test_the_deploy_check_asks_for_a_key_and_refuses_a_bad_one_without_echoing_it(settings):
    from certifications.vc.checks import signing_key_configured

    assert signing_key_configured(None) == []
    settings.CREDENTIAL_SIGNING_KEY = ""
    [warning] = signing_key_configured(None)
    assert warning.id == "certifications.W001"
    settings.CREDENTIAL_SIGNING_KEY = "zNotAKeyButSecretText"
    [error] = signing_key_configured(None)
    assert error.id == "certifications.E001"
    assert "zNotAKeyButSecretText" not in error.msg


@pytest.mark.parametrize(
    ("site_url", "reason"),
    [
        ("http://cspo.example.org", "is not https"),
        ("https://203.0.113.7", "names an IP address"),
        ("https://[2001:db8::1]:8443", "names an IP address"),
        ("http://127.0.0.1:8200", "is not https"),
        ("https://localhost:8000", "not a public domain"),
        ("https://cspo.localhost", "not a public domain"),
    ],
)
def test_check_deploy_warns_when_site_url_makes_an_unresolvable_did_web(settings, site_url, reason):
    settings.SITE_URL = site_url
    [warning] = [
        m for m in run_checks(include_deployment_checks=True) if m.id == "certifications.W002"
    ]
    assert reason in warning.msg
    assert "did:web" in warning.msg
    assert "https://cspo.example.org" in warning.hint


def test_check_deploy_accepts_an_https_domain_and_can_be_silenced_by_id(settings, monkeypatch):
    # The browser tests' conftest allows Django's ORM in async contexts for the whole
    # session, which check --deploy rightly calls an error.
    monkeypatch.delenv("DJANGO_ALLOW_ASYNC_UNSAFE", raising=False)
    settings.SITE_URL = "https://cspo.example.org/cspo"
    assert "certifications.W002" not in {m.id for m in run_checks(include_deployment_checks=True)}
    settings.SITE_URL = "http://127.0.0.1:8200"
    settings.SILENCED_SYSTEM_CHECKS = ["certifications.W002"]
    out = io.StringIO()
    call_command("check", "--deploy", stdout=out, stderr=out)
    assert "certifications.W002" not in out.getvalue()
