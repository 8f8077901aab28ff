"""RFC 8058 one-click unsubscribe: optional reminders carry List-Unsubscribe (an https
URL) and List-Unsubscribe-Post; a mail provider's POST to it, with no cookie and no CSRF
token, stops the optional reminders. The expiry-day notice never carries them. A forged
or reused link changes nothing; the body's link works from a browser too."""

import datetime

import pytest
import time_machine
from django.core import mail
from django.test import Client

from renewals import tasks
from renewals.models import ReminderOffset
from renewals.reminders.models import ReminderOptOut
from tests.factories import credential_expiring

EXPIRES = datetime.date(2026, 6, 30)
ONE_CLICK = {"List-Unsubscribe": "One-Click"}
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _https_site(settings):
    settings.SITE_URL = "https://cspo.example.org"


@pytest.fixture
def sweep(django_capture_on_commit_callbacks):
    def run(day):
        moment = datetime.datetime(day.year, day.month, day.day, 12, tzinfo=datetime.UTC)
        with (
            time_machine.travel(moment, tick=False),
            django_capture_on_commit_callbacks(execute=True),
        ):
            tasks.daily_sweep.delay().get()
        return list(mail.outbox)

    return run


def headers(message):
    return message.message()


def one_click_path(message):
    url = headers(message)["List-Unsubscribe"].strip("<>")
    assert url.startswith("https://cspo.example.org/renewals/unsubscribe/")
    return url.removeprefix("https://cspo.example.org")


def provider():
    """A mail provider: no session cookie, and CSRF checks enforced as for any stranger."""
    return Client(enforce_csrf_checks=True)


def test_optional_reminders_carry_one_click_headers_and_the_expiry_notice_does_not(sweep):
    credential_expiring(EXPIRES)
    [reminder] = sweep(EXPIRES - datetime.timedelta(days=60))
    mime = headers(reminder)
    assert mime["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert one_click_path(reminder) in reminder.body  # the body's link is the same one
    mail.outbox.clear()
    [notice] = sweep(EXPIRES)
    assert "expires today" in notice.subject
    assert headers(notice)["List-Unsubscribe"] is None
    assert headers(notice)["List-Unsubscribe-Post"] is None
    assert "/renewals/unsubscribe/" not in notice.body


def test_a_one_click_post_with_no_cookie_stops_the_optional_reminders_only(sweep):
    credential = credential_expiring(EXPIRES)
    [reminder] = sweep(EXPIRES - datetime.timedelta(days=60))
    response = provider().post(one_click_path(reminder), ONE_CLICK)
    assert response.status_code == 200
    credential.holder.refresh_from_db()
    assert credential.holder.optional_reminders is False
    mail.outbox.clear()
    assert sweep(EXPIRES - datetime.timedelta(days=30)) == []
    [notice] = sweep(EXPIRES)
    assert "expires today" in notice.subject


def test_a_forged_link_changes_nothing(sweep):
    credential = credential_expiring(EXPIRES)
    [reminder] = sweep(EXPIRES - datetime.timedelta(days=60))
    path = one_click_path(reminder)
    token = path.rstrip("/").rsplit("/", 1)[1]
    for forged in (token[:-2] + ("AA" if not token.endswith("AA") else "BB"), "x" * len(token)):
        forged_path = path.replace(token, forged)
        assert provider().post(forged_path, ONE_CLICK).status_code == 404
    credential.holder.refresh_from_db()
    assert credential.holder.optional_reminders is True


def test_a_used_link_changes_nothing_when_used_again(sweep):
    credential = credential_expiring(EXPIRES)
    [reminder] = sweep(EXPIRES - datetime.timedelta(days=60))
    path = one_click_path(reminder)
    assert provider().post(path, ONE_CLICK).status_code == 200
    holder = credential.holder
    holder.optional_reminders = True  # the holder turns them back on in the profile
    holder.save(update_fields=["optional_reminders"])
    replay = provider().post(path, ONE_CLICK)  # a replayed or forwarded link
    assert replay.status_code == 200 and "used already" in replay.text
    holder.refresh_from_db()
    assert holder.optional_reminders is True


def test_the_body_link_asks_first_and_can_stop_only_that_kind(sweep):
    credential = credential_expiring(EXPIRES)
    [reminder] = sweep(EXPIRES - datetime.timedelta(days=60))
    path = one_click_path(reminder)
    browser = provider()
    page = browser.get(path)  # a mail scanner following the link changes nothing
    assert page.status_code == 200 and "Stop only the" in page.text
    assert not ReminderOptOut.objects.exists()
    done = browser.post(path, {"scope": "kind"})
    assert done.status_code == 200 and "no more" in done.text
    credential.holder.refresh_from_db()
    assert credential.holder.optional_reminders is True
    [opt_out] = ReminderOptOut.objects.all()
    assert opt_out.offset == ReminderOffset.objects.get(code="60-days-before")
