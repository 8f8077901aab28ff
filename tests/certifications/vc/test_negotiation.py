"""The issuer's JSON-LD documents name their contexts, and /verify/<number>/ answers the
signed credential to whoever prefers it: the Verifiable Credentials media types count,
and so do q-values."""

import datetime
import json

import pytest
import time_machine
from django.urls import reverse

from tests.factories import CredentialFactory, ProgramFactory

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 11, 25, 12, tzinfo=datetime.UTC)
CONTEXTS = [
    "https://www.w3.org/ns/credentials/v2",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
]


def test_the_issuer_profile_and_an_achievement_carry_their_context(client):
    profile = client.get(reverse("vc_issuer"), headers={"Accept": "application/ld+json"})
    assert profile.json()["@context"] == CONTEXTS
    assert profile.json()["type"] == ["Profile"]
    program = ProgramFactory()
    achievement = client.get(reverse("vc_achievement", args=[program.code])).json()
    assert achievement["@context"] == CONTEXTS
    assert achievement["type"] == ["Achievement"]


@pytest.mark.parametrize(
    ("accept", "answer"),
    [
        ("application/vc", "application/vc"),
        ("application/vc+ld+json", "application/vc+ld+json"),
        ("application/ld+json", "application/ld+json"),
        ("text/html;q=0.5, application/ld+json", "application/ld+json"),
        ("text/html,application/ld+json;q=0.9", "text/html"),
        ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", "text/html"),
        ("*/*", "text/html"),
        ("", "text/html"),
        ("application/ld+json;q=0", "text/html"),
    ],
)
@time_machine.travel(NOW)
def test_verify_answers_json_ld_only_to_a_client_that_prefers_it(client, accept, answer):
    credential = CredentialFactory(holder__user__first_name="Ada")
    headers = {"Accept": accept} if accept else {}
    response = client.get(
        reverse("verify_credential", args=[credential.certificate_number]), headers=headers
    )
    assert response.status_code == 200
    assert response["Content-Type"].split(";")[0] == answer
    assert "Accept" in response["Vary"]
    if answer != "text/html":
        document = json.loads(response.content)
        assert document["type"] == ["VerifiableCredential", "OpenBadgeCredential"]


def test_the_issuer_page_negotiates_the_same_way(client):
    page = client.get(
        reverse("vc_issuer"), headers={"Accept": "text/html,application/ld+json;q=0.9"}
    )
    assert page["Content-Type"].startswith("text/html")
    vc = client.get(reverse("vc_issuer"), headers={"Accept": "application/vc"})
    assert json.loads(vc.content)["@context"] == CONTEXTS
