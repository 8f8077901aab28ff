"""SEU providers report attendees' SEUs by email with an organisation token."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.test import override_settings

from certifications.models import User
from cspo_tracker.outbox.models import OutboundEmail
from seus.models import SeuEntry
from tests.factories import PractitionerFactory, SeuCategoryFactory, SeuEntryFactory

from .conftest import NOW

pytestmark = pytest.mark.django_db


def row(email, **overrides):
    SeuCategoryFactory(code="B")
    data = {
        "reference": "agile-conf-2026",
        "email": email,
        "first_name": "Ada",
        "last_name": "Lovelace",
        "earned_on": "2026-02-10",
        "category": "B",
        "activity": "Agile Conf 2026",
        "seus": "6",
    }
    data.update(overrides)
    return data


def test_a_provider_reports_seus_for_members_and_invites_newcomers(
    provider_api, django_capture_on_commit_callbacks
):
    member = PractitionerFactory()
    with django_capture_on_commit_callbacks(execute=True):
        response = provider_api.post(
            "/api/v1/provider/seus",
            {"entries": [row(member.user.email.upper()), row("new.person@example.com")]},
            format="json",
        )
    assert response.status_code == 200, response.json()
    data = response.json()
    assert data["created"] == 2 and data["rejected"] == 0
    assert all("invited" not in r for r in data["results"])
    entries = SeuEntry.objects.order_by("pk")
    assert [e.practitioner.user.email for e in entries] == [
        member.user.email,
        "new.person@example.com",
    ]
    assert all(e.reported_by == provider_api.organisation for e in entries)
    assert all(e.provider == "Agile Conf" and e.is_provider_reported for e in entries)
    newcomer = User.objects.get(email="new.person@example.com")
    assert not newcomer.has_usable_password()
    invitation = OutboundEmail.objects.get(to="new.person@example.com")
    assert invitation.template == "provider_invitation"
    assert "Agile Conf reported" in invitation.body_text and "/password/reset/key/" in (
        invitation.body_text
    )
    assert invitation.body_text.startswith("Hello,\n") and "Ada" not in invitation.body_text


def test_sending_the_same_report_again_adds_nothing(provider_api):
    report = {"entries": [row("a@example.com"), row("b@example.com")]}
    provider_api.post("/api/v1/provider/seus", report, format="json")
    again = provider_api.post("/api/v1/provider/seus", report, format="json").json()
    assert again["exists"] == 2 and again["created"] == 0
    assert SeuEntry.objects.count() == 2
    assert OutboundEmail.objects.filter(template="provider_invitation").count() == 2


def test_a_row_that_breaks_a_rule_is_rejected_alone(provider_api):
    response = provider_api.post(
        "/api/v1/provider/seus",
        {"entries": [row("a@example.com", seus="9"), row("b@example.com")]},
        format="json",
    ).json()
    assert [r["status"] for r in response["results"]] == ["rejected", "created"]
    assert response["results"][0]["errors"]["seus"][0].startswith("At most 8 SEUs count per day")
    assert SeuEntry.objects.count() == 1


def test_bad_rows_are_field_errors_by_index(provider_api):
    response = provider_api.post(
        "/api/v1/provider/seus",
        {"entries": [row("a@example.com"), row("not-an-email", seus="x")]},
        format="json",
    )
    assert response.status_code == 422
    assert set(response.json()["errors"]) == {"entries[1].email", "entries[1].seus"}
    assert not SeuEntry.objects.exists()


def test_a_personal_token_cannot_report_for_others(api):
    response = api.post("/api/v1/provider/seus", {"entries": [row("x@example.com")]}, format="json")
    assert response.status_code == 403
    assert not SeuEntry.objects.exists()


def test_an_organisation_token_sees_no_ones_log(provider_api):
    for path in ("/api/v1/me", "/api/v1/seus", "/api/v1/credentials", "/api/v1/courses"):
        assert provider_api.get(path).status_code == 403, path


def test_the_answer_is_the_same_whatever_the_addresses_account_state(provider_api):
    """An address with a password, one without, and one never seen: the provider
    cannot tell them apart."""
    with_password = PractitionerFactory().user
    without_password = PractitionerFactory().user
    without_password.set_unusable_password()
    without_password.save()
    emails = [with_password.email, without_password.email, "never.seen@example.com"]
    data = provider_api.post(
        "/api/v1/provider/seus", {"entries": [row(e) for e in emails]}, format="json"
    ).json()
    shapes = [
        {k: v for k, v in r.items() if k not in ("email", "entry_id")} for r in data["results"]
    ]
    assert shapes[0] == shapes[1] == shapes[2]
    invited = set(OutboundEmail.objects.values_list("to", flat=True))
    assert invited == {without_password.email, "never.seen@example.com"}


def test_a_duplicate_of_the_attendees_own_entry_is_rejected_like_the_form(provider_api):
    member = PractitionerFactory()
    SeuEntryFactory(
        practitioner=member,
        earned_on=datetime.date(2026, 2, 10),
        activity="agile conf 2026",
        seus=Decimal("6"),
    )
    result = provider_api.post(
        "/api/v1/provider/seus", {"entries": [row(member.user.email)]}, format="json"
    ).json()["results"][0]
    assert result["status"] == "rejected"
    assert result["errors"]["save_anyway"][0].startswith("You already logged")


def test_rows_for_one_new_attendee_share_the_daily_cap(provider_api):
    rows = [
        row("new@example.com", reference="talk-1", seus="5"),
        row("new@example.com", reference="talk-2", seus="5"),
        row("new@example.com", reference="talk-1", seus="5"),
    ]
    data = provider_api.post("/api/v1/provider/seus", {"entries": rows}, format="json").json()
    assert [r["status"] for r in data["results"]] == ["created", "rejected", "exists"]
    assert data["results"][2]["entry_id"] == data["results"][0]["entry_id"]
    assert User.objects.filter(email="new@example.com").count() == 1


@override_settings(SEU_PROVIDER_NEW_PEOPLE_PER_DAY=2)
def test_an_organisation_reports_a_capped_number_of_new_people_a_day(provider_api):
    known = PractitionerFactory()
    provider_api.post(
        "/api/v1/provider/seus",
        {"entries": [row(known.user.email, reference="old", earned_on="2026-02-01")]},
        format="json",
    )
    emails = ["a@example.com", known.user.email, "b@example.com", "c@example.com"]
    data = provider_api.post(
        "/api/v1/provider/seus", {"entries": [row(e) for e in emails]}, format="json"
    ).json()
    # The known attendee used one of the two places earlier today; "a" takes the other.
    assert [r["status"] for r in data["results"]] == ["created", "created", "rejected", "rejected"]
    assert "at most 2 people" in data["results"][2]["errors"]["non_field_errors"][0]
    assert not User.objects.filter(email__in=["b@example.com", "c@example.com"]).exists()
    with time_machine.travel(NOW + datetime.timedelta(days=1), tick=False):
        again = provider_api.post(
            "/api/v1/provider/seus", {"entries": [row("b@example.com")]}, format="json"
        ).json()
    assert again["created"] == 1


def test_a_report_of_500_rows_takes_a_bounded_number_of_queries(
    provider_api, django_assert_max_num_queries
):
    """One pass in set queries; only each invitation's set-password link costs two
    (allauth's reset token reads the person's addresses)."""
    members = PractitionerFactory.create_batch(100)
    emails = [m.user.email for m in members] + [f"new{i}@example.com" for i in range(400)]
    report = {"entries": [row(e) for e in emails]}
    with django_assert_max_num_queries(30 + 2 * 400):
        response = provider_api.post("/api/v1/provider/seus", report, format="json")
    assert response.json()["created"] == 500
    assert SeuEntry.objects.count() == 500
    assert OutboundEmail.objects.filter(template="provider_invitation").count() == 400
    with django_assert_max_num_queries(30):
        again = provider_api.post("/api/v1/provider/seus", report, format="json")
    assert again.json()["exists"] == 500
