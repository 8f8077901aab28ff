"""A page in another language costs what it costs in English: the same database queries
(the language changes the words, never what is read), and a clean 200."""

import datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import credential_expiring, seus_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def holder_page_urls(client):
    credential = credential_expiring(datetime.date(2027, 3, 1))
    seus_for(credential.holder, 12)
    client.force_login(credential.holder.user)
    return [
        reverse("dashboard"),
        reverse("seus:list"),
        reverse("verify_credential", args=[credential.certificate_number]),
    ]


def queries_for(client, url, language):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, headers={"accept-language": language})
    assert response.status_code == 200, (url, language, response.status_code)
    assert response.headers["Content-Language"] == language
    return len(captured)


@time_machine.travel(datetime.datetime(2026, 12, 7, 12, tzinfo=datetime.UTC), tick=False)
@pytest.mark.parametrize("language", ["de", "es", "pt-br", "ja"])
def test_a_holder_page_makes_the_same_queries_in_every_language(client, holder_page_urls, language):
    for url in holder_page_urls:
        # Each language once first: kept pages and per-process caches are per language.
        queries_for(client, url, "en")
        queries_for(client, url, language)
        assert queries_for(client, url, language) == queries_for(client, url, "en"), url
