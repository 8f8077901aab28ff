"""The issuer's identity: a did:web derived from SITE_URL, and its DID document.

did:web (https://w3c-ccg.github.io/did-method-web/): the host, with a port's colon
percent-encoded, then each path segment after a colon. `http://localhost:8000` is
`did:web:localhost%3A8000`, its document at `/.well-known/did.json`;
`https://example.org/cspo` is `did:web:example.org:cspo`, its document at `/cspo/did.json`.
"""

from urllib.parse import quote, urlsplit

from django.conf import settings

from .keys import issuer_keys
from .loader import DID_V1, MULTIKEY_V1


def did_for_site_url(site_url):
    parts = urlsplit(site_url)
    host = quote(parts.netloc.lower(), safe="")  # "localhost:8000" -> "localhost%3A8000"
    segments = [quote(s, safe="") for s in parts.path.split("/") if s]
    return ":".join(["did:web", host, *segments])


def issuer_did():
    return did_for_site_url(settings.SITE_URL)


def site_has_path():
    return bool(urlsplit(settings.SITE_URL).path.strip("/"))


def verification_method_id(public_multibase, did=None):
    """A key's id in the DID document is the DID and its Multikey public key as fragment,
    so each rotated key keeps its own id."""
    return f"{did or issuer_did()}#{public_multibase}"


def did_document():
    """Every public key the issuer has signed with, each a Multikey assertion method."""
    did = issuer_did()
    methods = [
        {
            "id": verification_method_id(key, did),
            "type": "Multikey",
            "controller": did,
            "publicKeyMultibase": key,
        }
        for key in issuer_keys().all_public_multibase()
    ]
    return {
        "@context": [DID_V1, MULTIKEY_V1],
        "id": did,
        "verificationMethod": methods,
        "assertionMethod": [m["id"] for m in methods],
    }


def public_key_for(verification_method):
    """The Multikey public key behind one of our verification method ids, or None when the
    id is not one of ours (another issuer, or a key we never listed)."""
    did = issuer_did()
    prefix = did + "#"
    if not isinstance(verification_method, str) or not verification_method.startswith(prefix):
        return None
    key = verification_method[len(prefix) :]
    return key if key in issuer_keys().all_public_multibase() else None
