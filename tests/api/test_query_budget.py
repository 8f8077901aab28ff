"""Each list answers in the same number of queries for 1 row and for 50."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import (
    CourseFactory,
    CredentialFactory,
    ProgramFactory,
    SeuCategoryFactory,
    SeuEntryFactory,
    TrainerFactory,
    course_with_attendees,
)

from .conftest import token_client

pytestmark = pytest.mark.django_db


def queries(client, path, **params):
    client.get(path, params)  # warm: practitioner row, last-used stamp
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path, params)
    assert response.status_code == 200, response.content
    return len(captured)


def test_seu_list_is_flat(api):
    SeuEntryFactory(practitioner=api.practitioner)
    one = queries(api, "/api/v1/seus", page_size=50)
    SeuEntryFactory.create_batch(49, practitioner=api.practitioner)
    fifty = queries(api, "/api/v1/seus", page_size=50)
    assert one == fifty <= 6


def test_credentials_are_flat(api):
    programs = [ProgramFactory(code=f"P{i}") for i in range(5)]
    CredentialFactory(holder=api.practitioner, program=programs[0])
    one = queries(api, "/api/v1/credentials")
    for program in programs[1:]:
        CredentialFactory(holder=api.practitioner, program=program)
    five = queries(api, "/api/v1/credentials")
    assert one == five <= 8


@pytest.fixture
def trainer_api(make_token):
    trainer = TrainerFactory()
    client = token_client(make_token(trainer.user).secret)
    client.trainer = trainer
    return client


def test_courses_and_roster_are_flat(trainer_api):
    small, _ = course_with_attendees(1, trainer=trainer_api.trainer)
    course_one = queries(trainer_api, "/api/v1/courses", page_size=50)
    roster_one = queries(trainer_api, f"/api/v1/courses/{small.pk}/roster")
    big, _ = course_with_attendees(
        50, trainer=trainer_api.trainer, capacity=60, starts_on=datetime.date(2026, 4, 1)
    )
    for _ in range(48):
        course_with_attendees(0, trainer=trainer_api.trainer)
    assert queries(trainer_api, "/api/v1/courses", page_size=50) == course_one <= 6
    assert queries(trainer_api, f"/api/v1/courses/{big.pk}/roster") == roster_one <= 10


def budget(client, django_assert_max_num_queries, path, most, **params):
    """The call answers 200 within `most` queries, after a first call has made the
    practitioner row and stamped the token's last use."""
    client.get(path, params)
    with django_assert_max_num_queries(most):
        response = client.get(path, params)
    assert response.status_code == 200, response.content
    return response.json()


@pytest.mark.parametrize("rows", [1, 500])
def test_seu_list_pages_keep_their_budget_at_1_and_500_entries(
    api, django_assert_max_num_queries, rows
):
    category = SeuEntryFactory(practitioner=api.practitioner).category
    SeuEntryFactory.create_batch(rows - 1, practitioner=api.practitioner, category=category)
    for size in (50, 100):
        page = budget(api, django_assert_max_num_queries, "/api/v1/seus", 5, page_size=size)
        assert len(page["results"]) == min(rows, size)


@pytest.mark.parametrize("rows", [1, 500])
def test_course_list_keeps_its_budget_at_1_and_500_courses(
    trainer_api, django_assert_max_num_queries, rows
):
    CourseFactory.create_batch(rows, trainer=trainer_api.trainer, program=ProgramFactory())
    page = budget(trainer_api, django_assert_max_num_queries, "/api/v1/courses", 5, page_size=100)
    assert len(page["results"]) == min(rows, 100)


@pytest.mark.parametrize("rows", [1, 500])
def test_roster_keeps_its_budget_at_1_and_500_attendees(
    trainer_api, django_assert_max_num_queries, rows
):
    course, _ = course_with_attendees(rows, trainer=trainer_api.trainer, capacity=rows)
    roster = budget(
        trainer_api, django_assert_max_num_queries, f"/api/v1/courses/{course.pk}/roster", 9
    )
    assert len(roster["rows"]) == rows


def test_me_answers_a_practitioners_token_in_four_queries(api, django_assert_max_num_queries):
    """The token, its user, the second-factor check and the practitioner row: a token
    made by a practitioner never runs courses, so nobody asks whether its owner may."""
    me = budget(api, django_assert_max_num_queries, "/api/v1/me", 4)
    assert me["runs_courses"] is False


def test_me_still_asks_whether_a_trainers_token_may_run_courses(
    trainer_api, django_assert_max_num_queries
):
    assert budget(trainer_api, django_assert_max_num_queries, "/api/v1/me", 5)["runs_courses"]


@pytest.mark.parametrize("rows", [1, 500])
def test_credential_list_keeps_its_budget_at_1_and_500_credentials(
    api, django_assert_max_num_queries, rows
):
    program = ProgramFactory()
    for _ in range(rows):
        CredentialFactory(holder=api.practitioner, program=program)
    listed = budget(api, django_assert_max_num_queries, "/api/v1/credentials", 5)
    assert len(listed) == rows


def post_entry(client, key):
    body = {
        "earned_on": "2026-02-10",
        "category": "C",
        "activity": "Talk",
        "seus": "0.25",
        "allow_duplicate": True,
    }
    return client.post("/api/v1/seus", body, format="json", HTTP_IDEMPOTENCY_KEY=key)


@pytest.mark.parametrize("rows", [1, 500])
def test_a_post_with_a_key_keeps_its_budget_at_1_and_500_entries(
    api, django_assert_max_num_queries, rows
):
    """The token read, the key's claim, the categories, the practitioner's lock, the day's
    total, the category's row, the insert, the webhook subscriptions, the answer's read
    and the stored answer, with the service's savepoint (and the savepoint of the test's
    own transaction, a BEGIN and COMMIT outside tests); a replay reads the token and the
    key's answer."""
    category = SeuCategoryFactory(code="C")
    SeuEntryFactory.create_batch(rows, practitioner=api.practitioner, category=category)
    assert post_entry(api, "warm").status_code == 201
    with django_assert_max_num_queries(14):
        response = post_entry(api, "measured")
    assert response.status_code == 201, response.content
    with django_assert_max_num_queries(5):
        replay = post_entry(api, "measured")
    assert replay.status_code == 201 and replay["Idempotent-Replayed"] == "true"
    assert replay.json() == response.json()
    assert api.practitioner.seu_entries.count() == rows + 2
