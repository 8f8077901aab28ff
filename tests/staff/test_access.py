"""Practitioners reach none of the staff or trainer pages: 403 with the site's own error
page. Trainers reach none of the staff-only ones."""

import datetime

import pytest
from django.urls import reverse

from tests.factories import course_with_attendees, credential_expiring

# (url name, args) of every page a trainer or staff member uses; "{course}",
# "{enrollment}", "{renewal}" and "{number}" are filled in per test.
RUNNER_PAGES = [
    ("trainer_home", []),
    ("search", []),
    ("course_list", []),
    ("course_create", []),
    ("course_detail", ["{course}"]),
    ("course_edit", ["{course}"]),
    ("course_attendance", ["{course}"]),
    ("course_close", ["{course}"]),
    ("course_unenroll", ["{course}", "{enrollment}"]),
]
STAFF_PAGES = [
    ("staff_console", []),
    ("staff_practitioner", ["{practitioner}"]),
    ("staff_practitioner_edit", ["{practitioner}"]),
    ("staff_audit", ["certifications", "user", "{user}"]),
    ("staff_audit_log", []),
    ("staff_renewals", []),
    ("staff_confirm_fee", ["{renewal}"]),
    ("course_history", ["{course}"]),
    ("staff_revoke_credential", ["{number}"]),
    ("staff_reports", []),
    ("import_credentials", []),
]


@pytest.fixture
def objects(db, trainer, today):
    from renewals import services
    from tests.factories import seus_for

    course, (enrollment,) = course_with_attendees(1, trainer=trainer)
    credential = credential_expiring(datetime.date(2026, 7, 1), holder=enrollment.practitioner)
    seus_for(enrollment.practitioner, 20)
    renewal = services.submit_renewal(
        practitioner=enrollment.practitioner, credentials=[credential], payment_reference="R"
    )
    return {
        "course": course.pk,
        "enrollment": enrollment.pk,
        "practitioner": enrollment.practitioner.pk,
        "user": enrollment.practitioner.user_id,
        "renewal": renewal.pk,
        "number": credential.certificate_number,
    }


def _url(name, args, objects):
    return reverse(name, args=[str(a).format(**objects) for a in args])


@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize(("name", "args"), RUNNER_PAGES + STAFF_PAGES)
def test_practitioners_get_the_sites_403_page(practitioner_client, objects, name, args, method):
    response = getattr(practitioner_client, method)(_url(name, args, objects))
    assert response.status_code == 403
    assert 'id="error-403"' in response.text


@pytest.mark.parametrize(("name", "args"), STAFF_PAGES)
def test_trainers_get_403_on_staff_pages(trainer_client, objects, name, args):
    response = trainer_client.get(_url(name, args, objects))
    assert response.status_code == 403
    assert 'id="error-403"' in response.text


@pytest.mark.parametrize(("name", "args"), RUNNER_PAGES + STAFF_PAGES)
def test_staff_reach_every_page(staff, objects, name, args, today):
    assert staff.get(_url(name, args, objects)).status_code == 200
