"""Every endpoint names its scope and refuses a token without it; no token answers 401;
rate limits per token answer 429 with Retry-After."""

import io

import pytest
from django.core.management import call_command
from django.urls import resolve
from drf_spectacular.generators import SchemaGenerator

from api.permissions import ANY_TOKEN, scope_needed
from api.scopes import SCOPES
from tests.factories import StaffFactory

from .conftest import token_client

pytestmark = pytest.mark.django_db

PUBLIC = {"/api/v1/verify/{number}"}
ORGANISATION = {"/api/v1/provider/seus"}


def operations():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    return sorted(
        (method.upper(), path)
        for path, item in schema["paths"].items()
        for method in item
        if method in {"get", "post", "put", "patch", "delete"}
    )


def protected():
    return [(m, p) for m, p in operations() if p not in PUBLIC]


def concrete(path):
    return path.replace("{id}", "1").replace("{number}", "CSPO-1")


def test_the_schema_lists_every_endpoint():
    paths = {path for _, path in operations()}
    assert len(paths) == 16  # 12 resources and 4 for webhooks
    assert {
        "/api/v1/me",
        "/api/v1/seus",
        "/api/v1/courses/{id}/attendance",
        "/api/v1/webhooks/deliveries/{id}/redeliver",
    } <= paths


@pytest.mark.parametrize(("method", "path"), protected())
def test_each_operation_names_a_known_scope(method, path):
    view = resolve(concrete(path)).func.view_class
    needed = scope_needed(view, method)
    accepted = (needed,) if isinstance(needed, str) else tuple(needed or ())
    assert accepted, f"{method} {path} names no scope"
    assert set(accepted) <= {*SCOPES, ANY_TOKEN}


@pytest.mark.parametrize(("method", "path"), protected())
def test_a_token_without_the_scope_is_refused(method, path, practitioner, make_token, organisation):
    view = resolve(concrete(path)).func.view_class
    needed = scope_needed(view, method)
    accepted = (needed,) if isinstance(needed, str) else tuple(needed)
    if ANY_TOKEN in accepted:  # GET /me: any token of a person, none of an organisation
        narrow = token_client(make_token(practitioner.user, scopes=["seus:read"]).secret)
        assert getattr(narrow, method.lower())(concrete(path)).status_code == 200
        org = token_client(make_token(organisation=organisation, scopes=sorted(SCOPES)).secret)
        assert getattr(org, method.lower())(concrete(path)).status_code == 403
        return
    others = sorted(set(SCOPES) - set(accepted))
    owner = {"organisation": organisation} if path in ORGANISATION else {}
    client = token_client(make_token(practitioner.user, scopes=others, **owner).secret)
    response = getattr(client, method.lower())(concrete(path), {}, format="json")
    assert response.status_code == 403, response.content
    assert response.json()["detail"].startswith("This token lacks the scope")
    # Each accepted scope alone lets the request through the scope check: the answer is
    # the endpoint's own (a 404 for object 1 that does not exist, a 400 or 422 for the
    # empty body), never a refusal and never a server error.
    # Courses are run by staff and trainers: their role check is not this test's.
    user = StaffFactory() if path.startswith("/api/v1/courses") else practitioner.user
    for scope in accepted:
        with_scope = token_client(make_token(user, scopes=[scope], **owner).secret)
        response = getattr(with_scope, method.lower())(concrete(path), {}, format="json")
        assert response.status_code in {200, 201, 202, 204, 400, 404, 422}, (
            scope,
            response.content,
        )
        assert "lacks the scope" not in response.content.decode()


@pytest.mark.parametrize(("method", "path"), protected())
def test_no_token_is_401(method, path, client):
    response = getattr(client, method.lower())(concrete(path))
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"


def test_a_session_needs_the_csrf_token_to_write(practitioner):
    from django.test import Client

    browser = Client(enforce_csrf_checks=True)
    browser.force_login(practitioner.user)
    assert browser.get("/api/v1/me").status_code == 200
    refused = browser.post("/api/v1/seus", {}, content_type="application/json")
    assert refused.status_code == 403 and "CSRF" in refused.json()["detail"]


def test_rate_limit_is_per_token_with_retry_after(settings, practitioner, make_token):
    settings.API_RATE_LIMIT = "2/minute"
    first = token_client(make_token(practitioner.user).secret)
    second = token_client(make_token(practitioner.user).secret)
    assert [first.get("/api/v1/me").status_code for _ in range(2)] == [200, 200]
    limited = first.get("/api/v1/me")
    assert limited.status_code == 429
    assert int(limited["Retry-After"]) > 0
    assert limited["Content-Type"] == "application/problem+json"
    assert second.get("/api/v1/me").status_code == 200


def test_the_openapi_document_is_generated_without_a_warning():
    """check --deploy fails CI on any warning, and the schema generator's warnings are
    system checks: an authenticator or view it cannot describe is caught here first."""
    out = io.StringIO()
    call_command("spectacular", "--fail-on-warn", "--validate", stdout=out, stderr=out)
