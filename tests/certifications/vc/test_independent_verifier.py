"""An independent verifier: Digital Bazaar's JavaScript stack (@digitalbazaar/vc with
eddsa-rdfc-2022 and Data Integrity) checks our credentials against the running app's
DID document and status lists. bin/test installs Node.js and tests/vc_verifier/; without
them this test fails, unless CSPO_SKIP_NODE_TESTS=1 (never honoured when CI is set)."""

import copy
import datetime
import json
import subprocess
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.utils import timezone

from certifications.models import Credential
from certifications.vc import documents, services, signing
from certifications.vc.keys import issuer_keys, private_key_multibase
from tests.factories import CredentialFactory
from tests.node_packages import require

VERIFIER = Path(__file__).resolve().parents[2] / "vc_verifier"


@pytest.fixture
def node():
    return require("the independent verifier", VERIFIER / "node_modules" / "@digitalbazaar" / "vc")


@pytest.fixture
def site(live_server, settings):
    settings.SITE_URL = live_server.url
    return live_server.url


def verify_with_javascript(node, site, document, tmp_path, now=None):
    path = tmp_path / "credential.json"
    path.write_text(json.dumps(document))
    # The verifier judges validity at the tests' own time, not its process's clock:
    # with the clock moved (--clock-ahead) the two differ.
    extra = ["--now", now or timezone.now().isoformat()]
    result = subprocess.run(
        [node, str(VERIFIER / "verify.js"), "--credential", str(path), "--server", site, *extra],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def a_signed_credential():
    credential = CredentialFactory(
        issued_on=timezone.now().date() - datetime.timedelta(days=30),
        holder__user__first_name="Katherine",
        holder__user__last_name="Johnson",
    )
    return services.issue_signed_credential(credential)


def test_the_javascript_verifier_accepts_a_fresh_credential(node, site, tmp_path):
    signed = a_signed_credential()
    result = verify_with_javascript(node, site, signed.document, tmp_path)
    assert result == {
        "verified": True,
        "status": {"revocation": False},
        "error": None,
    }


@pytest.mark.parametrize(
    "tamper",
    [
        lambda d: d["credentialSubject"].update(name="Someone Else"),
        lambda d: d.update(validUntil="2099-01-01T00:00:00Z"),
        lambda d: d["credentialSubject"]["achievement"].update(name="Certified Scrum Trainer"),
    ],
    ids=["holder name", "validUntil", "achievement"],
)
def test_the_javascript_verifier_refuses_a_tampered_credential(node, site, tmp_path, tamper):
    document = copy.deepcopy(a_signed_credential().document)
    tamper(document)
    result = verify_with_javascript(node, site, document, tmp_path)
    assert result["verified"] is False
    assert "signature" in result["error"].lower()


def test_the_javascript_verifier_sees_a_revoked_credential_as_revoked(node, site, tmp_path):
    signed = a_signed_credential()
    services.revoke_credential(credential=signed.credential, by=None, reason="Issued in error")
    result = verify_with_javascript(node, site, signed.document, tmp_path)
    assert result["verified"] is False
    assert result["status"] == {"revocation": True}


def test_a_credential_signed_before_a_key_rotation_still_verifies(node, site, tmp_path, settings):
    signed = a_signed_credential()
    settings.CREDENTIAL_SIGNING_OLD_KEYS = [issuer_keys().public_multibase]
    settings.CREDENTIAL_SIGNING_KEY = private_key_multibase(Ed25519PrivateKey.generate())
    assert verify_with_javascript(node, site, signed.document, tmp_path)["verified"] is True
    settings.CREDENTIAL_SIGNING_OLD_KEYS = []
    assert verify_with_javascript(node, site, signed.document, tmp_path)["verified"] is False


def test_the_javascript_verifier_accepts_a_renewed_credential_and_its_older_copy(
    node, site, tmp_path
):
    signed = a_signed_credential()
    credential = signed.credential
    Credential.objects.filter(pk=credential.pk).update(
        expires_on=credential.expires_on + datetime.timedelta(days=730)
    )
    renewed = services.issue_signed_credential(credential)
    assert renewed.document["id"] == signed.document["id"]
    for document in (renewed.document, signed.document):
        assert verify_with_javascript(node, site, document, tmp_path)["verified"] is True


def test_the_javascript_verifier_sees_a_lapsed_credential_as_expired(node, site, tmp_path):
    signed = a_signed_credential()
    Credential.objects.filter(pk=signed.credential.pk).update(status=Credential.Status.LAPSED)
    after_grace = signed.credential.expires_on + datetime.timedelta(days=120)
    result = verify_with_javascript(
        node, site, signed.document, tmp_path, now=f"{after_grace.isoformat()}T12:00:00Z"
    )
    assert result["verified"] is False
    assert 'is after "validUntil"' in result["error"]


def test_the_javascript_verifier_sees_an_older_suspension_entry_as_suspended(node, site, tmp_path):
    """Copies signed before the single status entry name a suspension list too; it is
    still served and follows the lapse."""
    signed = a_signed_credential()
    older = documents.open_badge_credential(signed)
    older["credentialStatus"] = [
        documents.status_entry("revocation", signed.status_index),
        documents.status_entry("suspension", signed.status_index),
    ]
    older = signing.sign(older, created=timezone.now())
    assert verify_with_javascript(node, site, older, tmp_path)["verified"] is True
    Credential.objects.filter(pk=signed.credential.pk).update(status=Credential.Status.LAPSED)
    result = verify_with_javascript(node, site, older, tmp_path)
    assert result["verified"] is False
    assert result["status"] == {"revocation": False, "suspension": True}
