"""The client's address: REMOTE_ADDR, or behind a trusted proxy the first address in
X-Forwarded-For, read from the right, that is not a trusted proxy."""

import pytest
from django.test import RequestFactory

from cspo_tracker.client_address import client_ip

PROXY = "10.0.0.5"


def address_of(remote, forwarded=None):
    headers = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded is not None else {}
    return client_ip(RequestFactory().get("/", REMOTE_ADDR=remote, **headers))


@pytest.fixture(autouse=True)
def _one_proxy(settings):
    settings.TRUSTED_PROXIES = [PROXY, "192.168.7.0/24"]


def test_a_direct_client_is_its_connecting_address_whatever_it_forwards():
    assert address_of("203.0.113.9") == "203.0.113.9"
    assert address_of("203.0.113.9", "198.51.100.1") == "203.0.113.9"


def test_behind_the_proxy_the_client_is_the_address_the_proxy_appended():
    assert address_of(PROXY, "203.0.113.9") == "203.0.113.9"


def test_addresses_a_client_writes_before_the_proxys_own_are_not_believed():
    assert address_of(PROXY, "1.1.1.1, 2.2.2.2, 203.0.113.9") == "203.0.113.9"


def test_a_chain_of_trusted_proxies_is_walked_back_to_the_first_untrusted_hop():
    assert address_of(PROXY, "1.1.1.1, 203.0.113.9, 192.168.7.20") == "203.0.113.9"


def test_the_proxy_without_a_header_is_its_own_client():
    assert address_of(PROXY) == PROXY
    assert address_of(PROXY, "") == PROXY


def test_garbage_in_the_header_stops_the_walk_at_the_last_trusted_hop():
    assert address_of(PROXY, "203.0.113.9, not-an-address") == PROXY
    assert address_of(PROXY, "<script>, 192.168.7.20") == "192.168.7.20"


def test_ports_brackets_and_mapped_ipv6_are_read_as_plain_addresses():
    assert address_of(PROXY, "203.0.113.9:51000") == "203.0.113.9"
    assert address_of(PROXY, "[2001:db8::1]:443") == "2001:db8::1"
    assert address_of(PROXY, "2001:db8::2") == "2001:db8::2"
    assert address_of("::ffff:10.0.0.5", "203.0.113.9") == "203.0.113.9"


def test_no_trusted_proxy_means_the_header_is_never_read(settings):
    settings.TRUSTED_PROXIES = []
    assert address_of(PROXY, "203.0.113.9") == PROXY


@pytest.mark.django_db
def test_the_audit_trail_records_the_real_client_not_a_forged_header(client):
    from auditlog.models import LogEntry
    from django.urls import reverse

    from tests.factories import UserFactory

    user = UserFactory(first_name="", last_name="")
    client.force_login(user)
    client.post(
        reverse("name_required"),
        {"first_name": "Ada", "last_name": "Lovelace"},
        REMOTE_ADDR="203.0.113.9",
        HTTP_X_FORWARDED_FOR="192.0.2.1",
    )
    entry = LogEntry.objects.get_for_object(user).latest("pk")
    assert entry.changes_dict["first_name"] == ["", "Ada"]
    assert entry.remote_addr == "203.0.113.9"
