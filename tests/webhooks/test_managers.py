"""Only who manages a subscription acts on it, in the services themselves: the pages and
the API look subscriptions up among the caller's, and the services refuse anyone else
whoever calls them (the admin, a command, a future endpoint)."""

import pytest
from django.core.exceptions import PermissionDenied

from tests.factories import CredentialFactory, PractitionerFactory, StaffFactory
from webhooks import services
from webhooks.models import WebhookDelivery, WebhookSubscription

from .conftest import subscribe

pytestmark = pytest.mark.django_db


@pytest.fixture
def given_up(receiver):
    """A practitioner's subscription with one delivery that gave up."""
    subscription = subscribe(PractitionerFactory(), receiver.url)
    CredentialFactory(holder=subscription.owner.practitioner)
    WebhookDelivery.objects.update(status=WebhookDelivery.Status.FAILED)
    return WebhookDelivery.objects.get()


@pytest.mark.parametrize(
    "who",
    [
        pytest.param(lambda: PractitionerFactory().user, id="another practitioner"),
        pytest.param(lambda: StaffFactory(), id="staff, on a practitioner's own webhook"),
    ],
)
def test_someone_who_does_not_manage_the_webhook_cannot_redeliver_it(given_up, who):
    with pytest.raises(PermissionDenied):
        services.redeliver(delivery=given_up, by=who())
    given_up.refresh_from_db()
    assert given_up.status == WebhookDelivery.Status.FAILED


def test_the_owner_redelivers_their_own(given_up):
    services.redeliver(delivery=given_up, by=given_up.subscription.owner)
    given_up.refresh_from_db()
    assert given_up.status == WebhookDelivery.Status.PENDING


@pytest.mark.parametrize(
    "act",
    [
        pytest.param(
            lambda s, by: services.delete_subscription(subscription=s, by=by), id="delete"
        ),
        pytest.param(
            lambda s, by: services.set_active(subscription=s, active=False, by=by), id="turn off"
        ),
    ],
)
def test_another_practitioner_cannot_delete_or_turn_off_a_webhook(act, receiver):
    subscription = subscribe(PractitionerFactory(), receiver.url)
    with pytest.raises(PermissionDenied):
        act(subscription, PractitionerFactory().user)
    assert WebhookSubscription.objects.filter(pk=subscription.pk, active=True).exists()
