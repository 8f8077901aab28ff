"""The subscription rules at their edges (webhooks/services.py): what a webhook may be
created with, each refusal word for word, who manages it, turning it off and on,
redelivering, and an organisation's consents."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from certifications.models import Organisation
from tests.factories import CredentialFactory, PractitionerFactory, StaffFactory
from webhooks import services
from webhooks.models import OrganisationConsent, WebhookDelivery, WebhookSubscription

from .conftest import subscribe

pytestmark = pytest.mark.django_db
PUBLIC = "93.184.216.34"
URL = "https://hooks.example.com/in"
NOON = dt.datetime(2026, 3, 2, 12, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _dns(fake_dns, strict):
    fake_dns["hooks.example.com"] = [PUBLIC]


def organisation(name="Employer", **fields):
    return Organisation.objects.create(name=name, slug=name.lower(), **fields)


def refused(**kwargs):
    with pytest.raises(ValidationError) as error:
        services.create_subscription(**kwargs)
    assert not WebhookSubscription.objects.exists()
    return error.value.message_dict


def test_a_url_of_2000_characters_is_accepted_and_one_of_2001_refused(subscriber):
    at_limit = URL + "/" + "a" * (2000 - len(URL) - 1)
    assert len(at_limit) == 2000
    assert refused(owner=subscriber.user, url=at_limit + "a", events=["seu.created"]) == {
        "url": ["The URL is too long (2000 characters at most)."]
    }
    assert subscribe(subscriber, at_limit).url == at_limit


@pytest.mark.parametrize(
    ("events", "message"),
    [
        ([], "Choose at least one event."),
        (
            ["seu.created", "zz.unknown", "aa.unknown"],
            "Unknown event type: aa.unknown, zz.unknown.",
        ),
    ],
)
def test_events_must_be_chosen_among_those_known(subscriber, events, message):
    assert refused(owner=subscriber.user, url=URL, events=events) == {"events": [message]}


def test_a_scope_that_does_not_exist_is_refused(subscriber):
    assert refused(owner=subscriber.user, url=URL, events=["seu.created"], scope="all") == {
        "scope": ["Choose whose events this webhook receives."]
    }


def test_a_practitioner_cannot_subscribe_to_every_practitioners_events(subscriber):
    assert refused(
        owner=subscriber.user, url=URL, events=["seu.created"], scope="organisation"
    ) == {"scope": ["Only staff can subscribe to every practitioner's events."]}


def test_every_refusal_is_reported_at_once_beside_its_field(subscriber):
    assert refused(owner=subscriber.user, url="http://x", events=[], scope="all") == {
        "events": ["Choose at least one event."],
        "scope": ["Choose whose events this webhook receives."],
        "url": ["Webhook URLs must start with https://."],
    }


def test_the_url_and_description_are_trimmed_and_events_kept_once_in_order(subscriber):
    subscription = services.create_subscription(
        owner=subscriber.user,
        url=f"  {URL}  ",
        events=["seu.created", "credential.issued", "seu.created"],
        description="  " + "d" * 250,
    )
    subscription.refresh_from_db()
    assert subscription.url == URL
    assert subscription.events == ["credential.issued", "seu.created"]
    assert subscription.description == "d" * 200
    assert subscription.secret.startswith("whsec_")


def test_an_organisations_webhook_belongs_to_the_organisation_whatever_else_is_passed(
    subscriber,
):
    employer = organisation()
    subscription = services.create_subscription(
        organisation=employer, owner=subscriber.user, url=URL, events=["seu.created"]
    )
    subscription.refresh_from_db()
    assert (subscription.owner, subscription.organisation, subscription.scope) == (
        None,
        employer,
        "organisation",
    )


@pytest.mark.parametrize("whose", ["a practitioner", "an organisation"])
def test_twenty_webhooks_each_and_the_twenty_first_is_refused(whose):
    owner = {
        "a practitioner": {"owner": PractitionerFactory().user},
        "an organisation": {"organisation": organisation()},
    }[whose]
    someone_else = PractitionerFactory().user
    services.create_subscription(owner=someone_else, url=URL, events=["seu.created"])
    for n in range(20):
        services.create_subscription(url=f"{URL}/{n}", events=["seu.created"], **owner)
    with pytest.raises(ValidationError) as error:
        services.create_subscription(url=f"{URL}/21", events=["seu.created"], **owner)
    assert error.value.message_dict == {"url": ["There are 20 webhooks already; delete one first."]}
    assert WebhookSubscription.objects.count() == 21


def test_an_organisation_manages_its_own_webhooks_and_staff_the_organisation_level_ones():
    employer, other = organisation("Employer"), organisation("Other")
    theirs = services.create_subscription(organisation=employer, url=URL, events=["seu.created"])
    staff = StaffFactory()
    everyone = services.create_subscription(
        owner=staff, url=URL, events=["seu.created"], scope="organisation"
    )
    assert services.can_manage(theirs, employer)
    assert not services.can_manage(theirs, other)
    assert services.can_manage(everyone, StaffFactory())  # any staff member
    assert not services.can_manage(everyone, PractitionerFactory().user)
    with pytest.raises(PermissionDenied, match="^Not your webhook.$"):
        services.delete_subscription(subscription=theirs, by=other)
    services.delete_subscription(subscription=theirs, by=employer)
    assert list(WebhookSubscription.objects.all()) == [everyone]


def test_turning_a_webhook_off_says_so_and_on_again_starts_its_failing_spell_over(subscriber):
    subscription = subscribe(subscriber, URL)
    off = services.set_active(subscription=subscription, active=False, by=subscriber.user, now=NOON)
    off.refresh_from_db()
    assert (off.active, off.disabled_at, off.disabled_reason) == (
        False,
        NOON,
        "Turned off by its owner.",
    )
    again = services.set_active(
        subscription=off, active=False, by=subscriber.user, now=NOON + dt.timedelta(hours=1)
    )
    again.refresh_from_db()
    assert again.disabled_at == NOON  # already off: nothing changes
    WebhookSubscription.objects.filter(pk=off.pk).update(failing_since=NOON)
    on = services.set_active(subscription=off, active=True, by=subscriber.user, now=NOON)
    on.refresh_from_db()
    assert (on.active, on.disabled_at, on.disabled_reason, on.failing_since) == (
        True,
        None,
        "",
        None,
    )


def test_turning_a_webhook_on_again_sends_its_waiting_deliveries_at_once(
    receiver, subscriber, django_capture_on_commit_callbacks
):
    subscription = subscribe(subscriber, receiver.url)
    receiver.answer(500, 500)
    with time_machine.travel(NOON, tick=True):
        with django_capture_on_commit_callbacks(execute=True):
            CredentialFactory(holder=subscriber)
            CredentialFactory(holder=subscriber)
        waiting = WebhookDelivery.objects.filter(status="pending")
        assert [d.next_attempt_at > NOON for d in waiting] == [True, True]
        services.set_active(subscription=subscription, active=False, by=subscriber.user)
        with django_capture_on_commit_callbacks(execute=True):
            services.set_active(subscription=subscription, active=True, by=subscriber.user)
    assert len(receiver.requests) == 4
    assert WebhookDelivery.objects.filter(status="delivered").count() == 2


def test_a_webhook_that_is_off_cannot_redeliver(receiver, subscriber):
    subscription = subscribe(subscriber, receiver.url)
    CredentialFactory(holder=subscriber)
    services.set_active(subscription=subscription, active=False, by=subscriber.user)
    with pytest.raises(ValidationError) as error:
        services.redeliver(delivery=WebhookDelivery.objects.get(), by=subscriber.user)
    assert error.value.messages == ["Turn the webhook on before redelivering."]


def test_a_redelivered_event_is_retried_for_three_days_from_the_redelivery(
    receiver, subscriber, settings
):
    subscribe(subscriber, receiver.url)
    CredentialFactory(holder=subscriber)
    WebhookDelivery.objects.update(
        status=WebhookDelivery.Status.DELIVERED, delivered_at=NOON, leased_until=NOON
    )
    later = NOON + dt.timedelta(days=5)
    receiver.answer(500)
    services.redeliver(delivery=WebhookDelivery.objects.get(), by=subscriber.user, now=later)
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.next_attempt_at, delivery.delivered_at) == (
        "pending",
        later,
        None,
    )
    assert delivery.leased_until is None
    assert delivery.retry_until == later + dt.timedelta(hours=settings.WEBHOOKS_RETRY_HOURS)


def test_consent_is_given_once_and_withdrawn(subscriber):
    employer, other = organisation("Employer"), organisation("Other")
    first = services.give_consent(practitioner=subscriber, organisation=employer)
    assert services.give_consent(practitioner=subscriber, organisation=employer) == first
    services.give_consent(practitioner=subscriber, organisation=other)
    services.withdraw_consent(practitioner=subscriber, organisation=employer)
    assert list(OrganisationConsent.objects.values_list("organisation", flat=True)) == [other.pk]


def test_no_consent_can_be_given_to_an_organisation_that_left(subscriber):
    gone = organisation("Gone", is_active=False)
    with pytest.raises(ValidationError) as error:
        services.give_consent(practitioner=subscriber, organisation=gone)
    assert error.value.messages == ["This organisation no longer works with the tracker."]
    assert not OrganisationConsent.objects.exists()
