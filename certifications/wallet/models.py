"""OpenID4VCI state: credential offers (a pre-authorized code, then the access token it
bought) and the c_nonces wallets have spent. Only SHA-256 hashes of the code, the token
and the nonce are stored, like API tokens. Part of the certifications app (imported by certifications.models)."""

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


class WalletOffer(models.Model):
    """One "Add to wallet" offer of one credential: its pre-authorized code is redeemed
    once for an access token bound to that credential, which is spent on one issuance."""

    credential = models.ForeignKey(
        "certifications.Credential", on_delete=models.CASCADE, related_name="wallet_offers"
    )
    code_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField(help_text=_("The pre-authorized code works until then."))
    redeemed_at = models.DateTimeField(null=True, blank=True)
    token_hash = models.CharField(max_length=64, unique=True, null=True, blank=True)
    token_expires_at = models.DateTimeField(null=True, blank=True)
    issued_at = models.DateTimeField(null=True, blank=True)
    holder_did = models.CharField(
        max_length=200, blank=True, help_text=_("The wallet key the credential was bound to.")
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_at__gt=F("created_at")), name="wallet_offer_expires_after"
            ),
            # A token exists only for a redeemed code, and has an expiry.
            models.CheckConstraint(
                condition=Q(token_hash__isnull=True)
                | Q(redeemed_at__isnull=False, token_expires_at__isnull=False),
                name="wallet_offer_token_after_redeeming",
            ),
            # Issued only with a token, and always to a key.
            models.CheckConstraint(
                condition=Q(issued_at__isnull=True)
                | (Q(token_hash__isnull=False) & ~Q(holder_did="")),
                name="wallet_offer_issued_to_a_key",
            ),
        ]

    def __str__(self):
        return f"wallet offer {self.pk} of {self.credential_id}"


class WalletNonce(models.Model):
    """A spent c_nonce (its SHA-256): a nonce is signed, not stored, when handed out, and
    recorded here when a proof spends it, so it works once. Kept until it would have
    expired anyway."""

    value_hash = models.CharField(max_length=64, unique=True)
    expires_at = models.DateTimeField(db_index=True)

    def __str__(self):
        return f"c_nonce spent, expiring {self.expires_at}"
