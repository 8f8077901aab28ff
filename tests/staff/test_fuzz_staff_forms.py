"""Whatever is typed into the search box, the identity correction or the attendance grid
(letters, numbers, junk), the answer is a page or a refusal, never a 500."""

import pytest
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from tests.factories import PractitionerFactory, StaffFactory, course_with_attendees

FUZZ = settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
typed = st.one_of(
    st.text(max_size=120),
    st.sampled_from(
        ["p", "P", " a ", "A", "8", "8.5", "-1", "1e400", "NaN", "#12", "%", "\x00", "¹", "٣"]
    ),
)


@pytest.fixture
def staff_user(db):
    return StaffFactory()


@pytest.fixture
def signed_in(staff_user):
    client = Client(raise_request_exception=False)
    client.force_login(staff_user)
    return client


@FUZZ
@given(q=typed, group=typed, page=typed)
def test_search_answers_any_query(signed_in, q, group, page):
    response = signed_in.get(reverse("search"), {"q": q, "group": group, "page": page})
    assert response.status_code == 200


@FUZZ
@given(first=typed, last=typed, email=typed)
def test_the_identity_correction_answers_any_input(signed_in, first, last, email):
    holder = PractitionerFactory()
    response = signed_in.post(
        reverse("staff_practitioner_edit", args=[holder.pk]),
        {"first_name": first, "last_name": last, "email": email},
    )
    assert response.status_code in (200, 302)
    if response.status_code == 302:
        assert response["Location"] == reverse("staff_practitioner", args=[holder.pk])


@FUZZ
@given(cell=typed, button=typed)
@example(cell="", button="¹")  # isdigit() said yes, int() said no: a 500 found by this test
def test_the_attendance_grid_answers_any_cell(signed_in, cell, button):
    course, (enrollment,) = course_with_attendees(1)
    session = course.sessions.first()
    response = signed_in.post(
        reverse("course_attendance", args=[course.pk]),
        {f"h-{enrollment.pk}-{session.pk}": cell, "present_session": button},
    )
    assert response.status_code in (200, 302)
    if response.status_code == 302:
        assert response["Location"] == reverse("course_attendance", args=[course.pk])
