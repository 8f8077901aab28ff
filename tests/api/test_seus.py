"""The SEU log through the API: the form's rules and messages, ownership, filters and
cursor pages, evidence, idempotent POSTs."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from api.models import IdempotentRequest
from seus.models import SeuEntry
from tests.factories import PractitionerFactory, SeuCategoryFactory, SeuEntryFactory
from tests.seus.conftest import PDF_BYTES

pytestmark = pytest.mark.django_db


def body(**overrides):
    SeuCategoryFactory(code="C")
    data = {
        "earned_on": "2026-02-10",
        "category": "C",
        "activity": "Agile meetup talk",
        "provider": "Local user group",
        "seus": "2.5",
    }
    data.update(overrides)
    return data


def test_a_practitioner_logs_seus(api):
    response = api.post("/api/v1/seus", body(), format="json")
    assert response.status_code == 201, response.json()
    entry = SeuEntry.objects.get()
    assert entry.practitioner == api.practitioner and entry.seus == Decimal("2.5")
    data = response.json()
    assert data["id"] == entry.pk and data["category"] == "C" and data["seus"] == "2.50"
    assert data["provider_reported"] is False and data["has_evidence"] is False


def test_a_rule_answers_422_with_the_forms_message_beside_the_field(api):
    response = api.post("/api/v1/seus", body(seus="9"), format="json")
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    problem = response.json()
    assert problem["status"] == 422
    assert problem["errors"]["seus"][0].startswith("At most 8 SEUs count per day")
    future = api.post("/api/v1/seus", body(earned_on="2026-03-02"), format="json").json()
    assert future["errors"]["earned_on"] == ["The date cannot be in the future."]
    assert not SeuEntry.objects.exists()


def test_wrong_types_are_field_errors_not_500(api):
    response = api.post(
        "/api/v1/seus",
        {"earned_on": "yesterday", "category": "ZZ", "activity": ["x"], "seus": "lots"},
        format="json",
    )
    assert response.status_code == 422
    assert set(response.json()["errors"]) == {"earned_on", "category", "activity", "seus"}


def test_another_users_entry_is_404_like_a_missing_one(api):
    theirs = SeuEntryFactory(practitioner=PractitionerFactory())
    missing = api.get("/api/v1/seus/999999")
    for method in ("get", "patch", "delete"):
        response = getattr(api, method)(f"/api/v1/seus/{theirs.pk}", {}, format="json")
        assert response.status_code == 404
        assert response.json() == {**missing.json(), "instance": f"/api/v1/seus/{theirs.pk}"}
    assert SeuEntry.objects.filter(pk=theirs.pk).exists()


def test_update_and_delete_go_through_the_rules(api):
    entry = SeuEntryFactory(practitioner=api.practitioner, seus=Decimal("2"))
    response = api.patch(f"/api/v1/seus/{entry.pk}", {"seus": "3.25"}, format="json")
    assert response.status_code == 200 and response.json()["seus"] == "3.25"
    refused = api.patch(f"/api/v1/seus/{entry.pk}", {"seus": "3.3"}, format="json")
    assert refused.json()["errors"]["seus"] == ["SEUs are counted in steps of 0.25 hours."]
    assert api.delete(f"/api/v1/seus/{entry.pk}").status_code == 204
    assert not SeuEntry.objects.exists()


def test_an_entry_used_by_a_renewal_is_409(api):
    from renewals.models import Renewal

    renewal = Renewal.objects.create(
        practitioner=api.practitioner,
        status=Renewal.Status.COMPLETED,
        seus_required=Decimal("20"),
        fee_amount=Decimal("100"),
        fee_currency="USD",
        fee_status=Renewal.FeeStatus.CONFIRMED,
    )
    entry = SeuEntryFactory(practitioner=api.practitioner, consumed_by=renewal)
    response = api.delete(f"/api/v1/seus/{entry.pk}")
    assert response.status_code == 409
    assert "completed renewal" in response.json()["detail"]


def test_list_filters_by_dates_and_category_and_pages_by_cursor(api):
    SeuCategoryFactory(code="B")
    for day in range(1, 8):
        SeuEntryFactory(
            practitioner=api.practitioner,
            earned_on=f"2026-02-0{day}",
            category=SeuCategoryFactory(code="B" if day % 2 else "C"),
        )
    SeuEntryFactory(practitioner=PractitionerFactory())  # not theirs
    page = api.get("/api/v1/seus", {"page_size": 2, "earned_from": "2026-02-02"}).json()
    assert [e["earned_on"] for e in page["results"]] == ["2026-02-07", "2026-02-06"]
    dates = [e["earned_on"] for e in page["results"]]
    while page["next"]:
        page = api.get(page["next"]).json()
        dates += [e["earned_on"] for e in page["results"]]
    assert dates == [f"2026-02-0{d}" for d in range(7, 1, -1)]
    only_b = api.get("/api/v1/seus", {"category": "B", "earned_to": "2026-02-05"}).json()
    assert [e["earned_on"] for e in only_b["results"]] == ["2026-02-05", "2026-02-03", "2026-02-01"]
    bad = api.get("/api/v1/seus", {"earned_from": "soon", "category": "nope"})
    assert bad.status_code == 422 and set(bad.json()["errors"]) == {"earned_from", "category"}


def test_evidence_upload_checks_the_content_like_the_form(api):
    entry = SeuEntryFactory(practitioner=api.practitioner)
    url = f"/api/v1/seus/{entry.pk}/evidence"
    fake = SimpleUploadedFile("scan.pdf", b"not really a pdf", content_type="application/pdf")
    refused = api.post(url, {"evidence": fake}, format="multipart")
    assert refused.status_code == 422
    assert refused.json()["errors"]["evidence"] == [
        "Evidence must be a PDF, PNG or JPEG file (its content is checked)."
    ]
    pdf = SimpleUploadedFile("scan.pdf", PDF_BYTES, content_type="application/pdf")
    response = api.post(url, {"evidence": pdf}, format="multipart")
    assert response.status_code == 200 and response.json()["has_evidence"] is True
    download = api.get(url)
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
    assert b"".join(download.streaming_content) == PDF_BYTES
    assert api.delete(url).json()["has_evidence"] is False


def test_a_retried_post_with_its_idempotency_key_returns_the_first_answer(api):
    first = api.post("/api/v1/seus", body(), format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    again = api.post("/api/v1/seus", body(), format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json() and again["Idempotent-Replayed"] == "true"
    assert SeuEntry.objects.count() == 1
    other = api.post("/api/v1/seus", body(seus="1"), format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert other.status_code == 422
    assert other["Content-Type"] == "application/problem+json"
    assert "different request" in other.json()["detail"]
    assert SeuEntry.objects.count() == 1
    api.post("/api/v1/seus", body(activity="Other"), format="json", HTTP_IDEMPOTENCY_KEY="k-2")
    assert SeuEntry.objects.count() == 2


def test_a_refused_post_stores_no_answer_so_it_can_be_retried(api):
    refused = api.post("/api/v1/seus", body(seus="9"), format="json", HTTP_IDEMPOTENCY_KEY="k")
    assert refused.status_code == 422
    assert not IdempotentRequest.objects.exists()
    fixed = api.post("/api/v1/seus", body(seus="2"), format="json", HTTP_IDEMPOTENCY_KEY="k")
    assert fixed.status_code == 201


def test_the_same_key_from_another_caller_is_theirs(api, make_token):
    from .conftest import token_client

    other = PractitionerFactory()
    theirs = token_client(make_token(other.user).secret)
    api.post("/api/v1/seus", body(), format="json", HTTP_IDEMPOTENCY_KEY="same")
    response = theirs.post("/api/v1/seus", body(), format="json", HTTP_IDEMPOTENCY_KEY="same")
    assert response.status_code == 201
    assert SeuEntry.objects.filter(practitioner=other).count() == 1


def test_an_idempotent_post_of_a_json_list_is_a_field_error(api):
    response = api.post("/api/v1/seus", [None, None], format="json", HTTP_IDEMPOTENCY_KEY="k")
    assert response.status_code == 422


def test_an_identical_entry_needs_allow_duplicate(api):
    api.post("/api/v1/seus", body(), format="json")
    again = api.post("/api/v1/seus", body(), format="json")
    assert again.status_code == 422
    assert "You already logged" in again.json()["errors"]["allow_duplicate"][0]
    meant = api.post("/api/v1/seus", body(allow_duplicate=True), format="json")
    assert meant.status_code == 201
    assert SeuEntry.objects.count() == 2


def test_the_list_answers_each_entry_as_the_entry_itself_answers(api, organisation):
    from renewals.models import Renewal

    renewal = Renewal.objects.create(
        practitioner=api.practitioner,
        status=Renewal.Status.COMPLETED,
        seus_required=Decimal("20"),
        fee_amount=Decimal("100"),
        fee_currency="USD",
        fee_status=Renewal.FeeStatus.CONFIRMED,
    )
    plain = SeuEntryFactory(practitioner=api.practitioner, seus=Decimal("1.25"), description="")
    used = SeuEntryFactory(
        practitioner=api.practitioner, consumed_by=renewal, earned_on="2025-12-1"
    )
    reported = SeuEntryFactory(
        practitioner=api.practitioner,
        reported_by=organisation,
        provider_reference="talk-7",
        description="Notes ✓",
    )
    SeuEntry.objects.filter(pk=plain.pk).update(evidence="seus/evidence/scan.pdf")
    listed = api.get("/api/v1/seus").json()["results"]
    one_by_one = [api.get(f"/api/v1/seus/{e['id']}").json() for e in listed]
    assert listed == one_by_one
    assert {e["id"] for e in listed} == {plain.pk, used.pk, reported.pk}
    by_id = {e["id"]: e for e in listed}
    assert by_id[plain.pk]["has_evidence"] and by_id[plain.pk]["seus"] == "1.25"
    assert by_id[used.pk]["used_by_renewal"] and by_id[reported.pk]["reported_by"]


@pytest.mark.parametrize(
    ("earned_on", "status"),
    [
        pytest.param("2024-02-28", 201, id="28 Feb of a leap year: logged"),
        pytest.param("2024-02-29", 201, id="29 Feb of a leap year: logged"),
        pytest.param("2025-02-29", 422, id="29 Feb of another year: a field error"),
    ],
)
def test_an_seu_on_29_february_is_logged_only_in_a_leap_year(api, earned_on, status):
    response = api.post("/api/v1/seus", body(earned_on=earned_on), format="json")
    assert response.status_code == status, response.content
    if status == 201:
        assert str(SeuEntry.objects.get().earned_on) == earned_on
    else:
        assert list(response.json()["errors"]) == ["earned_on"]
        assert not SeuEntry.objects.exists()
