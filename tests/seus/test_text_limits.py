"""Length limits on the SEU log's text: 200 000 characters were once saved."""

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from seus.models import SeuEntry
from tests.factories import SeuCategoryFactory, SeuEntryFactory

pytestmark = pytest.mark.django_db


def form_data(**overrides):
    return {
        "earned_on": "2026-02-10",
        "category": SeuCategoryFactory(code="C").pk,
        "activity": "Agile meetup talk",
        "provider": "Local user group",
        "seus": "2",
        "description": "",
        **overrides,
    }


def test_a_description_over_2000_characters_is_refused_beside_the_field(practitioner_client):
    response = practitioner_client.post(reverse("seus:create"), form_data(description="x" * 2001))
    assert response.status_code == 200
    assert response.context["form"].errors["description"] == [
        "Ensure this value has at most 2000 characters (it has 2001)."
    ]
    assert 'id="error_1_id_description"' in response.content.decode()
    assert not SeuEntry.objects.exists()


def test_a_description_of_2000_characters_is_saved(practitioner_client):
    practitioner_client.post(reverse("seus:create"), form_data(description="x" * 2000))
    assert len(SeuEntry.objects.get().description) == 2000


def test_an_activity_title_over_200_characters_is_refused_beside_the_field(practitioner_client):
    response = practitioner_client.post(reverse("seus:create"), form_data(activity="x" * 201))
    assert "at most 200 characters" in response.context["form"].errors["activity"][0]
    assert not SeuEntry.objects.exists()


def test_editing_an_entry_keeps_the_same_limit(practitioner_client):
    entry = SeuEntryFactory(practitioner=practitioner_client.practitioner, description="short")
    response = practitioner_client.post(
        reverse("seus:update", args=[entry.pk]), form_data(description="y" * 200_000)
    )
    assert "at most 2000 characters" in response.context["form"].errors["description"][0]
    entry.refresh_from_db()
    assert entry.description == "short"


def test_the_database_refuses_a_longer_description_from_any_other_path():
    entry = SeuEntryFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        SeuEntry.objects.filter(pk=entry.pk).update(description="z" * 2001)
