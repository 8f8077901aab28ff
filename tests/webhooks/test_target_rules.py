"""The SSRF guard's rules at their edges, each refusal word for word as the person
adding a webhook reads it beside the URL field."""

import socket

import pytest

from webhooks import guard
from webhooks.models import WebhookSubscription

pytestmark = pytest.mark.django_db
PUBLIC = "93.184.216.34"
NOT_PUBLIC = ": webhooks are only sent to public addresses."


@pytest.fixture
def dns(fake_dns):
    fake_dns["hooks.example.com"] = [PUBLIC]
    fake_dns["internal.example.com"] = [PUBLIC, "192.168.0.7"]
    fake_dns["empty.example.com"] = []
    return fake_dns


def refusal(client, subscriber, url):
    client.force_login(subscriber.user)
    response = client.post("/profile/webhooks/", {"url": url, "events": ["seu.created"]})
    assert response.status_code == 200
    assert not WebhookSubscription.objects.exists()
    return response.context["form"].errors["url"]


@pytest.mark.parametrize(
    ("url", "message"),
    [
        (
            "https://hooks.example.com/caf\u00e9",
            "The URL cannot contain 'é': percent-encode it (a host name in its xn-- form).",
        ),
        (
            "https://hooks.example.com:99999/in",
            "The URL is not valid: Port out of range 0-65535.",
        ),
        ("http://hooks.example.com/in", "Webhook URLs must start with https://."),
        ("https:///in", "The URL needs a host name."),
        ("https://user@hooks.example.com/in", "Put credentials in your receiver, not in the URL."),
        ("https://:pw@hooks.example.com/in", "Put credentials in your receiver, not in the URL."),
        (
            "https://nowhere.example.com/in",
            "The host name nowhere.example.com does not resolve.",
        ),
        ("https://empty.example.com/in", "The host name empty.example.com does not resolve."),
        (
            "https://internal.example.com/in",
            "internal.example.com resolves to 192.168.0.7, a private or reserved address"
            + NOT_PUBLIC,
        ),
        (
            "https://10.0.0.5/in",
            "10.0.0.5 resolves to 10.0.0.5, a private or reserved address" + NOT_PUBLIC,
        ),
    ],
)
def test_each_refused_url_says_why_word_for_word(client, subscriber, strict, dns, url, message):
    assert refusal(client, subscriber, url) == [message]


def test_only_http_is_let_through_when_plain_http_is_allowed_not_ftp(
    client, subscriber, settings, dns
):
    settings.WEBHOOKS_ALLOW_HTTP = True
    settings.WEBHOOKS_ALLOW_PRIVATE_TARGETS = False
    assert refusal(client, subscriber, "ftp://hooks.example.com/in") == [
        "Webhook URLs must start with https://."
    ]
    assert guard.check_target("http://hooks.example.com/in")[0] == "http"


@pytest.mark.parametrize(
    ("url", "port"),
    [
        ("https://hooks.example.com/in", 443),
        ("http://hooks.example.com/in", 80),
        ("https://hooks.example.com:8443/in", 8443),
    ],
)
def test_a_url_without_a_port_goes_to_443_for_https_and_80_for_http(settings, dns, url, port):
    settings.WEBHOOKS_ALLOW_HTTP = True
    settings.WEBHOOKS_ALLOW_PRIVATE_TARGETS = False
    assert guard.check_target(url)[1:] == ("hooks.example.com", port, [PUBLIC])


def test_a_public_address_written_in_its_ipv6_mapped_form_is_allowed(strict):
    assert guard.address_allowed(f"::ffff:{PUBLIC}")


@pytest.mark.parametrize(
    "address",
    [
        "::ffff:10.0.0.1",
        "fe80::1%eth0",
        "233.252.0.1",
        "64:ff9b::a00:1",  # 10.0.0.1 through a NAT64 gateway: reserved, though global
    ],
)
def test_mapped_scoped_nat64_and_multicast_addresses_stay_refused(strict, address):
    assert not guard.address_allowed(address)


class SystemResolver:
    """socket.getaddrinfo as the C library answers: one entry per socket type asked
    for (all three when none is), the address first in each entry's sockaddr."""

    def __init__(self, answers):
        self.answers = answers

    def __call__(self, host, port, family=0, type=0, proto=0, flags=0):
        if host not in self.answers:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        kinds = [type] if type else [socket.SOCK_STREAM, socket.SOCK_DGRAM, socket.SOCK_RAW]
        return [
            (socket.AF_INET, kind, 0, "", (address, port))
            for address in self.answers[host]
            for kind in kinds
        ]


def test_a_name_is_resolved_once_per_address_for_a_tcp_connection(settings, monkeypatch):
    settings.WEBHOOKS_ALLOW_HTTP = True
    settings.WEBHOOKS_ALLOW_PRIVATE_TARGETS = False
    monkeypatch.setattr(
        "webhooks.guard.socket.getaddrinfo", SystemResolver({"hooks.example.com": [PUBLIC]})
    )
    assert guard.check_target("http://hooks.example.com:8080/in") == (
        "http",
        "hooks.example.com",
        8080,
        [PUBLIC],
    )
