"""OpenID4VCI 1.0, pre-authorized code flow: a credential offer made by the holder, its
code redeemed once for an access token bound to that one credential, c_nonces, and the
credential issued to the wallet's key. Keyword-only, one transaction each.

Wallet-facing failures raise WalletError with the spec's error code (RFC 6749 section
5.2 at the token endpoint, OpenID4VCI section 8.3.1.2 at the credential endpoint)."""

import datetime
import hashlib
import json
import secrets
from dataclasses import dataclass
from urllib.parse import quote

from django.conf import settings
from django.core.signing import BadSignature, Signer
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext

from ..models import Credential
from ..vc import documents, signing
from ..vc import services as vc_services
from . import proofs
from .models import WalletNonce, WalletOffer

CONFIGURATION_ID = "CspoOpenBadgeCredential"
PRE_AUTHORIZED_GRANT = "urn:ietf:params:oauth:grant-type:pre-authorized_code"
OFFER_SCHEME = "openid-credential-offer://"


class WalletError(Exception):
    """An error answered to the wallet as `{"error": code, "error_description": ...}`."""

    def __init__(self, error, description, *, status=400):
        super().__init__(description)
        self.error, self.description, self.status = error, description, status


class OfferRefused(Exception):
    """The holder cannot add this credential to a wallet; the message says why."""


def _hash(secret):
    return hashlib.sha256(secret.encode()).hexdigest()


def credential_issuer():
    """The Credential Issuer Identifier: the site's URL, as in the metadata and in `aud`."""
    return settings.SITE_URL


@dataclass(frozen=True)
class Offer:
    offer: WalletOffer
    code: str  # shown once, in the link and the QR code; only its hash is kept

    @property
    def document(self):
        return {
            "credential_issuer": credential_issuer(),
            "credential_configuration_ids": [CONFIGURATION_ID],
            "grants": {PRE_AUTHORIZED_GRANT: {"pre-authorized_code": self.code}},
        }

    @property
    def uri(self):
        compact = json.dumps(self.document, separators=(",", ":"))
        return f"{OFFER_SCHEME}?credential_offer={quote(compact, safe='')}"


def _refusal(credential, today):
    if credential.revoked_at is not None:
        return gettext("This credential was revoked, so it cannot be added to a wallet.")
    if credential.is_lapsed_on(today):
        return gettext("This credential has lapsed, so it cannot be added to a wallet.")
    return None


@transaction.atomic
def make_offer(*, credential, now=None):
    """A new offer of `credential` (the caller checked the holder asks) with a fresh
    pre-authorized code. Raises OfferRefused for a revoked or lapsed credential, and
    vc_services.HolderHasNoName when it cannot be signed yet."""
    now = now or timezone.now()
    credential = Credential.objects.select_for_update().get(pk=credential.pk)
    refusal = _refusal(credential, timezone.localdate(now))
    if refusal:
        raise OfferRefused(refusal)
    vc_services.issue_signed_credential(credential, now=now)  # refuses a nameless holder now
    code = secrets.token_urlsafe(32)
    offer = WalletOffer.objects.create(
        credential=credential,
        code_hash=_hash(code),
        created_at=now,
        expires_at=now + datetime.timedelta(seconds=settings.WALLET_OFFER_SECONDS),
    )
    return Offer(offer=offer, code=code)


@transaction.atomic
def redeem_code(*, code, now=None):
    """The access token (and its lifetime in seconds) for a pre-authorized code, which
    works once, before its offer expires, while the credential is not revoked."""
    now = now or timezone.now()
    if not isinstance(code, str) or not code:
        raise WalletError("invalid_request", "pre-authorized_code is missing.")
    offer = (
        WalletOffer.objects.select_for_update()
        .select_related("credential")
        .filter(code_hash=_hash(code))
        .first()
    )
    # An unknown and a used code answer alike: the answer tells a guesser nothing.
    if offer is None or offer.redeemed_at is not None:
        raise WalletError("invalid_grant", "The pre-authorized code is not valid or was used.")
    if offer.expires_at <= now:
        raise WalletError(
            "invalid_grant", "The credential offer has expired: make a new one on the site."
        )
    if offer.credential.revoked_at is not None:
        raise WalletError("invalid_grant", "The offered credential was revoked.")
    token = secrets.token_urlsafe(32)
    offer.redeemed_at = now
    offer.token_hash = _hash(token)
    offer.token_expires_at = now + datetime.timedelta(seconds=settings.WALLET_TOKEN_SECONDS)
    offer.save(update_fields=["redeemed_at", "token_hash", "token_expires_at"])
    return token, settings.WALLET_TOKEN_SECONDS


NONCE_SALT = "certifications.wallet.c_nonce"
INVALID_NONCE = (
    "The proof's nonce is not a valid c_nonce (unknown, expired or used): ask the nonce endpoint."
)


def new_nonce(*, now=None):
    """A fresh c_nonce and its lifetime in seconds. It is signed, not stored: the nonce
    endpoint is anonymous, so asking it writes nothing; a nonce is recorded only when a
    proof with a valid access token spends it."""
    now = now or timezone.now()
    expires = int(now.timestamp()) + settings.WALLET_NONCE_SECONDS
    value = Signer(salt=NONCE_SALT).sign(f"{secrets.token_urlsafe(16)}.{expires}")
    return value, settings.WALLET_NONCE_SECONDS


def _spend_nonce(value, now):
    """Accept `value` once: ours (signature), not expired, never spent before."""
    try:
        expires = int(Signer(salt=NONCE_SALT).unsign(value or "").rsplit(".", 1)[1])
    except (BadSignature, IndexError, ValueError) as error:
        raise WalletError("invalid_nonce", INVALID_NONCE) from error
    if expires <= now.timestamp():
        raise WalletError("invalid_nonce", INVALID_NONCE)
    # Spent nonces are kept until they would have expired anyway, then forgotten.
    WalletNonce.objects.filter(expires_at__lte=now).delete()
    try:
        with transaction.atomic():
            WalletNonce.objects.create(
                value_hash=_hash(value),
                expires_at=datetime.datetime.fromtimestamp(expires, tz=datetime.UTC),
            )
    except IntegrityError as error:
        raise WalletError("invalid_nonce", INVALID_NONCE) from error


def _jwt_proof(body):
    """The one `jwt` proof of a credential request: `proofs` (1.0) or `proof` (drafts)."""
    proofs_ = body.get("proofs")
    if isinstance(proofs_, dict):
        jwts = proofs_.get("jwt")
        if isinstance(jwts, list) and len(jwts) == 1:
            return jwts[0]
        raise WalletError("invalid_proof", "proofs must hold exactly one jwt proof.")
    proof = body.get("proof")
    if isinstance(proof, dict) and proof.get("proof_type") == "jwt":
        return proof.get("jwt")
    raise WalletError("invalid_proof", "The request carries no jwt proof.")


def _offer_for_token(access_token, now):
    invalid = WalletError(
        "invalid_token", "The access token is not valid, has expired or was used.", status=401
    )
    if not access_token:
        raise invalid
    offer = (
        WalletOffer.objects.select_for_update()
        .filter(token_hash=_hash(access_token), issued_at__isnull=True)
        .first()
    )
    if offer is None or offer.token_expires_at <= now:
        raise invalid
    return offer


@transaction.atomic
def issue_to_wallet(*, access_token, body, now=None):
    """The credential response for a credential request: the access token's credential,
    signed afresh with `credentialSubject.id` set to the did:key of the proof's key. The
    token is spent by it; a refused request leaves token and nonce as they were."""
    now = now or timezone.now()
    offer = _offer_for_token(access_token, now)
    if not isinstance(body, dict):
        raise WalletError("invalid_credential_request", "The request body is not a JSON object.")
    if "credential_identifier" in body:
        raise WalletError(
            "unknown_credential_identifier", "This issuer uses credential_configuration_id."
        )
    if body.get("credential_configuration_id") != CONFIGURATION_ID:
        raise WalletError(
            "unknown_credential_configuration",
            f'credential_configuration_id must be "{CONFIGURATION_ID}".',
        )
    try:
        proof = proofs.verify(_jwt_proof(body), audience=credential_issuer(), now=now)
    except proofs.InvalidProof as error:
        raise WalletError("invalid_proof", f"The proof was refused: {error}.") from error
    _spend_nonce(proof.nonce, now)
    credential = Credential.objects.select_for_update().get(pk=offer.credential_id)
    refusal = _refusal(credential, timezone.localdate(now))
    if refusal:
        raise WalletError("credential_request_denied", refusal)
    document = holder_bound_credential(credential, holder_did=proof.holder_did, now=now)
    offer.issued_at, offer.holder_did = now, proof.holder_did
    offer.save(update_fields=["issued_at", "holder_did"])
    return {"credentials": [{"credential": document}]}


def holder_bound_credential(credential, *, holder_did, now):
    """The credential's current signed OpenBadgeCredential (same `id`, dates and status
    entry as every copy), with its subject bound to `holder_did`, signed at `now`. It is
    not stored: the stored copy stays the holder-less one downloads and /verify/ serve."""
    signed = vc_services.issue_signed_credential(credential, now=now)
    document = documents.open_badge_credential(signed)
    document["credentialSubject"] = {"id": holder_did, **document["credentialSubject"]}
    return signing.sign(document, created=now)
