"""Error pages: the site's layout, a plain reason, the way back; the 500 page
also when the database is down."""

import pytest
from django.db import OperationalError, connection

from tests.factories import PractitionerFactory

pytestmark = pytest.mark.django_db


def assert_site_page(response, status, heading):
    assert response.status_code == status
    html = response.content.decode()
    assert 'class="navbar' in html and "CSPO Tracker" in html  # templates/base.html
    assert heading in html
    assert 'href="/"' in html  # the way back


def test_an_unknown_address_shows_the_sites_404_page(client):
    response = client.get("/no/such/page/")
    assert_site_page(response, 404, "Page not found")


def test_a_page_refused_to_a_practitioner_shows_the_sites_403_page_with_the_reason(client):
    client.force_login(PractitionerFactory().user)
    response = client.get("/courses/")
    assert_site_page(response, 403, "You cannot open this page")
    assert "Only staff and Certified Scrum Trainers run courses." in response.content.decode()


def test_a_form_sent_without_its_csrf_token_explains_what_happened(client):
    client = type(client)(enforce_csrf_checks=True)
    response = client.post("/accounts/login/", {"login": "a@example.com", "password": "x"})
    assert_site_page(response, 403, "This form has expired")


def test_a_bad_host_header_shows_the_sites_400_page(client):
    response = client.get("/", HTTP_HOST="evil.example.net")
    assert_site_page(response, 400, "This request could not be understood")


def test_with_the_database_down_pages_show_the_sites_500_page(client, monkeypatch):
    """Every query fails (as with the server gone); the 500 page renders without one."""
    client.force_login(PractitionerFactory().user)
    client.raise_request_exception = False

    def unreachable(*args, **kwargs):
        raise OperationalError('connection to server at "db", port 5432 failed')

    monkeypatch.setattr(connection, "cursor", unreachable)
    response = client.get("/")
    assert_site_page(response, 500, "Something went wrong on our side")
    assert "try again in a few minutes" in response.content.decode()
