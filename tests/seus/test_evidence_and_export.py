"""Private evidence files and the CSV export."""

import csv
import io
from decimal import Decimal

import pytest
from django.urls import reverse

from seus.services import create_seu_entry
from tests.factories import SeuCategoryFactory, SeuEntryFactory, StaffFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def entry_with_evidence(practitioner, pdf):
    import datetime

    return create_seu_entry(
        practitioner=practitioner,
        earned_on=datetime.date(2026, 2, 1),
        category=SeuCategoryFactory(code="B"),
        activity="Coaching session",
        seus=Decimal("1"),
        evidence=pdf,
    )


def test_the_owner_downloads_their_evidence(practitioner_client, entry_with_evidence):
    response = practitioner_client.get(reverse("seus:evidence", args=[entry_with_evidence.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF")


def test_staff_can_open_any_practitioners_evidence(client, entry_with_evidence):
    client.force_login(StaffFactory())
    assert client.get(reverse("seus:evidence", args=[entry_with_evidence.pk])).status_code == 200


def test_practitioner_cannot_open_another_practitioners_evidence(client, entry_with_evidence):
    client.force_login(UserFactory())
    assert client.get(reverse("seus:evidence", args=[entry_with_evidence.pk])).status_code == 404


def test_anonymous_visitors_cannot_open_evidence(client, entry_with_evidence):
    response = client.get(reverse("seus:evidence", args=[entry_with_evidence.pk]))
    assert response.status_code == 302


def test_evidence_has_no_public_url(entry_with_evidence):
    with pytest.raises(ValueError):
        entry_with_evidence.evidence.url  # noqa: B018


def test_the_csv_export_lists_the_practitioners_entries(practitioner_client, completed_renewal):
    me = practitioner_client.practitioner
    SeuEntryFactory(practitioner=me, activity="=HYPERLINK(evil)", seus=Decimal("1.25"))
    SeuEntryFactory(practitioner=me, activity="Old talk", consumed_by=completed_renewal)
    SeuEntryFactory(activity="Not mine")
    response = practitioner_client.get(reverse("seus:export"))
    assert response["Content-Type"].startswith("text/csv")
    assert "seu-log.csv" in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert sorted(r["activity"] for r in rows) == ["'=HYPERLINK(evil)", "Old talk"]
    by_activity = {r["activity"]: r for r in rows}
    assert by_activity["'=HYPERLINK(evil)"]["seus"] == "1.25"
    assert by_activity["Old talk"]["used_by_renewal"] == "yes"


def test_the_csv_export_applies_the_lists_filters(practitioner_client):
    me = practitioner_client.practitioner
    SeuEntryFactory(practitioner=me, category=SeuCategoryFactory(code="A"), activity="Gathering")
    SeuEntryFactory(practitioner=me, category=SeuCategoryFactory(code="E"), activity="Book")
    response = practitioner_client.get(reverse("seus:export"), {"category": "A"})
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [r["activity"] for r in rows] == ["Gathering"]


def test_the_csv_export_defuses_formulas_after_a_tab_or_carriage_return(practitioner_client):
    me = practitioner_client.practitioner
    SeuEntryFactory(practitioner=me, activity="\t=1+2", provider="@SUM(A1)", description="\r=cmd")
    response = practitioner_client.get(reverse("seus:export"))
    [row] = list(csv.DictReader(io.StringIO(response.content.decode(), newline="")))
    assert (row["activity"], row["provider"], row["description"]) == (
        "'\t=1+2",
        "'@SUM(A1)",
        "'\r=cmd",
    )
