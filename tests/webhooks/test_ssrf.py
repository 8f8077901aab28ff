"""The SSRF guard: https only, public addresses only (every DNS answer checked at
delivery time, the connection pinned to a checked address), no redirects followed."""

import datetime as dt

import pytest
import time_machine

from tests.factories import CredentialFactory, StaffFactory
from webhooks import guard
from webhooks.models import WebhookDelivery, WebhookSubscription

from .conftest import subscribe

pytestmark = pytest.mark.django_db
PUBLIC = "93.184.216.34"


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "10.1.2.3",
        "172.16.0.1",
        "192.168.1.10",
        "169.254.169.254",  # cloud metadata
        "100.64.0.1",  # shared (CGNAT)
        "0.0.0.0",
        "224.0.0.1",
        "240.0.0.1",
        "::1",
        "fe80::1",
        "fc00::1",
        "::ffff:127.0.0.1",
        "ff02::1",
    ],
)
def test_addresses_that_are_not_public_are_refused(strict, address):
    assert not guard.address_allowed(address)


def test_a_public_address_is_allowed(strict):
    assert guard.address_allowed(PUBLIC)
    assert guard.address_allowed("2606:2800:220:1:248:1893:25c8:1946")


def test_the_explicit_setting_allows_private_addresses(settings):
    settings.WEBHOOKS_ALLOW_PRIVATE_TARGETS = True
    assert guard.address_allowed("127.0.0.1")


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("http://hooks.example.com/in", "https://"),
        ("https://10.0.0.5/in", "private or reserved"),
        ("https://[::1]:8443/in", "private or reserved"),
        ("https://internal.example.com/in", "resolves to 192.168.0.7"),
        ("https://nowhere.example.com/in", "does not resolve"),
        ("https://user:pw@hooks.example.com/in", "credentials"),
        ("ftp://hooks.example.com/in", "https://"),
    ],
)
def test_creating_a_subscription_to_a_refused_target_says_why_beside_the_field(
    client, subscriber, strict, fake_dns, url, problem
):
    fake_dns["hooks.example.com"] = [PUBLIC]
    fake_dns["internal.example.com"] = [PUBLIC, "192.168.0.7"]  # every answer is checked
    client.force_login(subscriber.user)
    response = client.post("/profile/webhooks/", {"url": url, "events": ["credential.issued"]})
    assert response.status_code == 200
    assert problem in response.context["form"].errors["url"][0]
    assert not WebhookSubscription.objects.exists()


BROKEN_URLS = [
    "https://hooks.example.com/in\r\nX-Injected: 1",
    "https://hooks.example.com/in\nmore",
    "https://hooks.example.com/my hooks",
    "https://hooks.example.com/in\tx",
    "https://hooks.example.com/in\x1b[0m",
    "https://hooks.example.com/in\x7f",
    "https://hooks.example.com/in\u2028x",
]


@pytest.mark.parametrize("url", BROKEN_URLS)
def test_a_url_with_spaces_or_control_characters_is_refused_beside_the_field(
    client, subscriber, strict, fake_dns, url
):
    fake_dns["hooks.example.com"] = [PUBLIC]
    client.force_login(subscriber.user)
    response = client.post("/profile/webhooks/", {"url": url, "events": ["seu.created"]})
    assert response.status_code == 200
    assert response.context["form"].errors["url"] == [
        "The URL cannot contain spaces, line breaks or other control characters "
        "(percent-encode them, e.g. %20 for a space)."
    ]
    assert not WebhookSubscription.objects.exists()


def test_a_url_with_characters_beyond_ascii_is_refused_with_the_fix(
    client, subscriber, strict, fake_dns
):
    fake_dns["hooks.example.com"] = [PUBLIC]
    client.force_login(subscriber.user)
    response = client.post(
        "/profile/webhooks/",
        {"url": "https://hooks.example.com/caf\u00e9", "events": ["seu.created"]},
    )
    assert "percent-encode it" in response.context["form"].errors["url"][0]
    assert not WebhookSubscription.objects.exists()


def test_a_public_https_target_is_accepted(client, subscriber, strict, fake_dns):
    fake_dns["hooks.example.com"] = [PUBLIC]
    client.force_login(subscriber.user)
    response = client.post(
        "/profile/webhooks/", {"url": "https://hooks.example.com/in", "events": ["seu.created"]}
    )
    assert response.status_code == 302
    assert WebhookSubscription.objects.get().events == ["seu.created"]


def test_a_dns_answer_that_turns_to_loopback_is_refused_at_delivery(
    receiver, subscriber, fake_dns, settings, django_capture_on_commit_callbacks
):
    """Checked when created (public), then the name points at 127.0.0.1: the delivery
    refuses to connect, and the local receiver never hears of it."""
    settings.WEBHOOKS_ALLOW_PRIVATE_TARGETS = False
    fake_dns["rebind.example.com"] = [PUBLIC]
    subscribe(subscriber, f"http://rebind.example.com:{receiver.port}/hooks")
    fake_dns["rebind.example.com"] = ["127.0.0.1"]
    with django_capture_on_commit_callbacks(execute=True):
        CredentialFactory(holder=subscriber)
    assert receiver.requests == []
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == WebhookDelivery.Status.PENDING  # retried later, still checked
    (attempt,) = delivery.attempt_log.all()
    assert attempt.status_code is None
    assert "resolves to 127.0.0.1" in attempt.error


def test_the_connection_goes_to_the_checked_address_with_the_name_as_host(
    receiver, subscriber, fake_dns, django_capture_on_commit_callbacks
):
    """The request reaches the address the guard checked, not a second lookup, and
    carries the URL's host name (Host header; SNI for https)."""
    fake_dns["hooks.example.test"] = ["127.0.0.1"]
    subscribe(subscriber, f"http://hooks.example.test:{receiver.port}/hooks?src=cspo")
    with django_capture_on_commit_callbacks(execute=True):
        CredentialFactory(holder=subscriber)
    (request,) = receiver.requests
    assert request.headers["Host"] == f"hooks.example.test:{receiver.port}"
    assert request.path == "/hooks?src=cspo"


def test_a_redirect_is_not_followed_and_counts_as_a_failure(
    receiver, subscriber, django_capture_on_commit_callbacks
):
    receiver.answer(302)
    receiver.location = f"http://127.0.0.1:{receiver.port}/elsewhere"
    subscribe(subscriber, receiver.url)
    with django_capture_on_commit_callbacks(execute=True):
        CredentialFactory(holder=subscriber)
    assert [r.path for r in receiver.requests] == ["/hooks"]  # /elsewhere never asked
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == WebhookDelivery.Status.PENDING
    assert delivery.last_status_code == 302
    assert "redirects are not followed" in delivery.last_error


def test_only_staff_subscribe_to_every_practitioners_events(subscriber, receiver):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="Only staff"):
        subscribe(subscriber, receiver.url, scope="organisation")
    staff = StaffFactory()
    assert subscribe(staff, receiver.url, scope="organisation").scope == "organisation"


def test_a_refused_target_is_retried_then_given_up_after_three_days(
    subscriber, fake_dns, strict, settings
):
    """Delivery-time refusals are failures like any other: retried, then given up."""
    fake_dns["hooks.example.com"] = [PUBLIC]
    subscribe(subscriber, "https://hooks.example.com/in")
    fake_dns["hooks.example.com"] = ["10.0.0.9"]
    from webhooks import tasks

    start = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=True):
        CredentialFactory(holder=subscriber)
    with time_machine.travel(start + dt.timedelta(hours=73), tick=True):
        tasks.deliver_due_webhooks.apply()
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == WebhookDelivery.Status.FAILED
    assert "private or reserved" in delivery.last_error
