"""Categories explained where SEUs are logged; the time zone list holds real places, and
the profile suggests the browser's zone."""

import pytest
from django.urls import reverse

from certifications.time_zones import place_zone_names

pytestmark = pytest.mark.django_db


def test_the_seu_form_explains_each_category_with_examples(practitioner_client):
    page = practitioner_client.get(reverse("seus:create")).content.decode()
    assert "What counts in each category (A–F)" in page
    for code in "ABCDEF":
        assert f"<dt>{code}: " in page
    assert "For example: reading a book on Scrum" in page


def test_the_time_zone_list_holds_real_places_only(practitioner_client):
    names = place_zone_names()
    assert "Europe/Berlin" in names and "America/Sao_Paulo" in names and "UTC" in names
    assert not [n for n in names if n.startswith(("Etc/", "US/", "SystemV"))]
    assert "GMT+0" not in names and "Zulu" not in names
    page = practitioner_client.get(reverse("profile")).content.decode()
    assert 'value="Europe/Berlin"' in page and 'value="Etc/GMT+5"' not in page
    assert "js/timezone.js" in page


def test_a_zone_saved_earlier_as_an_alias_stays_selectable(practitioner_client):
    me = practitioner_client.practitioner
    me.time_zone = "US/Eastern"
    me.save()
    page = practitioner_client.get(reverse("profile")).content.decode()
    assert 'value="US/Eastern" selected' in page
