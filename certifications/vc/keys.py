"""The issuer's Ed25519 signing key, and the Multikey encodings of its keys.

`CREDENTIAL_SIGNING_KEY` holds the private key, as a Multikey secret key (multibase
base58btc of the multicodec 0x1300 `ed25519-priv` prefix and the 32-byte seed,
"z3u2...") or as a JWK (`{"kty": "OKP", "crv": "Ed25519", "d": ..., "x": ...}`). Without
it, a development server (DJANGO_DEBUG on) makes one key in CSPO_VAR_DIR once and reuses
it; anything else refuses to sign. `CREDENTIAL_SIGNING_OLD_KEYS` lists public keys
(Multikey "z6Mk...") that signed earlier credentials: they stay in the DID document so
those credentials still verify after a rotation.

The private key is never logged, rendered or echoed in an error message.
"""

import base64
import json
import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import base58
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

# Multicodec varint prefixes (https://github.com/multiformats/multicodec, table.csv).
ED25519_PUB = b"\xed\x01"
ED25519_PRIV = b"\x80\x26"
DEV_KEY_FILE = "credential-signing-key.txt"


class KeyFormatError(ValueError):
    """A key string that is not an Ed25519 Multikey or JWK. The message never holds the key."""


def _b64url_decode(text):
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _multibase_decode(value, prefix):
    if not isinstance(value, str) or not value.startswith("z"):
        raise KeyFormatError("not a base58btc multibase value (it must start with 'z')")
    try:
        raw = base58.b58decode(value[1:])
    except ValueError:
        raise KeyFormatError("not valid base58btc") from None
    if not raw.startswith(prefix) or len(raw) != len(prefix) + 32:
        raise KeyFormatError("not an Ed25519 key of 32 bytes")
    return raw[len(prefix) :]


def public_key_multibase(public_key):
    raw = public_key.public_bytes(Encoding.Raw, PublicFormat.Raw)
    return "z" + base58.b58encode(ED25519_PUB + raw).decode()


def private_key_multibase(private_key):
    from cryptography.hazmat.primitives.serialization import NoEncryption, PrivateFormat

    seed = private_key.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
    return "z" + base58.b58encode(ED25519_PRIV + seed).decode()


def public_key_from_multibase(value):
    return Ed25519PublicKey.from_public_bytes(_multibase_decode(value, ED25519_PUB))


def private_key_from_text(text):
    """Read a Multikey secret key or an Ed25519 JWK."""
    text = text.strip()
    if text.startswith("{"):
        try:
            jwk = json.loads(text)
        except ValueError:
            raise KeyFormatError("not valid JSON") from None
        if not isinstance(jwk, dict) or jwk.get("kty") != "OKP" or jwk.get("crv") != "Ed25519":
            raise KeyFormatError('a JWK must have "kty": "OKP" and "crv": "Ed25519"')
        try:
            seed = _b64url_decode(jwk["d"])
        except (KeyError, TypeError, ValueError):
            raise KeyFormatError('the JWK has no valid private part "d"') from None
        if len(seed) != 32:
            raise KeyFormatError("not an Ed25519 key of 32 bytes")
        key = Ed25519PrivateKey.from_private_bytes(seed)
        if "x" in jwk and _b64url_decode(jwk["x"]) != key.public_key().public_bytes(
            Encoding.Raw, PublicFormat.Raw
        ):
            raise KeyFormatError('the JWK\'s public part "x" does not match "d"')
        return key
    return Ed25519PrivateKey.from_private_bytes(_multibase_decode(text, ED25519_PRIV))


@dataclass(frozen=True)
class IssuerKeys:
    """The current signing key and the public keys of earlier ones (newest first)."""

    private_key: Ed25519PrivateKey
    old_public_keys: tuple

    def __repr__(self):  # never show the private key, even in a debugger or traceback
        return f"IssuerKeys(current={self.public_multibase!r}, old={len(self.old_public_keys)})"

    @property
    def public_multibase(self):
        return public_key_multibase(self.private_key.public_key())

    def all_public_multibase(self):
        """Every public key the DID document lists: the current one first."""
        keys = [self.public_multibase]
        keys += [k for k in self.old_public_keys if k not in keys]
        return keys


def _development_key():
    path = Path(settings.VAR_DIR) / DEV_KEY_FILE
    if path.exists():
        return path.read_text()
    text = private_key_multibase(Ed25519PrivateKey.generate())
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(text)
    return text


@lru_cache(maxsize=4)
def _load(key_text, old_keys, debug):
    if not key_text:
        if not debug:
            raise ImproperlyConfigured(
                "CREDENTIAL_SIGNING_KEY must be set when DJANGO_DEBUG is off: signed "
                "credentials need the issuer's Ed25519 key (see docs/credentials.md)."
            )
        key_text = _development_key()
    try:
        private_key = private_key_from_text(key_text)
    except KeyFormatError as error:
        raise ImproperlyConfigured(
            f"CREDENTIAL_SIGNING_KEY is not an Ed25519 private key: {error}."
        ) from None
    for old in old_keys:
        try:
            public_key_from_multibase(old)
        except KeyFormatError as error:
            raise ImproperlyConfigured(
                f"CREDENTIAL_SIGNING_OLD_KEYS has a value that is not an Ed25519 Multikey "
                f"public key ({old[:12]}...): {error}."
            ) from None
    return IssuerKeys(private_key=private_key, old_public_keys=tuple(old_keys))


def issuer_keys():
    """The configured keys (read once per distinct configuration)."""
    return _load(
        settings.CREDENTIAL_SIGNING_KEY, tuple(settings.CREDENTIAL_SIGNING_OLD_KEYS), settings.DEBUG
    )
