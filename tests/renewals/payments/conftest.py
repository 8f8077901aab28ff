import pytest

from .fake_stripe import FakeStripe

WEBHOOK_SECRET = "whsec_test_secret"


@pytest.fixture
def fake_stripe(settings):
    """Stripe's API served locally; the app configured for online payment against it."""
    fake = FakeStripe().start()
    settings.STRIPE_SECRET_KEY = "sk_test_local"
    settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
    settings.STRIPE_API_BASE = fake.base
    fake.webhook_secret = WEBHOOK_SECRET
    yield fake
    fake.stop()


@pytest.fixture(scope="session")
def prism():
    """Stripe's OpenAPI document served by Prism, once per test session."""
    from tests.stripe_openapi import prism

    server = prism.start_or_skip()
    yield server
    server.stop()


@pytest.fixture
def stripe_api(prism, settings):
    """The app configured for online payment against Prism."""
    settings.STRIPE_SECRET_KEY = "sk_test_local"
    settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
    settings.STRIPE_API_BASE = prism.base
    return prism
