"""The anonymous API limit counts per real client address: X-Forwarded-For is believed
only from a trusted proxy, so rotating it does not buy a fresh budget."""

import pytest
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db

PROXY = "10.0.0.5"


@pytest.fixture(autouse=True)
def _limits(settings):
    settings.API_ANON_RATE_LIMIT = "3/minute"
    settings.TRUSTED_PROXIES = [PROXY]


def verify(remote, forwarded):
    return APIClient().get(
        "/api/v1/verify/CSPO-0", REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded
    )


def test_a_direct_caller_cannot_dodge_the_limit_with_a_forged_header():
    codes = [verify("203.0.113.66", f"192.0.2.{n}").status_code for n in range(5)]
    assert codes[3:] == [429, 429]


def test_behind_the_proxy_each_client_has_its_own_budget_and_forging_buys_nothing():
    codes = [verify(PROXY, f"192.0.2.{n}, 203.0.113.66").status_code for n in range(5)]
    assert codes[3:] == [429, 429]
    assert verify(PROXY, "198.51.100.7").status_code != 429
