"""The SEU log pages through the test client: ownership, validation beside fields, CRUD."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from seus.models import SeuEntry
from tests.factories import SeuCategoryFactory, SeuEntryFactory

pytestmark = pytest.mark.django_db


def form_data(**overrides):
    data = {
        "earned_on": "2026-02-10",
        "category": SeuCategoryFactory(code="C").pk,
        "activity": "Agile meetup talk",
        "provider": "Local user group",
        "seus": "2.5",
        "description": "",
    }
    data.update(overrides)
    return data


def test_anonymous_visitors_are_sent_to_log_in(client):
    for url in [reverse("seus:list"), reverse("seus:create"), reverse("seus:export")]:
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))


def test_a_practitioner_logs_an_entry(practitioner_client, png):
    response = practitioner_client.post(
        reverse("seus:create"), {**form_data(), "evidence": png}, follow=True
    )
    entry = SeuEntry.objects.get()
    assert entry.practitioner == practitioner_client.practitioner
    assert entry.seus == Decimal("2.5") and entry.evidence.name.endswith(".png")
    assert "Logged 2.5 SEUs" in response.content.decode()


def test_a_rule_violation_is_shown_beside_its_field_and_nothing_is_saved(practitioner_client):
    response = practitioner_client.post(reverse("seus:create"), form_data(seus="9"))
    assert response.status_code == 200
    assert "At most 8 SEUs count per day" in response.context["form"].errors["seus"][0]
    assert 'id="error_1_id_seus"' in response.content.decode()
    assert not SeuEntry.objects.exists()


def test_a_future_date_is_shown_beside_the_date(practitioner_client):
    response = practitioner_client.post(reverse("seus:create"), form_data(earned_on="2026-03-02"))
    assert response.context["form"].errors["earned_on"] == ["The date cannot be in the future."]


def test_garbage_input_answers_with_form_errors_not_a_500(practitioner_client):
    response = practitioner_client.post(
        reverse("seus:create"), form_data(earned_on="yesterday", seus="lots", category="999")
    )
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"earned_on", "seus", "category"}


def test_a_fake_evidence_file_is_refused_beside_the_file_field(practitioner_client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    fake = SimpleUploadedFile("notes.pdf", b"just text pretending")
    response = practitioner_client.post(reverse("seus:create"), {**form_data(), "evidence": fake})
    assert "PDF, PNG or JPEG" in response.context["form"].errors["evidence"][0]
    assert not SeuEntry.objects.exists()


def test_a_practitioner_edits_their_entry(practitioner_client):
    entry = SeuEntryFactory(practitioner=practitioner_client.practitioner)
    response = practitioner_client.post(
        reverse("seus:update", args=[entry.pk]), form_data(activity="Renamed", seus="3")
    )
    assert response.status_code == 302
    entry.refresh_from_db()
    assert (entry.activity, entry.seus) == ("Renamed", Decimal("3"))


def test_an_invalid_edit_changes_nothing(practitioner_client):
    entry = SeuEntryFactory(practitioner=practitioner_client.practitioner, activity="Original")
    practitioner_client.post(
        reverse("seus:update", args=[entry.pk]), form_data(activity="Changed", seus="0.3")
    )
    entry.refresh_from_db()
    assert entry.activity == "Original"


def test_deleting_asks_for_confirmation_then_deletes(practitioner_client):
    entry = SeuEntryFactory(practitioner=practitioner_client.practitioner)
    url = reverse("seus:delete", args=[entry.pk])
    page = practitioner_client.get(url)
    assert "Delete this SEU entry?" in page.content.decode()
    assert SeuEntry.objects.filter(pk=entry.pk).exists()
    practitioner_client.post(url)
    assert not SeuEntry.objects.filter(pk=entry.pk).exists()


def test_another_practitioners_entry_answers_404(practitioner_client, pdf):
    # With evidence, so the evidence page's 404 can only come from ownership.
    other = SeuEntryFactory(evidence=pdf)
    assert other.evidence
    for name in ["seus:update", "seus:delete", "seus:evidence"]:
        assert practitioner_client.get(reverse(name, args=[other.pk])).status_code == 404
    assert practitioner_client.post(reverse("seus:delete", args=[other.pk])).status_code == 404
    assert SeuEntry.objects.filter(pk=other.pk).exists()


def test_the_list_shows_only_the_practitioners_own_entries(practitioner_client):
    SeuEntryFactory(practitioner=practitioner_client.practitioner, activity="Mine")
    SeuEntryFactory(activity="Somebody else's")
    content = practitioner_client.get(reverse("seus:list")).content.decode()
    assert "Mine" in content and "Somebody else" not in content


def test_a_consumed_entry_is_shown_as_used_and_cannot_be_edited_or_deleted(
    practitioner_client, completed_renewal
):
    entry = SeuEntryFactory(
        practitioner=practitioner_client.practitioner, consumed_by=completed_renewal
    )
    content = practitioner_client.get(reverse("seus:list")).content.decode()
    assert "Used in a renewal" in content
    assert reverse("seus:update", args=[entry.pk]) not in content
    response = practitioner_client.post(
        reverse("seus:update", args=[entry.pk]), form_data(activity="Changed")
    )
    assert response.status_code == 302
    practitioner_client.post(reverse("seus:delete", args=[entry.pk]))
    entry.refresh_from_db()
    assert entry.activity != "Changed"


def test_the_list_filters_by_category_and_totals_per_category(practitioner_client):
    me = practitioner_client.practitioner
    SeuEntryFactory(practitioner=me, category=SeuCategoryFactory(code="A"), seus=Decimal("2"))
    SeuEntryFactory(practitioner=me, category=SeuCategoryFactory(code="A"), seus=Decimal("1.5"))
    SeuEntryFactory(practitioner=me, category=SeuCategoryFactory(code="E"), seus=Decimal("4"))
    response = practitioner_client.get(reverse("seus:list"))
    totals = {row["category__code"]: row["total"] for row in response.context["category_totals"]}
    assert totals == {"A": Decimal("3.5"), "E": Decimal("4")}

    response = practitioner_client.get(reverse("seus:list"), {"category": "E"})
    assert [e.category.code for e in response.context["page"].object_list] == ["E"]


def test_the_list_filters_by_renewal_window_and_shows_each_windows_count(
    practitioner_client, credential
):
    me = practitioner_client.practitioner
    SeuEntryFactory(practitioner=me, earned_on=datetime.date(2025, 5, 31), activity="Before")
    SeuEntryFactory(practitioner=me, earned_on=datetime.date(2025, 6, 1), activity="Inside")
    response = practitioner_client.get(reverse("seus:list"))
    [window] = response.context["windows"]
    assert window.seus_counted == Decimal("4") and window.seus_required == Decimal("20")

    response = practitioner_client.get(reverse("seus:list"), {"window": window.cycle_id})
    assert [e.activity for e in response.context["page"].object_list] == ["Inside"]


def test_forms_are_csrf_protected(client, practitioner):
    client.handler.enforce_csrf_checks = True
    client.force_login(practitioner.user)
    response = client.post(reverse("seus:create"), form_data())
    assert response.status_code == 403
    assert not SeuEntry.objects.exists()


def test_nonsense_filters_and_pages_show_the_list_not_an_error(practitioner_client):
    SeuEntryFactory(practitioner=practitioner_client.practitioner)
    for query in [{"window": "abc"}, {"window": "99999"}, {"category": "ZZ"}, {"page": "-3"}]:
        response = practitioner_client.get(reverse("seus:list"), query)
        assert response.status_code == 200
        assert len(response.context["page"].object_list) == 1


def test_the_edit_form_offers_to_remove_existing_evidence(practitioner_client, pdf):
    practitioner_client.post(reverse("seus:create"), {**form_data(), "evidence": pdf})
    entry = SeuEntry.objects.get()
    url = reverse("seus:update", args=[entry.pk])
    assert "Remove the current evidence file" in practitioner_client.get(url).content.decode()
    practitioner_client.post(url, {**form_data(), "remove_evidence": "on"})
    entry.refresh_from_db()
    assert not entry.evidence
