"""HasScope refuses by omission: a method the view names no scope for is 403 for every
caller, whatever scopes the token holds; a named scope must be held."""

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
