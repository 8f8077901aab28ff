"""A wallet's key as a did:key (W3C CCG did:key method): the public key's multicodec
prefix and bytes, base58btc multibase. Ed25519 (0xed01, 32 bytes) and P-256 (0x1200,
the 33-byte compressed point) are the two key types whose JWS algorithms we accept."""

import base58
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

ED25519_PREFIX = b"\xed\x01"
P256_PREFIX = b"\x80\x24"
# The JWS algorithm each key type signs with (RFC 8037 EdDSA, RFC 7518 ES256).
ALGORITHMS = {"Ed25519": "EdDSA", "P-256": "ES256"}


class UnusableKey(ValueError):
    """The DID or key is not one we can use; the message says why."""


def key_type(public_key):
    if isinstance(public_key, Ed25519PublicKey):
        return "Ed25519"
    if isinstance(public_key, ec.EllipticCurvePublicKey) and isinstance(
        public_key.curve, ec.SECP256R1
    ):
        return "P-256"
    raise UnusableKey("only Ed25519 and P-256 keys are accepted")


def did_key_for(public_key):
    """The did:key naming `public_key`."""
    if key_type(public_key) == "Ed25519":
        data = ED25519_PREFIX + public_key.public_bytes(Encoding.Raw, PublicFormat.Raw)
    else:
        data = P256_PREFIX + public_key.public_bytes(Encoding.X962, PublicFormat.CompressedPoint)
    return "did:key:z" + base58.b58encode(data).decode()


def public_key_from_did_key(kid):
    """(did, public key) of a `did:key:z...` or `did:key:z...#z...` key id. The fragment,
    when given, must be the key itself: a did:key has one verification method."""
    if not isinstance(kid, str) or not kid.startswith("did:key:z"):
        raise UnusableKey("kid is not a did:key")
    did, _, fragment = kid.partition("#")
    identifier = did.removeprefix("did:key:")
    if fragment and fragment != identifier:
        raise UnusableKey("kid names a verification method the did:key does not have")
    try:
        data = base58.b58decode(identifier[1:])
    except ValueError as error:
        raise UnusableKey("the did:key is not base58btc") from error
    if data[:2] == ED25519_PREFIX and len(data) == 34:
        return did, Ed25519PublicKey.from_public_bytes(data[2:])
    if data[:2] == P256_PREFIX and len(data) == 35:
        try:
            return did, ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), data[2:])
        except ValueError as error:
            raise UnusableKey("the did:key's P-256 point is not on the curve") from error
    raise UnusableKey("the did:key is neither an Ed25519 nor a P-256 key")
