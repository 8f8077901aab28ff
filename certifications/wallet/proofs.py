"""The wallet's proof of possession: a `jwt` proof (OpenID4VCI 1.0, appendix F.1),
checked with PyJWT. Its key is named in the header, by `kid` (a did:key) or `jwk`; the
holder's DID is the did:key of that key, whichever way it came."""

import datetime
from dataclasses import dataclass

import jwt
from jwt.exceptions import InvalidTokenError, PyJWKError

from .keys import ALGORITHMS, UnusableKey, did_key_for, key_type, public_key_from_did_key

PROOF_TYPE = "openid4vci-proof+jwt"
# A proof is signed just before the request: older than this it could be a replay; a
# little ahead is clock drift between the wallet and us.
MAX_AGE = datetime.timedelta(minutes=5)
MAX_AHEAD = datetime.timedelta(minutes=1)
MAX_LENGTH = 8000


class InvalidProof(ValueError):
    """The proof is refused; the message says why (sent to the wallet)."""


@dataclass(frozen=True)
class Proof:
    holder_did: str
    nonce: str


def _key_from_header(header):
    kid, jwk = header.get("kid"), header.get("jwk")
    if header.get("x5c") is not None:
        raise InvalidProof("x5c keys are not accepted: name the key by a did:key kid or a jwk")
    if (kid is None) == (jwk is None):
        raise InvalidProof("the proof's header names its key by exactly one of kid and jwk")
    if kid is not None:
        try:
            return public_key_from_did_key(kid)[1]
        except UnusableKey as error:
            raise InvalidProof(f"kid: {error}") from error
    if not isinstance(jwk, dict) or "d" in jwk:
        raise InvalidProof("jwk must be a public JSON Web Key")
    try:
        key = jwt.PyJWK(jwk).key
        key_type(key)
    except (PyJWKError, UnusableKey, ValueError, TypeError) as error:
        raise InvalidProof(f"jwk is not an Ed25519 or P-256 public key ({error})") from error
    return key


def verify(token, *, audience, now):
    """The holder's DID and the nonce ("" when none) of a valid `jwt` proof, or
    InvalidProof. The nonce is the caller's to check: it is another error."""
    if not isinstance(token, str) or not token or len(token) > MAX_LENGTH:
        raise InvalidProof("the jwt proof is missing or too long")
    try:
        header = jwt.get_unverified_header(token)
    except InvalidTokenError as error:
        raise InvalidProof("the jwt proof is not a JWS in compact form") from error
    if header.get("typ") != PROOF_TYPE:
        raise InvalidProof(f'the proof\'s typ must be "{PROOF_TYPE}"')
    key = _key_from_header(header)
    algorithm = ALGORITHMS[key_type(key)]
    if header.get("alg") != algorithm:
        raise InvalidProof(f"a {key_type(key)} key signs with alg {algorithm}")
    try:
        claims = jwt.decode(
            token,
            key,
            algorithms=[algorithm],
            audience=audience,
            options={"require": ["aud", "iat"], "verify_iat": False},
        )
    except jwt.InvalidSignatureError as error:
        raise InvalidProof("the proof is not signed by the key its header names") from error
    except jwt.InvalidAudienceError as error:
        raise InvalidProof(f"the proof's aud must be the credential issuer {audience}") from error
    except InvalidTokenError as error:
        raise InvalidProof(f"the jwt proof is not valid: {error}") from error
    issued = claims["iat"]
    if not isinstance(issued, int | float):
        raise InvalidProof("iat must be a number of seconds")
    issued_at = datetime.datetime.fromtimestamp(issued, tz=datetime.UTC)
    if issued_at < now - MAX_AGE or issued_at > now + MAX_AHEAD:
        raise InvalidProof("the proof's iat is not fresh: sign the proof just before the request")
    nonce = claims.get("nonce")
    return Proof(holder_did=did_key_for(key), nonce=nonce if isinstance(nonce, str) else "")
