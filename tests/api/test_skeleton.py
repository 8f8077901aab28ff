"""The API's frame: schema and docs, tokens, problem details."""

from datetime import timedelta

from django.utils import timezone

from api.models import ApiToken

from .conftest import token_client


def test_me_answers_the_token_owner(api, practitioner):
    response = api.get("/api/v1/me")
    assert response.status_code == 200
    assert response.json()["email"] == practitioner.user.email


def test_the_token_is_stored_only_as_its_sha256(make_token, practitioner):
    new = make_token(practitioner.user)
    stored = ApiToken.objects.get(pk=new.token.pk)
    assert new.secret.startswith("cspo_") and len(new.secret) >= 45
    assert new.secret not in {stored.digest, stored.prefix}
    assert stored.prefix == new.secret[:12]
    import hashlib

    assert stored.digest == hashlib.sha256(new.secret.encode()).hexdigest()


def test_no_token_answers_401_problem_with_www_authenticate(client, db):
    response = client.get("/api/v1/me")
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    assert response["WWW-Authenticate"].startswith("Bearer")
    body = response.json()
    assert body["status"] == 401 and body["title"] == "Unauthorized" and body["detail"]


def test_revoked_and_expired_tokens_answer_401(make_token, practitioner):
    revoked = make_token(practitioner.user)
    ApiToken.objects.filter(pk=revoked.token.pk).update(revoked_at=timezone.now())
    expired = make_token(practitioner.user)
    ApiToken.objects.filter(pk=expired.token.pk).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    for new in (revoked, expired):
        assert token_client(new.secret).get("/api/v1/me").status_code == 401
    assert token_client("cspo_not-a-token").get("/api/v1/me").status_code == 401


def test_using_a_token_records_when(api):
    assert api.token.last_used_at is None
    api.get("/api/v1/me")
    api.token.refresh_from_db()
    assert api.token.last_used_at is not None


def test_unknown_api_path_is_a_problem(client, db):
    response = client.get("/api/v1/nothing-here")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"


def test_schema_is_openapi_3(client, db):
    response = client.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    assert "/api/v1/me" in schema["paths"]
    assert schema["components"]["securitySchemes"]["tokenAuth"]["scheme"] == "bearer"


def test_docs_page_loads_swagger_from_this_site(client, db):
    response = client.get("/api/v1/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<style" not in html
    assert "swagger-ui-bundle.js" in html and "//cdn" not in html
    script = client.get("/api/v1/docs/?script=")
    assert script.status_code == 200
