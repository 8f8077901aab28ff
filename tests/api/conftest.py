"""API test helpers: tokens made through the service, clients that send them."""

import datetime

import pytest
import time_machine
from rest_framework.test import APIClient

from api import tokens
from api.scopes import SCOPES
from certifications.models import Organisation

ALL_SCOPES = sorted(SCOPES)
# A fixed "now" (as in tests/seus): 1 March 2026, noon UTC.
NOW = datetime.datetime(2026, 3, 1, 12, 0, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def _fixed_now(request):
    if "live_server" in request.fixturenames:
        yield  # the live server's thread keeps the real clock
        return
    with time_machine.travel(NOW, tick=False):
        yield


def token_client(secret):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    return client


@pytest.fixture
def make_token(db):
    def make(user=None, scopes=ALL_SCOPES, organisation=None, **kwargs):
        owner = {"organisation": organisation} if organisation else {"user": user}
        return tokens.create_token(name="test", scopes=list(scopes), **owner, **kwargs)

    return make


@pytest.fixture
def api(practitioner, make_token):
    """A client with a token of `practitioner` holding every scope."""
    new = make_token(practitioner.user)
    client = token_client(new.secret)
    client.practitioner = practitioner
    client.token = new.token
    client.secret = new.secret
    return client


@pytest.fixture
def organisation(db):
    return Organisation.objects.create(name="Agile Conf", slug="agile-conf")


@pytest.fixture
def provider_api(organisation, make_token):
    new = make_token(organisation=organisation, scopes=["seus:write"])
    client = token_client(new.secret)
    client.organisation = organisation
    return client
