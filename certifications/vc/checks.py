"""`manage.py check --deploy`: production must have the issuer's signing key, and it must
be an Ed25519 key (refused at start-up rather than at the first download)."""

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register
from django.core.exceptions import ImproperlyConfigured

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
