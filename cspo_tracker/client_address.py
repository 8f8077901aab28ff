"""The client's address: the one answer every per-address rule uses (django-axes'
lock-outs, allauth's rate limits, the API's anonymous throttle, the audit trail, the
/metrics allow-list).

Behind a reverse proxy the connecting address (REMOTE_ADDR) is the proxy's, shared by
every client, and X-Forwarded-For carries the rest of the way, one address appended by
each proxy. Anyone can send that header, so it is read only when the connection comes
from a proxy listed in TRUSTED_PROXIES, and then from the right: each trusted proxy
vouches for the hop before it, and the first address that is not a trusted proxy is the
client. Entries further left were written by the client and are never believed.

Addresses, not a proxy count, are the setting: a count would also believe the header
from a client that reaches the app directly, past the proxy.
"""

import ipaddress
from functools import lru_cache

from django.conf import settings


@lru_cache(maxsize=8)
def _networks(trusted):
    return tuple(ipaddress.ip_network(entry, strict=False) for entry in trusted)


def trusted_networks():
    """TRUSTED_PROXIES as networks (a single address is a /32 or /128)."""
    return _networks(tuple(settings.TRUSTED_PROXIES))


def parse_address(value):
    """An address from a header or REMOTE_ADDR: `1.2.3.4`, `1.2.3.4:5678`, `[::1]:80` or
    `::1`, with IPv4-mapped IPv6 addresses read as IPv4. None when it is not one."""
    value = (value or "").strip()
    if value.startswith("["):
        value = value[1:].partition("]")[0]
    elif value.count(":") == 1:
        value = value.partition(":")[0]
    try:
        address = ipaddress.ip_address(value.split("%", 1)[0])
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        return address.ipv4_mapped
    return address


def is_trusted_proxy(address, networks=None):
    networks = trusted_networks() if networks is None else networks
    return address is not None and any(address in network for network in networks)


def client_ip(request):
    """The address of the client that sent `request`, as a string ("" when the server
    gave none). Also AXES_CLIENT_IP_CALLABLE."""
    meta = getattr(request, "META", {})
    remote = parse_address(meta.get("REMOTE_ADDR"))
    if remote is None:
        return meta.get("REMOTE_ADDR") or ""
    networks = trusted_networks()
    if not is_trusted_proxy(remote, networks):
        return str(remote)
    hops = [hop for hop in meta.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    client = remote
    for hop in reversed(hops):
        address = parse_address(hop)
        if address is None:
            # A trusted proxy appends a real address; anything else came from further
            # left, so the last trusted hop is the furthest that can be vouched for.
            break
        client = address
        if not is_trusted_proxy(address, networks):
            break
    return str(client)
