"""SEU providers report attendees' SEUs by email with an organisation token."""

import pytest

from certifications.models import User
from cspo_tracker.outbox.models import OutboundEmail
from seus.models import SeuEntry
from tests.factories import PractitionerFactory, SeuCategoryFactory

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
    assert [r["invited"] for r in data["results"]] == [False, True]
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
