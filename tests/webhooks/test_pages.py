"""The Webhooks page, linked from the profile: add a webhook (secret shown once), read
the delivery log with response codes, redeliver, turn off and on, delete."""

import pytest
from django.urls import reverse

from tests.factories import CredentialFactory, PractitionerFactory, StaffFactory
from webhooks.models import WebhookDelivery, WebhookSubscription

from .conftest import subscribe

pytestmark = pytest.mark.django_db
LIST = reverse("webhooks:list")


@pytest.fixture
def browser(client, subscriber):
    client.force_login(subscriber.user)
    return client


def test_the_profile_links_to_the_webhooks_page(browser):
    assert LIST in browser.get(reverse("profile")).text


def test_adding_a_webhook_shows_its_secret_once(browser, receiver):
    response = browser.post(
        LIST, {"url": receiver.url, "events": ["credential.issued", "seu.created"]}, follow=True
    )
    subscription = WebhookSubscription.objects.get()
    assert subscription.secret in response.text
    assert subscription.events == ["credential.issued", "seu.created"]
    assert subscription.scope == "own"
    again = browser.get(reverse("webhooks:detail", args=[subscription.pk]))
    assert subscription.secret not in again.text
    assert subscription.secret not in browser.get(LIST).text


def test_choosing_no_event_is_an_error_beside_the_field(browser, receiver):
    response = browser.post(LIST, {"url": receiver.url})
    assert response.status_code == 200
    assert "events" in response.context["form"].errors
    assert not WebhookSubscription.objects.exists()


def test_only_staff_see_the_organisation_choice(browser, client, receiver):
    assert 'name="scope"' not in browser.get(LIST).text
    forged = browser.post(
        LIST, {"url": receiver.url, "events": ["seu.created"], "scope": "organisation"}
    )
    assert forged.status_code == 302
    assert WebhookSubscription.objects.get().scope == "own"  # the field is not theirs
    client.force_login(StaffFactory())
    assert 'name="scope"' in client.get(LIST).text


def test_the_delivery_log_shows_response_codes_and_redeliver_sends_again(
    browser, subscriber, receiver, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    subscription = subscribe(subscriber, receiver.url)
    receiver.answer(500)
    with django_capture_on_commit_callbacks(execute=True):
        CredentialFactory(holder=subscriber)
    delivery = WebhookDelivery.objects.get()
    detail = reverse("webhooks:detail", args=[subscription.pk])
    page = browser.get(detail)
    assert delivery.event.msg_id in page.text and ">500<" in page.text
    with django_capture_on_commit_callbacks(execute=True):
        response = browser.post(reverse("webhooks:redeliver", args=[delivery.pk]))
    assert response.status_code == 302
    assert [r.headers["webhook-id"] for r in receiver.requests] == [delivery.event.msg_id] * 2
    page = browser.get(detail)
    assert ">500<" in page.text and ">200<" in page.text and "Delivered" in page.text


def test_the_log_costs_the_same_queries_for_many_deliveries(
    browser, subscriber, django_assert_max_num_queries, fake_dns
):
    fake_dns["hooks.example.com"] = ["93.184.216.34"]
    subscription = subscribe(subscriber, "https://hooks.example.com/in")
    for _ in range(12):
        CredentialFactory(holder=subscriber)  # not committed: nothing is sent
    assert WebhookDelivery.objects.count() == 12
    with django_assert_max_num_queries(12):
        assert browser.get(reverse("webhooks:detail", args=[subscription.pk])).status_code == 200
    with django_assert_max_num_queries(10):
        assert browser.get(LIST).status_code == 200


def test_another_users_webhook_is_not_found(browser, receiver):
    theirs = subscribe(PractitionerFactory(), receiver.url)
    CredentialFactory(holder=theirs.owner.practitioner)
    delivery = WebhookDelivery.objects.get()
    assert browser.get(reverse("webhooks:detail", args=[theirs.pk])).status_code == 404
    assert browser.post(reverse("webhooks:delete", args=[theirs.pk])).status_code == 404
    assert browser.post(reverse("webhooks:redeliver", args=[delivery.pk])).status_code == 404
    assert WebhookSubscription.objects.filter(pk=theirs.pk).exists()


def test_turning_off_and_on_and_deleting(browser, subscriber, receiver):
    subscription = subscribe(subscriber, receiver.url)
    active = reverse("webhooks:active", args=[subscription.pk])
    browser.post(active, {"active": "0"})
    subscription.refresh_from_db()
    assert not subscription.active and subscription.disabled_at is not None
    browser.post(active, {"active": "1"})
    subscription.refresh_from_db()
    assert subscription.active and subscription.disabled_at is None
    browser.post(reverse("webhooks:delete", args=[subscription.pk]))
    assert not WebhookSubscription.objects.exists()


def test_staff_turn_a_webhook_off_in_the_admin(staff_client, subscriber, receiver):
    subscription = subscribe(subscriber, receiver.url)
    url = reverse("admin:webhooks_webhooksubscription_change", args=[subscription.pk])
    assert subscription.secret not in staff_client.get(url).text
    response = staff_client.post(
        url, {"description": "HR sync", "events": '["seu.created"]', "active": ""}
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    subscription.refresh_from_db()
    assert (subscription.active, subscription.events) == (False, ["seu.created"])
    assert subscription.disabled_at is not None
