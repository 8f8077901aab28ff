"""The API tokens page: a token is shown once, listed by its prefix, revoked by its owner."""

import pytest
from django.urls import reverse

from api.models import ApiToken
from tests.factories import PractitionerFactory

from .conftest import token_client

pytestmark = pytest.mark.django_db


def test_the_profile_links_to_the_tokens_page(practitioner_client):
    assert reverse("api_tokens") in practitioner_client.get(reverse("profile")).content.decode()


def test_a_token_is_shown_once_and_works(practitioner_client):
    response = practitioner_client.post(
        reverse("api_tokens"),
        {"name": "LMS sync", "scopes": ["seus:read", "credentials:read"], "expires_on": ""},
        follow=True,
    )
    assert response.redirect_chain == [(reverse("api_tokens"), 302)]
    secret = response.context["new"]["secret"]
    assert secret in response.content.decode()
    token = ApiToken.objects.get()
    assert token.scopes == ["credentials:read", "seus:read"] and token.expires_at is None
    listing = practitioner_client.get(reverse("api_tokens")).content.decode()
    assert secret not in listing and token.prefix in listing
    assert token_client(secret).get("/api/v1/seus").status_code == 200
    assert token_client(secret).post("/api/v1/seus", {}, format="json").status_code == 403


def test_bad_input_is_shown_beside_the_fields(practitioner_client):
    response = practitioner_client.post(
        reverse("api_tokens"), {"name": "LMS", "scopes": [], "expires_on": "2020-01-01"}
    )
    assert response.status_code == 422
    assert response.context["form"].errors == {
        "scopes": ["Choose at least one scope."],
        "expires_on": ["The expiry must be in the future."],
    }
    blank = practitioner_client.post(reverse("api_tokens"), {"name": " ", "scopes": ["seus:read"]})
    assert "name" in blank.context["form"].errors
    assert not ApiToken.objects.exists()


def test_an_expiry_date_ends_the_token(practitioner_client):
    practitioner_client.post(
        reverse("api_tokens"),
        {"name": "short", "scopes": ["seus:read"], "expires_on": "2026-03-02"},
    )
    assert ApiToken.objects.get().expires_at.isoformat() == "2026-03-02T00:00:00+00:00"


def test_revoking_stops_the_token_and_only_the_owner_may(practitioner_client, make_token):
    new = make_token(practitioner_client.practitioner.user)
    theirs = make_token(PractitionerFactory().user)
    other = practitioner_client.post(reverse("api_token_revoke", args=[theirs.token.pk]))
    assert other.status_code == 404
    response = practitioner_client.post(reverse("api_token_revoke", args=[new.token.pk]))
    assert response.status_code == 302
    assert token_client(new.secret).get("/api/v1/me").status_code == 401
    assert token_client(theirs.secret).get("/api/v1/me").status_code == 200


def test_staff_make_an_organisation_token_in_the_admin(admin_client, organisation):
    response = admin_client.post(
        reverse("admin:api_apitoken_add"),
        {"organisation": organisation.pk, "name": "Conference feed", "scopes": ["seus:write"]},
        follow=True,
    )
    token = ApiToken.objects.get()
    assert token.organisation == organisation and token.user is None
    shown = [str(m) for m in response.context["messages"]]
    secret = next(word for m in shown for word in m.split() if word.startswith("cspo_"))
    assert token_client(secret).get("/api/v1/me").status_code == 403
    assert (
        token_client(secret)
        .post("/api/v1/provider/seus", {"entries": []}, format="json")
        .status_code
        == 422
    )
