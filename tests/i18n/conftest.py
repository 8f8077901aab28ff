import pytest
from django.conf import settings
from django.utils import translation


@pytest.fixture(autouse=True)
def _default_language_afterwards():
    """A request answered in another language leaves it active in the test's thread (the
    test client runs the view there); the next test starts in the default again."""
    yield
    translation.activate(settings.LANGUAGE_CODE)
