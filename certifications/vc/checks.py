"""`manage.py check --deploy`: production must have the issuer's signing key, and it must
be an Ed25519 key (refused at start-up rather than at the first download); and its
did:web must be one that resolvers can resolve."""

import ipaddress
from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register
from django.core.exceptions import ImproperlyConfigured

from .did import issuer_did
from .keys import issuer_keys


@register(Tags.security, deploy=True)
def signing_key_configured(app_configs, **kwargs):
    if not settings.CREDENTIAL_SIGNING_KEY:
        return [
            Warning(
                "CREDENTIAL_SIGNING_KEY is not set: signed credentials, status lists and the "
                "DID document cannot be served while DJANGO_DEBUG is off.",
                hint="Set an Ed25519 private key (docs/credentials.md).",
                id="certifications.W001",
            )
        ]
    try:
        issuer_keys()
    except ImproperlyConfigured as error:  # its message never holds the key
        return [Error(str(error), id="certifications.E001")]
    return []


def _did_web_problem(site_url):
    """Why the did:web made from `site_url` cannot be resolved by a standard resolver,
    or "". did:web resolves over HTTPS to a domain name (W3C did:web method, 3.2):
    never plain http, never an IP address, never a name without a domain."""
    parts = urlsplit(site_url)
    host = parts.hostname or ""
    if parts.scheme != "https":
        return f"SITE_URL {site_url!r} is not https"
    try:
        ipaddress.ip_address(host)
    except ValueError:
        pass
    else:
        return f"SITE_URL {site_url!r} names an IP address, not a domain"
    if "." not in host or host.endswith(".localhost"):
        return f"SITE_URL {site_url!r} names a host that is not a public domain"
    return ""


@register(Tags.security, deploy=True)
def did_web_resolvable(app_configs, **kwargs):
    problem = _did_web_problem(settings.SITE_URL)
    if not problem:
        return []
    return [
        Warning(
            f"{problem}: the issuer's did:web ({issuer_did()}) cannot be resolved by "
            "standard DID resolvers, so verifiers other than this site cannot check the "
            "signed credentials.",
            hint="Set SITE_URL to the site's public https address on its domain name, e.g. "
            "https://cspo.example.org (docs/credentials.md, The issuer's identity). A test "
            "install on a local address may silence this check with "
            "DJANGO_SILENCED_SYSTEM_CHECKS=certifications.W002.",
            id="certifications.W002",
        )
    ]
