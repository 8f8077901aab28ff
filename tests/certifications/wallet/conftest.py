# Each test signs with its own issuer key, never the real var/ (the vc tests' fixtures).
from tests.certifications.vc.conftest import _issuer_key, signing_key  # noqa: F401
