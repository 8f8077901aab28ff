"""Under /api/ every error is an RFC 9457 problem, whoever answers it; bad addresses and
bodies are refused with a clear problem (never a 500), and public pages too."""

import pytest
from django.test import Client, override_settings

from tests.factories import PractitionerFactory, SeuEntryFactory

from .conftest import token_client

pytestmark = pytest.mark.django_db

DEEP_JSON = "[" * 100_000 + "]" * 100_000


def assert_problem(response, status):
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == status and body["title"] and body["detail"]
    return body


@pytest.mark.parametrize(
    "path",
    ["/api/v1/verify/X%00", "/api/v1/verify/%00abc", "/api/v1/seus/%00"],
)
def test_a_nul_in_an_api_address_is_a_400_problem(api, path):
    body = assert_problem(api.get(path), 400)
    assert "NUL" in body["detail"]


@pytest.mark.parametrize("path", ["/verify/X%00/", "/accounts/login/%00", "/%00"])
def test_a_nul_in_a_page_address_is_the_sites_400_page(client, path):
    response = client.get(path)
    assert response.status_code == 400
    assert "This request could not be understood" in response.content.decode()


@pytest.mark.parametrize("path", ["/api/v1/seus", "/api/v1/provider/seus", "/api/v1/webhooks"])
def test_a_json_body_nested_100k_deep_is_a_400_problem(api, provider_api, path):
    client = provider_api if "provider" in path else api
    response = client.post(path, DEEP_JSON, content_type="application/json")
    body = assert_problem(response, 400)
    assert "nested too deeply" in body["detail"]


def test_a_body_over_the_request_limit_is_a_413_problem(api):
    with override_settings(MAX_REQUEST_BYTES=1024):
        response = api.post("/api/v1/seus", "x" * 2048, content_type="application/json")
    assert_problem(response, 413)
    assert response["Connection"] == "close"


def test_a_body_over_djangos_memory_limit_is_a_413_problem(practitioner, make_token):
    entry = SeuEntryFactory(practitioner=practitioner)
    client = token_client(make_token(practitioner.user).secret)
    with override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=1024):
        response = client.post(
            f"/api/v1/seus/{entry.pk}/evidence", {"note": "x" * 4096}, format="multipart"
        )
    assert_problem(response, 413)


def test_an_address_too_long_is_a_414_problem(api):
    assert_problem(api.get("/api/v1/seus?earned_from=" + "9" * 3000), 414)


def test_a_server_error_under_the_api_is_a_500_problem(practitioner, make_token, monkeypatch):
    from api.views import me

    def broken(request):
        raise RuntimeError("a bug")

    monkeypatch.setattr(me, "practitioner_of", broken)
    client = token_client(make_token(practitioner.user).secret)
    client.raise_request_exception = False
    body = assert_problem(client.get("/api/v1/me"), 500)
    assert "a bug" not in body["detail"] and body["instance"] == "/api/v1/me"


def test_a_bad_host_under_the_api_is_a_400_problem():
    assert_problem(Client().get("/api/v1/me", HTTP_HOST="evil.example.net"), 400)


def test_a_nul_in_an_api_query_is_a_field_error_not_a_500(api):
    response = api.get("/api/v1/seus?category=%00&earned_from=%00")
    assert response.status_code == 422, response.content
    assert response["Content-Type"] == "application/problem+json"


def test_pages_keep_their_html_error_pages(client):
    client.force_login(PractitionerFactory().user)
    response = client.get("/no/such/page/")
    assert response.status_code == 404 and "Page not found" in response.content.decode()


def test_a_problem_speaks_the_callers_language_and_keeps_its_type(api):
    english = assert_problem(api.get("/api/v1/verify/X%00"), 400)
    german = assert_problem(api.get("/api/v1/verify/X%00", headers={"accept-language": "de"}), 400)
    assert german["type"] == english["type"]
    assert german["title"] != english["title"] and german["detail"] != english["detail"]
    assert "NUL" in german["detail"]
