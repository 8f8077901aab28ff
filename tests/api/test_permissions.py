"""HasScope refuses by omission: a method the view names no scope for is 403 for every
caller, whatever scopes the token holds; a named scope must be held. HEAD needs what GET
needs, and a refusal says which scope is missing."""

import pytest
from rest_framework.response import Response
from rest_framework.views import APIView

from api.permissions import HasScope

from .conftest import ALL_SCOPES, token_client

pytestmark = pytest.mark.django_db


class ReadOnlyScoped(APIView):
    """Names a scope for GET only; its POST exists but names none."""

    permission_classes = [HasScope]
    required_scopes = {"GET": "seus:read"}

    def get(self, request):
        return Response({"ok": True})

    def post(self, request):
        return Response({"written": True}, status=201)


class NoScopeNamed(APIView):
    permission_classes = [HasScope]

    def get(self, request):
        return Response({"ok": True})


@pytest.fixture
def urls(settings):
    from django.urls import path

    from config import urls as site_urls

    class URLConf:
        urlpatterns = [
            path("scoped/", ReadOnlyScoped.as_view()),
            path("unscoped/", NoScopeNamed.as_view()),
            *site_urls.urlpatterns,
        ]

    settings.ROOT_URLCONF = URLConf


@pytest.mark.parametrize(
    ("scopes", "method", "path", "status"),
    [
        pytest.param(ALL_SCOPES, "get", "/scoped/", 200, id="the named scope held: allowed"),
        pytest.param(["seus:write"], "get", "/scoped/", 403, id="the named scope missing: 403"),
        pytest.param(ALL_SCOPES, "post", "/scoped/", 403, id="a method naming no scope: 403"),
        pytest.param(ALL_SCOPES, "get", "/unscoped/", 403, id="a view naming no scope: 403"),
    ],
)
def test_a_token_reaches_only_what_the_view_names_a_held_scope_for(
    urls, practitioner, make_token, scopes, method, path, status
):
    client = token_client(make_token(practitioner.user, scopes=scopes).secret)
    response = getattr(client, method)(path, {}, format="json")
    assert response.status_code == status, response.content


def test_a_browser_session_is_refused_a_method_that_names_no_scope(urls, practitioner, client):
    client.force_login(practitioner.user)
    assert client.get("/scoped/").status_code == 200
    assert client.get("/unscoped/").status_code == 403


def test_a_method_that_names_no_scope_is_refused_with_the_general_message(
    urls, practitioner, make_token
):
    client = token_client(make_token(practitioner.user).secret)
    response = client.post("/scoped/", {}, format="json")
    assert response.status_code == 403
    assert response.json()["detail"] == "This token lacks the scope this endpoint needs."


@pytest.mark.parametrize(
    ("scopes", "status"),
    [
        pytest.param(["seus:read"], 200, id="HEAD with the GET scope: allowed"),
        pytest.param(["seus:write"], 403, id="HEAD without the GET scope: 403"),
    ],
)
def test_head_needs_the_scope_get_needs(practitioner, make_token, scopes, status):
    client = token_client(make_token(practitioner.user, scopes=scopes).secret)
    assert client.head("/api/v1/seus").status_code == status


def test_a_token_without_the_scope_is_told_which_scope_it_lacks(practitioner, make_token):
    client = token_client(make_token(practitioner.user, scopes=["seus:read"]).secret)
    response = client.post("/api/v1/seus", {}, format="json")
    assert response.status_code == 403
    assert response.json()["detail"] == "This token lacks the scope seus:write."


def test_an_endpoint_accepting_either_of_two_scopes_names_both(practitioner, make_token):
    client = token_client(make_token(practitioner.user, scopes=["seus:read"]).secret)
    response = client.get("/api/v1/courses")
    assert response.status_code == 403
    assert response.json()["detail"] == (
        "This token lacks the scope courses:write or attendance:write."
    )


@pytest.mark.parametrize("method", ["options", "put"])
def test_a_method_the_endpoint_lacks_is_405_with_allow_whatever_the_tokens_scopes(
    practitioner, make_token, method
):
    """OPTIONS included: the API has no self-description, so it answers 405 too, never
    403 for a scope no method could name."""
    client = token_client(make_token(practitioner.user, scopes=["credentials:read"]).secret)
    response = getattr(client, method)("/api/v1/seus", {}, format="json")
    assert response.status_code == 405
    assert response["Allow"] == "GET, POST, HEAD, OPTIONS"


def test_an_organisation_token_is_told_the_endpoint_is_for_a_person(organisation, make_token):
    client = token_client(make_token(organisation=organisation).secret)
    response = client.get("/api/v1/me")
    assert response.status_code == 403
    assert response.json()["detail"] == (
        "This endpoint answers a person's token, not an organisation's."
    )


def test_a_personal_token_is_told_the_provider_endpoint_needs_an_organisation_token(
    practitioner, make_token
):
    client = token_client(make_token(practitioner.user).secret)
    response = client.post("/api/v1/provider/seus", {}, format="json")
    assert response.status_code == 403
    assert response.json()["detail"] == (
        "This endpoint needs an organisation token (ask staff for one)."
    )
