"""The documents a wallet reads first: the Credential Issuer Metadata (OpenID4VCI 1.0
section 12.2) and the OAuth 2.0 Authorization Server Metadata (RFC 8414) of the token
endpoint. The issuer is its own authorization server, so the issuer metadata names none."""

from django.conf import settings
from django.urls import reverse

from ..vc.documents import absolute
from ..vc.loader import CREDENTIALS_V2, OPEN_BADGES_V3
from ..vc.signing import CRYPTOSUITE
from .keys import ALGORITHMS
from .services import CONFIGURATION_ID, PRE_AUTHORIZED_GRANT, credential_issuer

DISPLAY_LOCALE = "en"


def issuer_metadata():
    name = settings.CREDENTIAL_ISSUER_NAME
    return {
        "credential_issuer": credential_issuer(),
        "credential_endpoint": absolute(reverse("wallet_credential")),
        "nonce_endpoint": absolute(reverse("wallet_nonce")),
        "display": [{"name": name, "locale": DISPLAY_LOCALE}],
        "credential_configurations_supported": {
            CONFIGURATION_ID: {
                # A JSON-LD credential secured with a Data Integrity proof.
                "format": "ldp_vc",
                "scope": CONFIGURATION_ID,
                "cryptographic_binding_methods_supported": ["did:key"],
                "credential_signing_alg_values_supported": [CRYPTOSUITE],
                "proof_types_supported": {
                    "jwt": {"proof_signing_alg_values_supported": sorted(ALGORITHMS.values())}
                },
                "credential_definition": {
                    "@context": [CREDENTIALS_V2, OPEN_BADGES_V3],
                    "type": ["VerifiableCredential", "OpenBadgeCredential"],
                },
                "credential_metadata": {
                    "display": [
                        {
                            "name": "Scrum certification (Open Badges 3.0)",
                            "locale": DISPLAY_LOCALE,
                            "description": f"A certification held and kept alive on {name}.",
                        }
                    ]
                },
            }
        },
    }


def authorization_server_metadata():
    return {
        "issuer": credential_issuer(),
        "token_endpoint": absolute(reverse("wallet_token")),
        "grant_types_supported": [PRE_AUTHORIZED_GRANT],
        "response_types_supported": [],
        "token_endpoint_auth_methods_supported": ["none"],
        # A wallet needs no client_id: the pre-authorized code alone is the grant.
        "pre-authorized_grant_anonymous_access_supported": True,
    }
