"""A JSON-LD document loader that answers only the contexts shipped in `contexts/`.

Signing and verifying must never depend on the network: a context fetched at run time
could change what a signed document means, or fail. Any other URL is refused.
The sources and versions of the files are in `contexts/SOURCES.md`.
"""

import copy
import json
from functools import cache
from pathlib import Path

from pyld.jsonld import JsonLdError

CONTEXTS_DIR = Path(__file__).resolve().parent / "contexts"

CREDENTIALS_V2 = "https://www.w3.org/ns/credentials/v2"
OPEN_BADGES_V3 = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
DATA_INTEGRITY_V2 = "https://w3id.org/security/data-integrity/v2"
MULTIKEY_V1 = "https://w3id.org/security/multikey/v1"
DID_V1 = "https://www.w3.org/ns/did/v1"

# URL -> file name; the JavaScript verifier in tests/vc_verifier/ reads the same index.
SHIPPED = json.loads((CONTEXTS_DIR / "index.json").read_text(encoding="utf-8"))


class ContextRefused(JsonLdError):
    pass


@cache
def _read(name):
    return json.loads((CONTEXTS_DIR / name).read_text(encoding="utf-8"))


def shipped_context(url):
    """The parsed context shipped for `url` (a copy), or None."""
    name = SHIPPED.get(url)
    return copy.deepcopy(_read(name)) if name else None


def document_loader(url, options=None):
    """pyld's loader interface: the shipped context for `url`, or a refusal."""
    document = shipped_context(url)
    if document is None:
        raise ContextRefused(
            f"The JSON-LD context {url!r} is not shipped with CSPO Tracker and is never fetched.",
            "jsonld.LoadDocumentError",
            {"url": url},
            code="loading document failed",
        )
    return {"contextUrl": None, "documentUrl": url, "document": document}
