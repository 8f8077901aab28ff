"""An independent wallet: the OpenWallet Foundation's @openid4vc/openid4vci client
(tests/wallet_client/) takes an "Add to wallet" offer from the running app through the
pre-authorized code flow with a fresh did:key holder; Digital Bazaar's verifier
(tests/vc_verifier/) then checks what it received. bin/test installs Node.js and both
folders; without them these tests fail, unless CSPO_SKIP_NODE_TESTS=1 (never honoured
when CI is set).

The wallet signs its proofs at the tests' time (`--now`) and the server checks them at
the live server's, the same process clock: these tests do not freeze it. An expired
offer is one made in the past."""

import datetime
import json
import subprocess
from pathlib import Path

import pytest
from django.utils import timezone

from certifications.models import WalletOffer
from certifications.vc import services as vc_services
from certifications.wallet import services
from tests.certifications.vc.test_independent_verifier import VERIFIER
from tests.certifications.vc.test_independent_verifier import (
    verify_with_javascript as verify_with_digital_bazaar,
)
from tests.factories import CredentialFactory
from tests.node_packages import require

WALLET = Path(__file__).resolve().parents[2] / "wallet_client"


@pytest.fixture
def node():
    return require(
        "the independent wallet",
        WALLET / "node_modules" / "@openid4vc" / "openid4vci",
        VERIFIER / "node_modules" / "@digitalbazaar" / "vc",
    )


@pytest.fixture
def site(live_server, settings):
    settings.SITE_URL = live_server.url
    return live_server.url


@pytest.fixture
def credential():
    return CredentialFactory(
        issued_on=timezone.now().date() - datetime.timedelta(days=30),
        holder__user__first_name="Katherine",
        holder__user__last_name="Johnson",
    )


def wallet(node, offer_uri, *, key="ed25519", tamper="none"):
    # The wallet signs at the tests' time, not its process's clock: with the clock moved
    # (--clock-ahead) the two differ.
    now = timezone.now().isoformat()
    result = subprocess.run(
        [
            node,
            str(WALLET / "receive.js"),
            *("--offer", offer_uri, "--key", key, "--tamper", tamper, "--now", now),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@pytest.mark.parametrize("key", ["ed25519", "p256"])
def test_a_wallet_receives_the_credential_bound_to_its_did_key(
    node, site, credential, tmp_path, key
):
    offer = services.make_offer(credential=credential)
    received = wallet(node, offer.uri, key=key)
    assert received["ok"] is True, received
    document = received["credential"]
    assert received["holder"].startswith("did:key:z")
    assert document["credentialSubject"]["id"] == received["holder"]
    assert document["credentialSubject"]["name"] == "Katherine Johnson"
    stored = vc_services.issue_signed_credential(credential).document
    assert document["id"] == stored["id"]
    assert document["credentialStatus"] == stored["credentialStatus"]
    assert verify_with_digital_bazaar(node, site, document, tmp_path) == {
        "verified": True,
        "status": {"revocation": False},
        "error": None,
    }
    issued = WalletOffer.objects.get()
    assert issued.holder_did == received["holder"]
    assert issued.issued_at is not None


def test_a_used_pre_authorized_code_is_refused(node, site, credential):
    offer = services.make_offer(credential=credential)
    assert wallet(node, offer.uri)["ok"] is True
    again = wallet(node, offer.uri)
    assert (again["ok"], again["stage"], again["error"]) == (False, "token", "invalid_grant")


def test_an_expired_offer_is_refused(node, site, credential, settings):
    made = timezone.now() - datetime.timedelta(seconds=settings.WALLET_OFFER_SECONDS + 60)
    offer = services.make_offer(credential=credential, now=made)
    refused = wallet(node, offer.uri)
    assert (refused["ok"], refused["stage"], refused["error"]) == (False, "token", "invalid_grant")
    assert "expired" in refused["error_description"]


def test_a_proof_with_a_nonce_the_server_never_gave_is_refused(node, site, credential):
    offer = services.make_offer(credential=credential)
    refused = wallet(node, offer.uri, tamper="wrong-nonce")
    assert (refused["ok"], refused["stage"], refused["error"]) == (
        False,
        "credential",
        "invalid_nonce",
    )
    assert WalletOffer.objects.get().issued_at is None


@pytest.mark.parametrize("key", ["ed25519", "p256"])
def test_a_proof_signed_by_another_key_than_its_header_names_is_refused(
    node, site, credential, key
):
    offer = services.make_offer(credential=credential)
    refused = wallet(node, offer.uri, key=key, tamper="other-key")
    assert (refused["ok"], refused["stage"], refused["error"]) == (
        False,
        "credential",
        "invalid_proof",
    )
    assert "not signed by the key" in refused["error_description"]


def test_an_offer_of_a_credential_revoked_since_is_refused(node, site, credential):
    offer = services.make_offer(credential=credential)
    vc_services.revoke_credential(credential=credential, by=None, reason="Issued in error")
    refused = wallet(node, offer.uri)
    assert (refused["ok"], refused["stage"], refused["error"]) == (False, "token", "invalid_grant")
