"""Actions that cannot be undone ask first: the link reads a page that says what will
happen (GET changes nothing); only the page's button acts. Deleting a webhook, revoking an
API token, making a new calendar link and approving a lapsed renewal."""

import datetime

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from api import tokens
from api.models import ApiToken
from renewals import services
from renewals.models import Renewal
from tests.factories import credential_expiring, seus_for
from webhooks import services as webhooks
from webhooks.models import EVENT_NAMES, WebhookSubscription

pytestmark = pytest.mark.django_db


def asks_then_acts(client, url, *, page, asked):
    """GET shows the confirmation page with its button and changes nothing; the page the
    action starts from links to it rather than acting."""
    assert f'href="{url}"' in client.get(page).text
    answer = client.get(url)
    assert answer.status_code == 200
    assert asked in answer.text and 'method="post"' in answer.text
    return answer


def test_deleting_a_webhook_asks_first_and_says_the_log_goes_too(
    practitioner_client, monkeypatch, settings
):
    monkeypatch.setattr("webhooks.guard.resolver", lambda host, port: ["93.184.216.34"])
    subscription = webhooks.create_subscription(
        owner=practitioner_client.practitioner.user,
        url="https://hooks.example.com/in",
        events=EVENT_NAMES,
    )
    url = reverse("webhooks:delete", args=[subscription.pk])
    answer = asks_then_acts(
        practitioner_client,
        url,
        page=reverse("webhooks:detail", args=[subscription.pk]),
        asked="Delete this webhook?",
    )
    assert "delivery log is deleted" in answer.text
    assert WebhookSubscription.objects.filter(pk=subscription.pk).exists()
    practitioner_client.post(url)
    assert not WebhookSubscription.objects.filter(pk=subscription.pk).exists()


def test_revoking_an_api_token_asks_first(practitioner_client):
    new = tokens.create_token(
        user=practitioner_client.practitioner.user, name="CI", scopes=["credentials:read"]
    )
    url = reverse("api_token_revoke", args=[new.token.pk])
    asks_then_acts(practitioner_client, url, page=reverse("api_tokens"), asked="Revoke the token")
    assert ApiToken.objects.get(pk=new.token.pk).revoked_at is None
    practitioner_client.post(url)
    assert ApiToken.objects.get(pk=new.token.pk).revoked_at is not None


def test_a_new_calendar_link_asks_first_and_says_the_old_one_stops(practitioner_client):
    practitioner = practitioner_client.practitioner
    old = practitioner.calendar_token
    url = reverse("calendar_reset")
    answer = asks_then_acts(
        practitioner_client, url, page=reverse("profile"), asked="Make a new calendar link?"
    )
    assert "stops working at once" in answer.text
    practitioner.refresh_from_db()
    assert practitioner.calendar_token == old
    practitioner_client.post(url)
    practitioner.refresh_from_db()
    assert practitioner.calendar_token != old


def test_approving_a_lapsed_renewal_asks_first(staff_browser):
    with time_machine.travel(datetime.datetime(2026, 8, 1, 12, tzinfo=datetime.UTC), tick=False):
        credential = credential_expiring(datetime.date(2026, 3, 1))
        seus_for(credential.holder, 20, earned_on=datetime.date(2025, 6, 1))
        renewal = services.submit_renewal(
            practitioner=credential.holder, credentials=[credential], payment_reference="P"
        )
        assert renewal.status == Renewal.Status.NEEDS_APPROVAL
        url = reverse("staff_approve_renewal", args=[renewal.pk])
        asks_then_acts(staff_browser, url, page=reverse("staff_renewals"), asked="Approve renewal")
        renewal.refresh_from_db()
        assert renewal.approved_by is None
        staff_browser.post(url)
        renewal.refresh_from_db()
        assert renewal.approved_by is not None


def test_the_confirmation_pages_need_the_same_login(client):
    assert Client().get(reverse("calendar_reset")).status_code == 302
