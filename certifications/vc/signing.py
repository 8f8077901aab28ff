"""Data Integrity proofs with the cryptosuite eddsa-rdfc-2022.

W3C "Data Integrity EdDSA Cryptosuites v1.0", section 3.3 (eddsa-rdfc-2022):
1. the document without `proof` is canonicalized with RDF Dataset Canonicalization
   (RDFC-1.0, which gives the same N-Quads as URDNA2015) and hashed with SHA-256;
2. the proof options (the proof without `proofValue`, with the document's `@context`)
   are canonicalized the same way and hashed with SHA-256;
3. the Ed25519 signature covers hash(proof options) followed by hash(document);
4. `proofValue` is the signature as multibase base58btc ("z...").
Verification repeats 1-3 with the proof as received and checks the signature with the
public key of `verificationMethod`, read from our own DID document only.
"""

import hashlib
import threading
from dataclasses import dataclass

import base58
from cryptography.exceptions import InvalidSignature
from django.utils.translation import gettext
from pyld import jsonld
from pyld.jsonld import JsonLdError

from . import did as did_module
from .keys import KeyFormatError, issuer_keys, public_key_from_multibase
from .loader import SHIPPED, document_loader

PROOF_TYPE = "DataIntegrityProof"
CRYPTOSUITE = "eddsa-rdfc-2022"
# A proof set this site signs has one proof; a holder may add a few of their own.
MAX_PROOFS = 4


class CanonicalizationError(ValueError):
    """The document is not JSON-LD we can canonicalize with the shipped contexts."""


def _refuse_dropped(expanded_property):
    raise CanonicalizationError(
        f"a property ({expanded_property or 'unnamed'}) is not defined by the credential's contexts"
    )


# PyLD keeps its processed contexts in one process-wide LRU cache that is not thread
# safe: two canonicalisations at once in a threaded server can evict each other's entry
# mid-read (a KeyError, so a 500). Gunicorn's sync workers run one request at a time, so
# the lock costs them nothing.
_PYLD_LOCK = threading.Lock()


def canonicalize(document):
    """RDFC-1.0 N-Quads of `document`, in "safe mode" like Digital Bazaar's verifiers: a
    property that the contexts do not define would silently vanish from the signed data,
    so it is refused instead of ignored."""
    options = {"documentLoader": document_loader}
    try:
        with _PYLD_LOCK:
            expanded = jsonld.expand(document, options, on_property_dropped=_refuse_dropped)
            return jsonld.normalize(
                expanded,
                {**options, "algorithm": "URDNA2015", "format": "application/n-quads"},
            )
    except CanonicalizationError:
        raise
    except JsonLdError as error:
        raise CanonicalizationError(_root_message(error)) from None
    except ValueError as error:  # pyld's RDF step refuses, e.g., a relative IRI with no base
        raise CanonicalizationError(str(error).splitlines()[0]) from None


def _root_message(error):
    while isinstance(getattr(error, "cause", None), JsonLdError):
        error = error.cause
    return str(getattr(error, "message", error)).splitlines()[0]


def _document_hash(document):
    unsecured = {k: v for k, v in document.items() if k != "proof"}
    return hashlib.sha256(canonicalize(unsecured).encode()).digest()


def _hash_data(document, proof_options, document_hash=None):
    options = {k: v for k, v in proof_options.items() if k != "proofValue"}
    options["@context"] = document["@context"]
    return hashlib.sha256(canonicalize(options).encode()).digest() + (
        document_hash or _document_hash(document)
    )


def utc_timestamp(moment):
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def sign(document, *, created):
    """`document` with an eddsa-rdfc-2022 proof by the current issuer key."""
    keys = issuer_keys()
    proof = {
        "type": PROOF_TYPE,
        "cryptosuite": CRYPTOSUITE,
        "created": utc_timestamp(created),
        "verificationMethod": did_module.verification_method_id(keys.public_multibase),
        "proofPurpose": "assertionMethod",
    }
    signature = keys.private_key.sign(_hash_data(document, proof))
    proof["proofValue"] = "z" + base58.b58encode(signature).decode()
    # A proof set of one: VC 2.0 allows a single object too, but Open Badges 3.0's JSON
    # Schema and every example in its specification use an array.
    return {**{k: v for k, v in document.items() if k != "proof"}, "proof": [proof]}


@dataclass(frozen=True)
class ProofCheck:
    valid: bool
    problem: str = ""
    verification_method: str = ""


def check_proof(document):
    """Whether `document` carries a valid eddsa-rdfc-2022 proof by one of our keys.
    Never raises on bad input: the problem is said in plain words."""
    if not isinstance(document, dict):
        return ProofCheck(False, gettext("The credential is not a JSON object."))
    contexts = document.get("@context")
    if not isinstance(contexts, list) or not all(
        isinstance(c, str) and c in SHIPPED for c in contexts
    ):
        return ProofCheck(
            False,
            gettext(
                "The credential's @context is not one this site issues (shipped contexts only)."
            ),
        )
    proofs = document.get("proof")
    if isinstance(proofs, dict):
        proofs = [proofs]
    if not isinstance(proofs, list) or not proofs:
        return ProofCheck(False, gettext("The credential has no proof (it is not signed)."))
    if len(proofs) > MAX_PROOFS:
        return ProofCheck(
            False, gettext("The credential has more than %(max)s proofs.") % {"max": MAX_PROOFS}
        )
    # The cheap checks of every proof come before any canonicalization: a document
    # that is not signed by our key costs no canonicalization at all.
    checked = []
    for proof in proofs:
        check, key, signature = _read_proof(proof)
        if not check.valid:
            return check
        checked.append((proof, check, key, signature))
    try:
        document_hash = _document_hash(document)
        for proof, _check, key, signature in checked:
            key.verify(signature, _hash_data(document, proof, document_hash))
    except CanonicalizationError as error:
        return ProofCheck(
            False,
            gettext("The credential is not valid JSON-LD: %(error)s") % {"error": error},
            check.verification_method,
        )
    except InvalidSignature:
        return ProofCheck(
            False,
            gettext("The signature does not match: the credential was changed after signing."),
            check.verification_method,
        )
    return checked[0][1]


def _read_proof(proof):
    """(ProofCheck, public key, signature) of one proof of a proof set, before any
    canonicalization (W3C VC Data Integrity 1.0, section 2.1.1: each proof of a set
    signs the document without `proof`, independently of the others)."""
    if not isinstance(proof, dict):
        return (
            ProofCheck(False, gettext("A proof of the credential is not a JSON object.")),
            None,
            None,
        )
    if proof.get("type") != PROOF_TYPE or proof.get("cryptosuite") != CRYPTOSUITE:
        return (
            ProofCheck(
                False,
                gettext("The proof is not a %(type)s with %(suite)s.")
                % {"type": PROOF_TYPE, "suite": CRYPTOSUITE},
            ),
            None,
            None,
        )
    if proof.get("proofPurpose") != "assertionMethod":
        return ProofCheck(False, gettext("The proof's purpose is not assertionMethod.")), None, None
    method = proof.get("verificationMethod")
    public = did_module.public_key_for(method)
    if public is None:
        return (
            ProofCheck(False, gettext("The proof was not made with a key of this site's issuer.")),
            None,
            None,
        )
    value = proof.get("proofValue")
    if not isinstance(value, str) or not value.startswith("z"):
        return (
            ProofCheck(False, gettext("The proof value is not multibase base58btc."), method),
            None,
            None,
        )
    try:
        signature = base58.b58decode(value[1:])
        key = public_key_from_multibase(public)
    except (ValueError, KeyFormatError):
        return (
            ProofCheck(False, gettext("The proof value is not valid base58btc."), method),
            None,
            None,
        )
    return ProofCheck(True, "", method), key, signature
