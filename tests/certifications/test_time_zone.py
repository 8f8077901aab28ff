"""A practitioner's time zone must be a known IANA name: 'today' is computed in it."""

import pytest
from django.urls import reverse

from certifications.models import Practitioner
from tests.factories import PractitionerFactory

pytestmark = pytest.mark.django_db


def test_staff_cannot_save_an_unknown_time_zone_in_the_admin(staff_client):
    practitioner = PractitionerFactory()
    url = reverse("admin:certifications_practitioner_change", args=[practitioner.pk])
    response = staff_client.post(
        url,
        {
            "user": practitioner.user_id,
            "time_zone": "Europe/Atlantis",
            "member_id": "",
            "optional_reminders": "on",
        },
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["time_zone"] == [
        "'Europe/Atlantis' is not a known time zone; use a name such as Europe/Berlin."
    ]
    assert Practitioner.objects.get(pk=practitioner.pk).time_zone == "UTC"


def test_staff_can_save_a_known_time_zone_in_the_admin(staff_client):
    practitioner = PractitionerFactory()
    url = reverse("admin:certifications_practitioner_change", args=[practitioner.pk])
    staff_client.post(
        url,
        {"user": practitioner.user_id, "time_zone": "Asia/Kolkata", "member_id": ""},
    )
    assert Practitioner.objects.get(pk=practitioner.pk).time_zone == "Asia/Kolkata"
