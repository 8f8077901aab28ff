"""Trainers: courses, roster, attendance (bulk PUT) and closing through the API."""

import pytest

from certifications.models import AttendanceChange, Course, Credential
from tests.factories import PractitionerFactory, TrainerFactory, course_with_attendees

from .conftest import token_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def trainer_api(make_token):
    trainer = TrainerFactory()
    client = token_client(make_token(trainer.user).secret)
    client.trainer = trainer
    return client


@pytest.fixture
def course(trainer_api):
    course, _ = course_with_attendees(2, hours=("8", "8"), trainer=trainer_api.trainer)
    return course


def test_a_trainer_lists_their_courses_only(trainer_api, course):
    course_with_attendees(1)  # another trainer's
    data = trainer_api.get("/api/v1/courses").json()
    assert [c["id"] for c in data["results"]] == [course.pk]
    assert data["results"][0]["enrolled"] == 2


def test_roster_shows_attendance_and_the_rule(trainer_api, course):
    roster = trainer_api.get(f"/api/v1/courses/{course.pk}/roster").json()
    assert len(roster["rows"]) == 2 and len(roster["sessions"]) == 2
    assert all(r["met"] and r["hours_total"] == "16.00" for r in roster["rows"])


def test_attendance_put_saves_the_cells_and_audits_them(trainer_api, course):
    roster = trainer_api.get(f"/api/v1/courses/{course.pk}/roster").json()
    first = roster["rows"][0]
    session = roster["sessions"][1]["id"]
    response = trainer_api.put(
        f"/api/v1/courses/{course.pk}/attendance",
        {"attendance": [{"enrollment": first["enrollment"], "session": session, "hours": "4"}]},
        format="json",
    )
    assert response.status_code == 200
    row = response.json()["rows"][0]
    assert row["met"] is False and "session 2" in row["missing"]
    assert AttendanceChange.objects.get().changed_by == trainer_api.trainer.user


def test_a_bad_cell_names_its_index_and_saves_nothing(trainer_api, course):
    roster = trainer_api.get(f"/api/v1/courses/{course.pk}/roster").json()
    first = roster["rows"][0]["enrollment"]
    sessions = [s["id"] for s in roster["sessions"]]
    response = trainer_api.put(
        f"/api/v1/courses/{course.pk}/attendance",
        {
            "attendance": [
                {"enrollment": first, "session": sessions[0], "hours": "2"},
                {"enrollment": first, "session": sessions[1], "hours": "99"},
            ]
        },
        format="json",
    )
    assert response.status_code == 422
    assert response.json()["errors"] == {"attendance[1].hours": ["Hours must be between 0 and 8."]}
    assert not AttendanceChange.objects.exists()


def test_close_issues_credentials_once(trainer_api, course):
    first = trainer_api.post(f"/api/v1/courses/{course.pk}/close").json()
    assert len(first["issued"]) == 2 and first["missed"] == []
    again = trainer_api.post(f"/api/v1/courses/{course.pk}/close").json()
    assert again["issued"] == [] and sorted(again["already_issued"]) == sorted(first["issued"])
    assert Credential.objects.filter(course=course).count() == 2
    assert Course.objects.get(pk=course.pk).status == "closed"


def test_another_trainers_course_is_404_and_a_practitioner_is_403(trainer_api, api):
    other, _ = course_with_attendees(1)
    for path in ("roster",):
        assert trainer_api.get(f"/api/v1/courses/{other.pk}/{path}").status_code == 404
    assert trainer_api.post(f"/api/v1/courses/{other.pk}/close").status_code == 404
    assert not Credential.objects.exists()
    assert api.get("/api/v1/courses").status_code == 403
    _ = PractitionerFactory
