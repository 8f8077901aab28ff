"""The dashboard and the SEU log run the same number of queries for 1 and 200 entries."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import CredentialFactory, ProgramFactory, SeuCategoryFactory, SeuEntryFactory

pytestmark = pytest.mark.django_db


def make_entries(practitioner, count):
    categories = [SeuCategoryFactory(code=code) for code in "ABCDEF"]
    start = datetime.date(2025, 7, 1)
    for n in range(count):
        SeuEntryFactory(
            practitioner=practitioner,
            earned_on=start + datetime.timedelta(days=n),
            category=categories[n % len(categories)],
            seus=Decimal("1"),
        )


def queries_for(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


@pytest.fixture
def two_credentials(practitioner):
    CredentialFactory(holder=practitioner, issued_on=datetime.date(2025, 6, 1))
    CredentialFactory(
        holder=practitioner, program=ProgramFactory(code="CSM"), issued_on=datetime.date(2025, 9, 1)
    )


@pytest.mark.parametrize("url_name", ["dashboard", "seus:list", "seus:export"])
def test_pages_run_the_same_queries_for_one_and_two_hundred_entries(
    url_name, practitioner_client, two_credentials, django_assert_max_num_queries
):
    me = practitioner_client.practitioner
    url = reverse(url_name)
    make_entries(me, 1)
    small = queries_for(practitioner_client, url)
    make_entries(me, 199)
    with django_assert_max_num_queries(small):
        response = practitioner_client.get(url)
    assert response.status_code == 200
    # 13 on PostgreSQL: the first view of a connection also prepares the kept page's
    # row-version statement before it runs it (PREPARE, then EXECUTE).
    assert small <= 13


def test_the_dashboard_with_200_entries_shows_the_counted_seus(
    practitioner_client, two_credentials, django_assert_max_num_queries
):
    make_entries(practitioner_client.practitioner, 200)
    # +1: the at-a-glance entries (practitioners.glance); +1: the claims waiting; +2 on
    # PostgreSQL: the row versions that key the kept page, prepared then executed
    # (cspo_tracker/kept_pages/row_versions.py).
    with django_assert_max_num_queries(14):
        response = practitioner_client.get(reverse("dashboard"))
    # CSPO's window opens 1 Jun 2025 (all 200 count); CSM's opens 1 Sep 2025 (62 fall before).
    assert [c.progress.seus_counted for c in response.context["cards"]] == [
        Decimal("200"),
        Decimal("138"),
    ]
