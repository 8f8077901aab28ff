"""Idempotency-Key rules at their edges: what counts as the same request (the body's
fields in any order, the same file, the same path), the key's length, and a browser
session's keys being its user's own."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.response import Response
from rest_framework.test import APIClient
from rest_framework.views import APIView

from api.idempotency import idempotent
from api.models import IdempotentRequest
from api.permissions import HasScope
from seus.models import SeuEntry
from tests.factories import PractitionerFactory, SeuCategoryFactory, SeuEntryFactory
from tests.seus.conftest import PDF_BYTES

from .conftest import token_client

pytestmark = pytest.mark.django_db

LIST = "/api/v1/seus"


@pytest.fixture
def entry_body(db):
    SeuCategoryFactory(code="C")
    return {
        "earned_on": "2026-02-10",
        "category": "C",
        "activity": "Agile meetup talk",
        "provider": "Local user group",
        "seus": "2.5",
    }


@pytest.mark.parametrize(
    ("key", "status"),
    [
        pytest.param("k" * 255, 201, id="255 characters: accepted"),
        pytest.param("k" * 256, 422, id="256 characters: refused"),
        pytest.param("   ", 422, id="only spaces: refused"),
        pytest.param("", 422, id="empty: refused"),
    ],
)
def test_an_idempotency_key_is_1_to_255_characters(api, entry_body, key, status):
    response = api.post(LIST, entry_body, format="json", HTTP_IDEMPOTENCY_KEY=key)
    assert response.status_code == status, response.content
    if status == 422:
        assert response.json()["errors"] == {
            "Idempotency-Key": ["Send 1 to 255 characters, e.g. a UUID."]
        }
        assert not SeuEntry.objects.exists()


def test_a_retry_listing_the_fields_in_another_order_is_the_same_request(api, entry_body):
    first = api.post(LIST, entry_body, format="json", HTTP_IDEMPOTENCY_KEY="k")
    reordered = dict(reversed(list(entry_body.items())))
    again = api.post(LIST, reordered, format="json", HTTP_IDEMPOTENCY_KEY="k")
    assert again.status_code == 201 and again["Idempotent-Replayed"] == "true"
    assert again.json() == first.json()
    assert SeuEntry.objects.count() == 1


def test_the_same_key_on_another_endpoint_is_refused_as_a_different_request(api, entry_body):
    api.post(LIST, entry_body, format="json", HTTP_IDEMPOTENCY_KEY="k")
    hook = {"url": "https://hooks.example.com/in", "events": ["seu.created"]}
    response = api.post("/api/v1/webhooks", hook, format="json", HTTP_IDEMPOTENCY_KEY="k")
    assert response.status_code == 422
    assert response.json()["type"] == "urn:cspo:problem:idempotency-key-reused"
    assert response.json()["detail"] == (
        "This Idempotency-Key was used with a different request; send a new key for a new request."
    )


def pdf(content=PDF_BYTES):
    return SimpleUploadedFile("scan.pdf", content, content_type="application/pdf")


def test_a_retried_evidence_upload_is_answered_once_and_keeps_the_whole_file(api):
    entry = SeuEntryFactory(practitioner=api.practitioner)
    url = f"/api/v1/seus/{entry.pk}/evidence"
    first = api.post(url, {"evidence": pdf()}, format="multipart", HTTP_IDEMPOTENCY_KEY="k")
    assert first.status_code == 200 and "Idempotent-Replayed" not in first
    again = api.post(url, {"evidence": pdf()}, format="multipart", HTTP_IDEMPOTENCY_KEY="k")
    assert again.status_code == 200 and again["Idempotent-Replayed"] == "true"
    assert again.json() == first.json()
    assert b"".join(api.get(url).streaming_content) == PDF_BYTES


@pytest.mark.parametrize(
    ("first", "second"),
    [
        pytest.param({}, {"evidence": PDF_BYTES + b"\n%another scan"}, id="another file"),
        pytest.param({}, {"note": "second try"}, id="another form field"),
        pytest.param(
            {"note": ["draft", "final"]},
            {"note": ["typo", "final"]},
            id="a field sent twice, its first value changed",
        ),
    ],
)
def test_an_evidence_upload_with_a_used_key_and_other_content_is_refused(api, first, second):
    entry = SeuEntryFactory(practitioner=api.practitioner)
    url = f"/api/v1/seus/{entry.pk}/evidence"

    def form(fields):
        return {**fields, "evidence": pdf(fields.get("evidence", PDF_BYTES))}

    answered = api.post(url, form(first), format="multipart", HTTP_IDEMPOTENCY_KEY="k")
    assert answered.status_code == 200
    response = api.post(url, form(second), format="multipart", HTTP_IDEMPOTENCY_KEY="k")
    assert response.status_code == 422
    assert response.json()["type"] == "urn:cspo:problem:idempotency-key-reused"


def test_a_browser_sessions_keys_are_its_users_own(entry_body):
    mine, theirs = APIClient(), APIClient()
    me, other = PractitionerFactory(), PractitionerFactory()
    mine.force_login(me.user)
    theirs.force_login(other.user)
    first = mine.post(LIST, entry_body, format="json", HTTP_IDEMPOTENCY_KEY="k")
    again = mine.post(LIST, entry_body, format="json", HTTP_IDEMPOTENCY_KEY="k")
    assert again["Idempotent-Replayed"] == "true" and again.json() == first.json()
    response = theirs.post(LIST, entry_body, format="json", HTTP_IDEMPOTENCY_KEY="k")
    assert response.status_code == 201 and "Idempotent-Replayed" not in response
    assert SeuEntry.objects.filter(practitioner=me).count() == 1
    assert SeuEntry.objects.filter(practitioner=other).count() == 1
    assert IdempotentRequest.objects.count() == 2


def test_two_tokens_of_one_practitioner_keep_their_own_keys(practitioner, make_token, entry_body):
    laptop = token_client(make_token(practitioner.user).secret)
    server = token_client(make_token(practitioner.user).secret)
    laptop.post(LIST, entry_body, format="json", HTTP_IDEMPOTENCY_KEY="k")
    response = server.post(
        LIST, {**entry_body, "allow_duplicate": True}, format="json", HTTP_IDEMPOTENCY_KEY="k"
    )
    assert response.status_code == 201 and "Idempotent-Replayed" not in response
    assert SeuEntry.objects.filter(practitioner=practitioner).count() == 2


@pytest.fixture
def decorated_views(settings):
    """Two POST views decorated here, as an endpoint's module does: bare, and with a
    field shown once."""
    from django.urls import path

    from config import urls as site_urls

    issued = []

    class Scoped(APIView):
        permission_classes = [HasScope]
        required_scopes = {"POST": "seus:write"}

    class Bare(Scoped):
        @idempotent
        def post(self, request):
            issued.append(request.data)
            return Response({"number": len(issued)}, status=201)

    class ShownOnce(Scoped):
        @idempotent(shown_once=("secret",))
        def post(self, request):
            issued.append(request.data)
            return Response({"number": len(issued), "secret": f"s{len(issued)}"}, status=201)

    class URLConf:
        urlpatterns = [
            path("bare/", Bare.as_view()),
            path("shown-once/", ShownOnce.as_view()),
            *site_urls.urlpatterns,
        ]

    settings.ROOT_URLCONF = URLConf
    return issued


def test_a_decorated_endpoint_answers_a_retry_once_and_never_repeats_a_secret(decorated_views, api):
    first = api.post("/bare/", {"a": 1}, format="json", HTTP_IDEMPOTENCY_KEY="k1")
    again = api.post("/bare/", {"a": 1}, format="json", HTTP_IDEMPOTENCY_KEY="k1")
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json() == {"number": 1}
    issued = api.post("/shown-once/", {"a": 1}, format="json", HTTP_IDEMPOTENCY_KEY="k2")
    assert issued.status_code == 201 and issued.json() == {"number": 2, "secret": "s2"}
    replayed = api.post("/shown-once/", {"a": 1}, format="json", HTTP_IDEMPOTENCY_KEY="k2")
    assert replayed["Idempotent-Replayed"] == "true"
    assert replayed.json() == {"number": 2}
    assert len(decorated_views) == 2
