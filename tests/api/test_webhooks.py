"""/api/v1/webhooks/: manage subscriptions and read the delivery log with a token that
holds `webhooks:manage`; the same services and rules as the Webhooks page."""

import json

import pytest
from django.urls import reverse

from api.models import IdempotentRequest
from tests.factories import (
    CredentialFactory,
    PractitionerFactory,
    SeuEntryFactory,
    StaffFactory,
)
from tests.webhooks.conftest import fake_dns, receiver, strict, subscribe  # noqa: F401
from webhooks.models import WebhookDelivery, WebhookSubscription

from .conftest import token_client

LIST = reverse("api:webhooks")
PUBLIC = "93.184.216.34"


@pytest.fixture(autouse=True)
def _dns(fake_dns, strict):  # noqa: F811
    fake_dns["hooks.example.com"] = [PUBLIC]
    fake_dns["inside.example.com"] = ["10.0.0.8"]


def test_create_returns_the_secret_once_and_lists_without_it(api):
    response = api.post(
        LIST,
        {"url": "https://hooks.example.com/in", "events": ["seu.created", "credential.issued"]},
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["secret"].startswith("whsec_")
    assert body["events"] == ["credential.issued", "seu.created"]
    assert body["scope"] == "own"
    listed = api.get(LIST).json()
    assert [s["id"] for s in listed] == [body["id"]]
    assert "secret" not in listed[0]
    assert "secret" not in api.get(reverse("api:webhook", args=[body["id"]])).json()


def test_a_private_target_is_a_problem_with_the_field_error(api):
    response = api.post(
        LIST, {"url": "https://inside.example.com/in", "events": ["seu.created"]}, format="json"
    )
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    assert "private or reserved" in response.json()["errors"]["url"][0]
    assert not WebhookSubscription.objects.exists()


@pytest.mark.parametrize(
    "url", ["https://hooks.example.com/in\r\nX-Injected: 1", "https://hooks.example.com/a b"]
)
def test_a_url_with_a_line_break_or_space_is_a_problem_with_the_field_error(api, url):
    response = api.post(LIST, {"url": url, "events": ["seu.created"]}, format="json")
    assert response.status_code == 422
    assert "spaces, line breaks or other control characters" in response.json()["errors"]["url"][0]
    assert not WebhookSubscription.objects.exists()


def test_an_idempotent_retry_makes_one_subscription_and_never_repeats_the_secret(api):
    payload = {"url": "https://hooks.example.com/in", "events": ["seu.created"]}
    first = api.post(LIST, payload, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    again = api.post(LIST, payload, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert again["Idempotent-Replayed"] == "true"
    secret = first.json()["secret"]
    body = first.json()
    del body["secret"]
    assert again.json() == body
    assert WebhookSubscription.objects.count() == 1
    stored = IdempotentRequest.objects.get()
    assert secret not in json.dumps(stored.response_body)


def test_the_scope_is_required(practitioner, make_token):
    client = token_client(make_token(practitioner.user, scopes=["seus:read"]).secret)
    assert client.get(LIST).status_code == 403
    assert client.post(LIST, {}, format="json").status_code == 403


def test_another_users_webhook_is_not_found(api):
    theirs = subscribe(PractitionerFactory(), "https://hooks.example.com/in")
    for url in (
        reverse("api:webhook", args=[theirs.pk]),
        reverse("api:webhook_deliveries", args=[theirs.pk]),
    ):
        assert api.get(url).status_code == 404
    assert api.delete(reverse("api:webhook", args=[theirs.pk])).status_code == 404
    assert WebhookSubscription.objects.filter(pk=theirs.pk).exists()


def test_an_organisation_token_subscribes_to_the_events_of_the_people_it_reported(
    organisation, make_token
):
    client = token_client(make_token(organisation=organisation, scopes=["webhooks:manage"]).secret)
    response = client.post(
        LIST,
        {"url": "https://hooks.example.com/in", "events": ["credential.issued"]},
        format="json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["scope"] == "organisation"
    attendee = PractitionerFactory()
    SeuEntryFactory(practitioner=attendee, reported_by=organisation, provider_reference="r")
    CredentialFactory(holder=PractitionerFactory())  # a stranger: nothing
    CredentialFactory(holder=attendee)
    deliveries = WebhookDelivery.objects.filter(subscription_id=response.json()["id"])
    assert [d.event.payload["data"]["credential"]["holder"]["email"] for d in deliveries] == [
        attendee.user.email
    ]
    staff_client = token_client(make_token(StaffFactory()).secret)
    assert staff_client.get(LIST).json()[0]["id"] == response.json()["id"]  # staff see it


def test_the_delivery_log_and_redeliver(
    api,
    receiver,  # noqa: F811
    django_capture_on_commit_callbacks,
    django_assert_max_num_queries,
):
    subscription = subscribe(api.practitioner, receiver.url)
    receiver.answer(500)
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(3):
            CredentialFactory(holder=api.practitioner)
    url = reverse("api:webhook_deliveries", args=[subscription.pk])
    with django_assert_max_num_queries(8):  # the page's rows cost no query each
        log = api.get(url).json()
    assert len(log) == 3
    failed = next(d for d in log if d["last_status_code"] == 500)
    assert [a["status_code"] for a in failed["attempt_log"]] == [500]
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(reverse("api:webhook_redeliver", args=[failed["id"]]))
    assert response.status_code == 202
    assert [r.headers["webhook-id"] for r in receiver.requests].count(failed["event_id"]) == 2
    again = next(d for d in api.get(url).json() if d["id"] == failed["id"])
    assert [a["status_code"] for a in again["attempt_log"]] == [500, 200]
    assert again["status"] == "delivered"


def test_delete(api):
    subscription = subscribe(api.practitioner, "https://hooks.example.com/in")
    assert api.delete(reverse("api:webhook", args=[subscription.pk])).status_code == 204
    assert not WebhookSubscription.objects.exists()


def test_secrets_stored_before_are_forgotten_by_the_migration(api):
    from importlib import import_module

    from django.apps import apps

    migration = import_module("api.migrations.0003_forget_stored_webhook_secrets")
    IdempotentRequest.objects.create(
        owner="token:1",
        key="old",
        request_hash="x",
        method="POST",
        path=LIST,
        status_code=201,
        response_body={"id": 1, "secret": "whsec_kept"},
    )
    migration.forget_secrets(apps, None)
    assert IdempotentRequest.objects.get().response_body == {"id": 1}
