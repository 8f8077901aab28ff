"""The public verify page speaks the holder's language unless the visitor chooses
another, and a signed credential verifies whatever language the page is in."""

import json

import pytest
from django.urls import reverse

from certifications.vc import services as vc_services
from tests.factories import CredentialFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def german_holders_credential():
    return CredentialFactory(
        holder__user__first_name="Grete",
        holder__user__last_name="Weber",
        holder__user__language="de",
    )


def verify_page(client, credential, query="", **headers):
    url = reverse("verify_credential", args=[credential.certificate_number]) + query
    response = client.get(url, headers=headers)
    assert response.status_code == 200
    return response


def test_a_cold_visitor_sees_the_holders_language_not_their_browsers(
    client, german_holders_credential
):
    for _visit in range(2):  # rendered, then kept
        response = verify_page(client, german_holders_credential, accept_language="ja")
        assert response.headers["Content-Language"] == "de"
        assert '<html lang="de">' in response.content.decode()


def test_the_visitor_can_switch_with_a_link_or_the_switcher(client, german_holders_credential):
    linked = verify_page(client, german_holders_credential, "?lang=ja")
    assert '<html lang="ja">' in linked.content.decode()
    # The kept German page is not served to the visitor who asked for Japanese, nor back.
    assert '<html lang="de">' in verify_page(client, german_holders_credential).content.decode()
    client.cookies["django_language"] = "es"
    chosen = verify_page(client, german_holders_credential, accept_language="ja")
    assert chosen.headers["Content-Language"] == "es"


def test_a_holder_without_a_choice_leaves_the_visitors_browser_in_charge(client):
    credential = CredentialFactory(holder__user__first_name="Ada")
    response = verify_page(client, credential, accept_language="pt-BR,pt;q=0.9")
    assert response.headers["Content-Language"] == "pt-br"


def test_a_credential_signed_for_a_german_holder_verifies_on_a_japanese_page(
    today, client, german_holders_credential
):
    signed = vc_services.issue_signed_credential(german_holders_credential)
    assert signed.document["credentialSubject"]["achievement"]["inLanguage"] == "en"
    answer = client.post(
        reverse("vc_verify"),
        json.dumps(signed.document),
        content_type="application/json",
        headers={"Accept": "application/json", "Accept-Language": "ja"},
    )
    assert answer.headers["Content-Language"] == "ja"
    assert answer.json()["verdict"] == "valid"
    page = client.post(
        reverse("vc_verify"),
        {"text": json.dumps(signed.document)},
        headers={"Accept-Language": "ja"},
    )
    assert page.status_code == 200 and '<html lang="ja">' in page.content.decode()
