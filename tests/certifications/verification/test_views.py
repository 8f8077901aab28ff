"""Public verification at /verify/<number>/ and the holder's PDF certificate."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from certifications.courses.services import close_course
from tests.factories import (
    CredentialFactory,
    PractitionerFactory,
    StaffFactory,
    course_with_attendees,
)

pytestmark = pytest.mark.django_db


def verify(client, number):
    return client.get(reverse("verify_credential", args=[number]))


@time_machine.travel(datetime.datetime(2026, 1, 10, 12, tzinfo=datetime.UTC))
def test_anyone_can_verify_a_certificate_and_sees_nothing_else_personal(client):
    credential = CredentialFactory(
        holder__user__first_name="Fiona",
        holder__user__last_name="Fresh",
        holder__member_id="SA-991",
        issued_on=datetime.date(2025, 6, 1),
    )
    response = verify(client, credential.certificate_number)
    page = response.content.decode()
    assert response.status_code == 200
    assert "Fiona Fresh" in page
    assert "Certified Scrum Product Owner (CSPO), Scrum Alliance" in page
    assert "1 Jun 2025" in page and "1 Jun 2027" in page
    assert 'data-status="active"' in page
    assert credential.holder.user.email not in page
    assert "SA-991" not in page


@pytest.mark.parametrize(
    "today",
    [datetime.date(2027, 6, 20), datetime.date(2028, 1, 5)],
    ids=["in grace", "lapsed"],
)
def test_an_expired_credential_shows_as_expired_never_active(client, today):
    credential = CredentialFactory(issued_on=datetime.date(2025, 6, 1))
    with time_machine.travel(datetime.datetime.combine(today, datetime.time(12), datetime.UTC)):
        page = verify(client, credential.certificate_number).content.decode()
    assert 'data-status="expired"' in page
    assert "Active" not in page


def test_an_unknown_number_answers_404_saying_so(client, db):
    response = verify(client, "CSPO-NOPE000000")
    assert response.status_code == 404
    assert "No certificate has the number" in response.content.decode()
    assert "CSPO-NOPE000000" in response.content.decode()


def test_the_holder_downloads_their_certificate_with_the_verification_url(client, settings):
    settings.SITE_URL = "https://cspo.example.org"
    course, (enrollment,) = course_with_attendees(1)
    (credential,) = close_course(course=course).issued
    client.force_login(enrollment.practitioner.user)
    response = client.get(reverse("credential_certificate", args=[credential.certificate_number]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    body = response.content
    assert body.startswith(b"%PDF")
    assert f"https://cspo.example.org/verify/{credential.certificate_number}/".encode() in body
    assert credential.certificate_number.encode() in body
    assert str(course.trainer).encode() in body


def test_nobody_else_can_download_a_holders_certificate(client):
    credential = CredentialFactory()
    url = reverse("credential_certificate", args=[credential.certificate_number])
    client.force_login(PractitionerFactory().user)
    assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302  # to the login page
    client.force_login(StaffFactory())
    assert client.get(url).status_code == 200


def test_verifying_stays_within_a_query_budget(client, django_assert_max_num_queries):
    credential = CredentialFactory()
    with django_assert_max_num_queries(5):
        assert verify(client, credential.certificate_number).status_code == 200
