"""The SSRF guard: where a webhook may be sent.

- Only ``https`` URLs, unless WEBHOOKS_ALLOW_HTTP (on by default with DEBUG).
- Never an address that is not public: private, loopback, link-local, multicast,
  reserved, unspecified, shared (CGNAT) or IPv4-mapped forms of them, unless
  WEBHOOKS_ALLOW_PRIVATE_TARGETS (on by default with DEBUG; tests turn it on for their
  local receiver).
- The name is resolved at delivery time and *every* address in the answer is checked;
  the request then connects to a checked address (webhooks/transport.py), so a DNS
  answer cannot change between the check and the connection.
- Redirects are never followed (webhooks/delivery.py counts a 3xx as a failure).

Subscriptions are checked when they are created too, with the same rules.
"""

import ipaddress
import socket
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.translation import gettext as _


class TargetRefused(Exception):
    """The URL or an address it resolves to is not allowed."""


def resolver(host, port):
    """Every address `host` resolves to (replaced in tests by a fake DNS)."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return [info[4][0] for info in infos]


def address_allowed(address):
    if settings.WEBHOOKS_ALLOW_PRIVATE_TARGETS:
        return True
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not (
        ip.is_private
        or ip.is_loopback
        or ip.is_link_local
        or ip.is_multicast
        or ip.is_reserved
        or ip.is_unspecified
    )


def _check_characters(url):
    """Spaces, line breaks and other control characters make every request fail (or
    split its header lines); characters beyond ASCII cannot go on the request line."""
    for character in url:
        if character.isspace() or not character.isprintable():
            raise TargetRefused(
                _(
                    "The URL cannot contain spaces, line breaks or other control characters "
                    "(percent-encode them, e.g. %(example)s for a space)."
                )
                % {"example": "%20"}
            )
        if not character.isascii():
            raise TargetRefused(
                _(
                    "The URL cannot contain %(character)s: percent-encode it (a host name "
                    "in its xn-- form)."
                )
                % {"character": repr(character)}
            )


def check_url(url):
    """(scheme, host, port) of an allowed URL; raises TargetRefused with a reason a
    person can act on."""
    _check_characters(url)
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as error:
        raise TargetRefused(_("The URL is not valid: %(error)s.") % {"error": error}) from error
    allow_http = settings.WEBHOOKS_ALLOW_HTTP
    if parts.scheme != "https" and not (allow_http and parts.scheme == "http"):
        raise TargetRefused(_("Webhook URLs must start with https://."))
    if not parts.hostname:
        raise TargetRefused(_("The URL needs a host name."))
    if parts.username or parts.password:
        raise TargetRefused(_("Put credentials in your receiver, not in the URL."))
    return parts.scheme, parts.hostname, port or (443 if parts.scheme == "https" else 80)


def resolve(host, port):
    """The addresses of `host`, every one checked; raises TargetRefused when the name
    does not resolve or any address is not public."""
    try:
        literal = ipaddress.ip_address(host)
    except ValueError:
        literal = None
    if literal is not None:
        addresses = [str(literal)]
    else:
        try:
            addresses = resolver(host, port)
        except (OSError, UnicodeError) as error:
            raise TargetRefused(
                _("The host name %(host)s does not resolve.") % {"host": host}
            ) from error
    if not addresses:
        raise TargetRefused(_("The host name %(host)s does not resolve.") % {"host": host})
    refused = [a for a in addresses if not address_allowed(a)]
    if refused:
        raise TargetRefused(
            _(
                "%(host)s resolves to %(address)s, a private or reserved address: webhooks "
                "are only sent to public addresses."
            )
            % {"host": host, "address": refused[0]}
        )
    return addresses


def check_target(url):
    """Everything the guard checks for `url`: (scheme, host, port, addresses)."""
    scheme, host, port = check_url(url)
    return scheme, host, port, resolve(host, port)
