import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from certifications.vc.keys import private_key_multibase


def new_private_key_text():
    return private_key_multibase(Ed25519PrivateKey.generate())


@pytest.fixture
def signing_key():
    return new_private_key_text()


@pytest.fixture(autouse=True)
def _issuer_key(settings, signing_key, tmp_path):
    """Each test signs with its own configured key; nothing is written to the real var/."""
    settings.CREDENTIAL_SIGNING_KEY = signing_key
    settings.CREDENTIAL_SIGNING_OLD_KEYS = []
    settings.SITE_URL = "http://localhost:8000"
    settings.VAR_DIR = tmp_path / "var"
