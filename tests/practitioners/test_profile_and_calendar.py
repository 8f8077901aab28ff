"""The practitioner's profile and their secret iCalendar feed."""

import datetime

import pytest
import time_machine
from django.urls import reverse
from icalendar import Calendar

from tests.factories import CredentialFactory

pytestmark = pytest.mark.django_db


def test_a_practitioner_updates_name_time_zone_and_reminder_preference(practitioner_client):
    response = practitioner_client.post(
        reverse("profile"),
        {"first_name": "Pat", "last_name": "Owner", "time_zone": "Europe/Berlin"},
        follow=True,
    )
    me = practitioner_client.practitioner
    me.refresh_from_db()
    me.user.refresh_from_db()
    assert (me.user.first_name, me.user.last_name) == ("Pat", "Owner")
    assert me.time_zone == "Europe/Berlin"
    assert me.optional_reminders is False
    assert "Your profile is saved." in response.content.decode()


def test_an_unknown_time_zone_is_refused_beside_the_field(practitioner_client):
    response = practitioner_client.post(
        reverse("profile"), {"time_zone": "Mars/Olympus", "optional_reminders": "on"}
    )
    assert "time_zone" in response.context["form"].errors
    practitioner_client.practitioner.refresh_from_db()
    assert practitioner_client.practitioner.time_zone == "UTC"


def test_the_profile_shows_the_secret_calendar_url(practitioner_client):
    content = practitioner_client.get(reverse("profile")).content.decode()
    token = practitioner_client.practitioner.calendar_token
    assert f"/calendar/{token}.ics" in content


@time_machine.travel(datetime.datetime(2026, 3, 1, 12, tzinfo=datetime.UTC), tick=False)
def test_the_calendar_feed_lists_expiry_reminder_and_grace_dates(client, practitioner):
    credential = CredentialFactory(holder=practitioner, issued_on=datetime.date(2025, 6, 1))
    response = client.get(reverse("calendar_feed", args=[practitioner.calendar_token]))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar"
    calendar = Calendar.from_ical(response.content)
    events = {str(e["summary"]): e.decoded("dtstart") for e in calendar.walk("VEVENT")}
    assert events["CSPO expires"] == datetime.date(2027, 6, 1)
    assert events["CSPO renewal: 90 days to expiry"] == datetime.date(2027, 3, 3)
    assert events["CSPO renewal: 7 days to expiry"] == datetime.date(2027, 5, 25)
    assert events["CSPO expired 30 days ago: renew in the grace period"] == datetime.date(
        2027, 7, 1
    )
    assert events["CSPO grace period ends (lapses)"] == datetime.date(2027, 8, 30)
    assert credential.certificate_number in response.content.decode()


def test_an_unknown_calendar_token_answers_404(client, practitioner):
    assert client.get(reverse("calendar_feed", args=["not-a-token"])).status_code == 404


def test_making_a_new_calendar_link_retires_the_old_one(practitioner_client, client):
    me = practitioner_client.practitioner
    old = me.calendar_token
    practitioner_client.post(reverse("calendar_reset"))
    me.refresh_from_db()
    assert me.calendar_token != old
    assert practitioner_client.get(reverse("calendar_feed", args=[old])).status_code == 404
    assert (
        practitioner_client.get(reverse("calendar_feed", args=[me.calendar_token])).status_code
        == 200
    )


def test_the_calendar_feed_runs_a_fixed_number_of_queries(
    client, practitioner, django_assert_max_num_queries
):
    for _ in range(5):
        CredentialFactory(holder=practitioner)
    with django_assert_max_num_queries(3):
        response = client.get(reverse("calendar_feed", args=[practitioner.calendar_token]))
    # A 404 also runs few queries: the feed must really list all five credentials.
    assert response.status_code == 200
    events = Calendar.from_ical(response.content).walk("VEVENT")
    assert sum(str(e["summary"]).endswith(" expires") for e in events) == 5


@pytest.mark.parametrize("name", ["profile", "calendar_reset"])
def test_anonymous_visitors_are_sent_to_log_in_from_the_profile(client, name):
    response = client.post(reverse(name))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
