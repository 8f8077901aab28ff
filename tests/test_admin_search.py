"""Large changelists answer an email search from the index, not a LIKE scan."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import CredentialFactory, StaffFactory

pytestmark = pytest.mark.django_db

CHANGELISTS = [
    "/admin/certifications/practitioner/",
    "/admin/certifications/enrollment/",
    "/admin/seus/seuentry/",
    "/admin/renewals/renewalcycle/",
    "/admin/renewals/renewal/",
]


@pytest.mark.parametrize("url", CHANGELISTS)
def test_an_email_search_matches_exactly_and_scans_nothing(client, url):
    wanted = CredentialFactory(holder__user__email="grace.hopper@example.com")
    CredentialFactory(holder__user__email="not-grace.hopper@example.com")
    client.force_login(StaffFactory(is_superuser=True))
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, {"q": " Grace.Hopper@Example.com "})
    assert response.status_code == 200
    assert not any("LIKE" in q["sql"].upper() for q in queries.captured_queries)
    if url.endswith("renewalcycle/"):
        assert response.context["cl"].result_count == 1
        assert response.context["cl"].result_list[0].credential == wanted
