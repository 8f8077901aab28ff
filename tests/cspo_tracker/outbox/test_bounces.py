"""Bounces and complaints through django-anymail's Mailgun tracking webhook, with
Mailgun's documented payloads signed as Mailgun signs them (HMAC-SHA256 of timestamp +
token with the webhook signing key). A hard bounce or complaint suppresses the address:
no further optional email goes there, mandatory ones are held with the reason, the
holder sees a banner, staff see it, /metrics counts it. A forged webhook is refused."""

import datetime
import hashlib
import hmac
import json
import time

import pytest
import time_machine
from allauth.account.models import EmailAddress
from allauth.account.signals import email_changed
from django.core import mail
from django.test import Client

from cspo_tracker.outbox.models import OutboundEmail, Suppression, TrackingEvent
from renewals import tasks
from tests.factories import credential_expiring

KEY = "key-test-webhook-signing"
URL = "/email/events/mailgun/"
EXPIRES = datetime.date(2026, 6, 30)
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _mailgun(settings):
    settings.ANYMAIL = {"MAILGUN_WEBHOOK_SIGNING_KEY": KEY, "WEBHOOK_SECRET": ""}


def signed(event_data, *, key=KEY, token=None):
    """A Mailgun webhook body: the event and Mailgun's signature block."""
    timestamp = str(int(time.time()))
    token = token or hashlib.sha256(json.dumps(event_data).encode()).hexdigest()[:50]
    signature = hmac.new(key.encode(), f"{timestamp}{token}".encode(), hashlib.sha256)
    return {
        "signature": {"timestamp": timestamp, "token": token, "signature": signature.hexdigest()},
        "event-data": event_data,
    }


def permanent_failure(recipient):
    """Mailgun's "failed" event with severity "permanent" (a hard bounce)."""
    return {
        "event": "failed",
        "severity": "permanent",
        "reason": "bounce",
        "recipient": recipient,
        "timestamp": 1780000000.389832,
        "log-level": "error",
        "id": "G9Bn5sl1TC6nu79C8C0bwg",
        "message": {
            "headers": {
                "to": recipient,
                "message-id": "20260601120000.1.0DF563D0B3597700@cspo.example.org",
                "from": "CSPO Tracker <reminders@cspo.example.org>",
                "subject": "Your CSPO expires on 30 Jun 2026",
            },
        },
        "delivery-status": {
            "tls": True,
            "mx-host": "mx.example.com",
            "attempt-no": 1,
            "description": "",
            "code": 550,
            "message": "5.1.1 The email account that you tried to reach does not exist.",
        },
    }


def complaint(recipient):
    """Mailgun's "complained" event (the recipient pressed "report spam")."""
    return {
        "event": "complained",
        "recipient": recipient,
        "timestamp": 1780000100.12,
        "log-level": "warn",
        "id": "ncV2XwymRUKbPek_MIM-Gw",
        "message": {
            "headers": {
                "to": recipient,
                "message-id": "20260601120000.1.C0A8F1B2@cspo.example.org",
                "from": "CSPO Tracker <reminders@cspo.example.org>",
                "subject": "Your CSPO expires on 30 Jun 2026",
            },
            "attachments": [],
            "size": 111,
        },
        "flags": {"is-test-mode": False},
    }


def post(body):
    return Client().post(URL, data=json.dumps(body), content_type="application/json")


@pytest.fixture
def sweep(django_capture_on_commit_callbacks):
    def run(day):
        moment = datetime.datetime(day.year, day.month, day.day, 12, tzinfo=datetime.UTC)
        with (
            time_machine.travel(moment, tick=False),
            django_capture_on_commit_callbacks(execute=True),
        ):
            tasks.daily_sweep.delay().get()

    return run


@pytest.mark.parametrize(
    ("payload", "reason"), [(permanent_failure, "bounce"), (complaint, "complaint")]
)
def test_a_bounce_or_complaint_stops_optional_email_and_holds_the_mandatory_one(
    sweep, payload, reason
):
    credential = credential_expiring(EXPIRES)
    address = credential.holder.user.email
    sweep(EXPIRES - datetime.timedelta(days=60))
    assert len(mail.outbox) == 1

    assert post(signed(payload(address.upper()))).status_code == 200
    assert (
        Suppression.objects.get().address == address and Suppression.objects.get().reason == reason
    )

    sweep(EXPIRES - datetime.timedelta(days=30))  # the next optional reminder
    assert len(mail.outbox) == 1, "not sent"
    latest = OutboundEmail.objects.filter(template="renewal_reminder").order_by("-pk").first()
    assert latest.status == "skipped"
    sweep(EXPIRES)  # the mandatory expiry-day notice
    assert len(mail.outbox) == 1, "held, not sent"
    notice = OutboundEmail.objects.filter(template="renewal_reminder").order_by("-pk").first()
    assert notice.status == "held"
    assert notice.last_error.startswith(str(Suppression.Reason(reason).label))


def test_a_forged_or_unsigned_webhook_is_refused_and_changes_nothing():
    body = signed(permanent_failure("ada@example.org"), key="not-the-signing-key")
    assert post(body).status_code == 400
    unsigned = {"event-data": permanent_failure("ada@example.org")}
    assert post(unsigned).status_code == 400
    tampered = signed(permanent_failure("ada@example.org"))
    tampered["signature"]["timestamp"] = str(int(tampered["signature"]["timestamp"]) + 1)
    assert post(tampered).status_code == 400
    assert not Suppression.objects.exists() and not TrackingEvent.objects.exists()


def test_a_replayed_signature_changes_nothing(staff_client):
    first = signed(permanent_failure("ada@example.org"), token="a" * 50)
    assert post(first).status_code == 200
    staff_client.post("/staff/emails/addresses/lift/", {"address": "ada@example.org"})
    assert not Suppression.objects.exists()
    replay = signed(complaint("ada@example.org"), token="a" * 50)  # the same signature block
    assert post(replay).status_code == 200
    assert not Suppression.objects.exists()
    assert TrackingEvent.objects.count() == 1


def test_temporary_failures_and_deliveries_suppress_nothing():
    temporary = {**permanent_failure("ada@example.org"), "severity": "temporary"}
    delivered = {**permanent_failure("ada@example.org"), "event": "delivered"}
    assert post(signed(temporary)).status_code == 200
    assert post(signed(delivered)).status_code == 200
    assert not Suppression.objects.exists()


def test_without_a_signing_key_the_webhook_is_not_there(settings):
    settings.ANYMAIL = {"MAILGUN_WEBHOOK_SIGNING_KEY": "", "WEBHOOK_SECRET": ""}
    assert post(signed(permanent_failure("ada@example.org"))).status_code == 404


def test_the_holder_sees_a_banner_until_they_change_their_address(practitioner_client):
    user = practitioner_client.practitioner.user
    assert "reach you at this address" not in practitioner_client.get("/").text
    post(signed(permanent_failure(user.email)))
    page = practitioner_client.get("/renewals/notifications/")
    assert "We can't reach you at this address" in page.text
    assert 'href="/accounts/email/"' in page.text
    user.email = "ada.new@example.org"
    user.save(update_fields=["email"])
    assert (
        "reach you at this address" not in practitioner_client.get("/renewals/notifications/").text
    )


def test_held_emails_follow_the_holder_to_a_new_address(sweep, django_capture_on_commit_callbacks):
    credential = credential_expiring(EXPIRES)
    user = credential.holder.user
    post(signed(permanent_failure(user.email)))
    sweep(EXPIRES)
    notice = OutboundEmail.objects.get(template="renewal_reminder")
    assert notice.status == "held" and mail.outbox == []
    old, _ = EmailAddress.objects.get_or_create(user=user, email=user.email)
    new = EmailAddress.objects.create(user=user, email="ada.new@example.org", verified=True)
    with django_capture_on_commit_callbacks(execute=True):
        email_changed.send(
            sender=EmailAddress,
            request=None,
            user=user,
            from_email_address=old,
            to_email_address=new,
        )
    notice.refresh_from_db()
    assert (notice.status, notice.to) == ("sent", "ada.new@example.org")
    assert mail.outbox[0].to == ["ada.new@example.org"]


def test_staff_see_the_unreachable_address_on_the_practitioner_and_the_console(staff_client):
    credential = credential_expiring(EXPIRES)
    post(signed(complaint(credential.holder.user.email)))
    page = staff_client.get(f"/staff/practitioners/{credential.holder.pk}/")
    assert "We can't reach this address" in page.text and "marked an email as spam" in page.text
    console = staff_client.get("/staff/").text
    assert "Addresses we cannot reach" in console
    listing = staff_client.get("/staff/emails/addresses/").text
    assert credential.holder.user.email in listing


def test_metrics_count_bounces_and_complaints(client):
    post(signed(permanent_failure("ada@example.org")))
    post(signed(permanent_failure("bob@example.org")))
    post(signed(complaint("cy@example.org")))
    text = client.get("/metrics").text
    assert 'cspo_email_tracking_events{kind="bounce"} 2.0' in text
    assert 'cspo_email_tracking_events{kind="complaint"} 1.0' in text
    assert 'cspo_email_suppressed_addresses{reason="complaint"} 1.0' in text
