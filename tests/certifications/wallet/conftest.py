# Each test signs with its own issuer key, never the real var/ (the vc tests' fixtures),
# and 1EdTech's Open Badges 3.0 schema is read the way the vc tests read it.
from tests.certifications.vc.conftest import _issuer_key, signing_key  # noqa: F401
from tests.certifications.vc.test_ob3_schema import validator  # noqa: F401
