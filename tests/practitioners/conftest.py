import pytest
from django.test import Client

from tests.factories import StaffFactory


@pytest.fixture
def staff_browser(db):
    """A staff login in its own client, so a test can act as practitioner and staff."""
    browser = Client()
    browser.force_login(StaffFactory())
    return browser
