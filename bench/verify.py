"""What one anonymous POST /verify/ can cost: a forged credential (the shipped contexts,
this site's key reference, a random signature) with N look-alike objects without an id
(blank nodes), checked as the page checks it. Prints, per N, the document's size and
the seconds until the answer: within the bounds the signature is found wrong after
canonicalization; past them the document is refused before any.

    .venv/bin/python bench/verify.py 5 26 300 1000 4000

No database is needed: the signature check fails before any status list is read.
"""

import json
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey  # noqa: E402
from django.conf import settings  # noqa: E402

from certifications.vc import did, verification  # noqa: E402
from certifications.vc.keys import issuer_keys, private_key_multibase  # noqa: E402
from certifications.vc.loader import CREDENTIALS_V2, OPEN_BADGES_V3  # noqa: E402
from certifications.vc.signing import canonicalize, check_proof  # noqa: E402


def forgery(blank_nodes):
    method = did.verification_method_id(issuer_keys().public_multibase)
    return {
        "@context": [CREDENTIALS_V2, OPEN_BADGES_V3],
        "id": settings.SITE_URL + "/credentials/CSPO-0000000000/1.json",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": did.issuer_did(), "type": ["Profile"], "name": "CSPO Tracker"},
        "validFrom": "2026-01-01T00:00:00Z",
        "credentialSubject": {"type": ["AchievementSubject"], "name": "Mallory"},
        "evidence": [
            {"type": ["Evidence"], "name": "same", "description": "same"}
            for _ in range(blank_nodes)
        ],
        "proof": [
            {
                "type": "DataIntegrityProof",
                "cryptosuite": "eddsa-rdfc-2022",
                "created": "2026-01-01T00:00:00Z",
                "verificationMethod": method,
                "proofPurpose": "assertionMethod",
                "proofValue": "z" + "3" * 86,
            }
        ],
    }


def timed(function, repeat=3):
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        outcome = function()
        times.append(time.perf_counter() - started)
    return statistics.median(times), outcome


def main(sizes):
    settings.CREDENTIAL_SIGNING_KEY = private_key_multibase(Ed25519PrivateKey.generate())
    print(f"{'blank nodes':>11} {'KB':>6} {'answer (s)':>10} {'unbounded (s)':>13}  answer")
    for size in sizes:
        text = json.dumps(forgery(size))

        def check(text=text):
            try:
                document = verification.parse_credential(text)
            except verification.UnreadableCredential as error:
                return f"refused: {error}"
            return f"checked: {check_proof(document).problem}"

        seconds, answer = timed(check)
        unbounded, _ = timed(lambda text=text: canonicalize(json.loads(text)), repeat=1)
        print(
            f"{size:>11} {len(text) / 1024:>6.1f} {seconds:>10.4f} {unbounded:>13.3f}  {answer[:60]}"
        )


if __name__ == "__main__":
    main([int(arg) for arg in sys.argv[1:]] or [5, 26, 300, 1000, 4000])
