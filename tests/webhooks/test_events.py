"""Which changes become webhook events, and who receives them. Deliveries are not
sent here (the test transaction never commits): the rows written are the proof."""

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from certifications.models import Organisation
from certifications.vc.services import revoke_credential
from renewals import services as renewals
from renewals.models import Reminder
from renewals.sweep import services as sweep
from seus.services import create_seu_entry
from tests.factories import (
    CredentialFactory,
    PractitionerFactory,
    SeuCategoryFactory,
    SeuEntryFactory,
    StaffFactory,
    credential_expiring,
)
from webhooks import services as webhooks
from webhooks.models import EVENT_NAMES, WebhookDelivery, WebhookEvent

from .conftest import subscribe

pytestmark = pytest.mark.django_db
D = dt.date
EXPIRES = D(2026, 6, 30)
URL = "https://hooks.example.com/in"


@pytest.fixture(autouse=True)
def _public_dns(fake_dns, strict):
    fake_dns["hooks.example.com"] = ["93.184.216.34"]


def log_seus(practitioner, amount, *, day=None):
    return create_seu_entry(
        practitioner=practitioner,
        earned_on=day or D(2026, 1, 15),
        category=SeuCategoryFactory(code="E"),
        activity="Conference talk",
        seus=amount,
    )


def types_for(subscription):
    return list(
        WebhookDelivery.objects.filter(subscription=subscription)
        .order_by("pk")
        .values_list("event__type", flat=True)
    )


def test_each_change_is_one_event_with_its_payload(subscriber):
    subscription = subscribe(subscriber, URL)
    credential = credential_expiring(EXPIRES, holder=subscriber)
    for day in (D(2026, 1, 15), D(2026, 1, 16), D(2026, 1, 17)):
        log_seus(subscriber, 8 if day.day < 17 else 4, day=day)
    with time_machine.travel(dt.datetime(2026, 5, 1, 12, tzinfo=dt.UTC), tick=False):
        renewal = renewals.submit_renewal(
            practitioner=subscriber, credentials=[credential], payment_reference="PAY-1"
        )
        renewals.confirm_fee(renewal=renewal, by=StaffFactory())  # completes it: renewed
    revoke_credential(credential=credential, by=StaffFactory(), reason="Falsified attendance")
    assert types_for(subscription) == [
        "credential.issued",
        "seu.created",
        "seu.created",
        "seu.created",
        "renewal.submitted",
        "credential.renewed",
        "credential.revoked",
    ]
    payloads = {e.type: e.payload for e in WebhookEvent.objects.all()}
    assert payloads["renewal.submitted"]["data"]["renewal"]["credentials"] == [
        credential.certificate_number
    ]
    assert payloads["credential.renewed"]["data"]["credential"]["expires_on"] == "2028-06-30"
    assert payloads["credential.revoked"]["data"]["credential"]["status"] == "revoked"
    assert payloads["seu.created"]["data"]["seu"]["seus"] == "8.00"
    assert payloads["seu.created"]["data"]["practitioner"]["email"] == subscriber.user.email
    ids = WebhookEvent.objects.values_list("msg_id", flat=True)
    assert len(set(ids)) == len(ids) == 7


def test_the_sweep_reports_renewal_due_expired_and_lapsed_for_a_set_of_credentials():
    staff = StaffFactory()
    organisation = subscribe(staff, URL, scope="organisation")
    credentials = [credential_expiring(EXPIRES) for _ in range(6)]
    WebhookEvent.objects.all().delete()
    for today, expected in [
        (EXPIRES - dt.timedelta(days=20), "credential.renewal_due"),
        (EXPIRES + dt.timedelta(days=1), "credential.expired"),
        (EXPIRES + dt.timedelta(days=400), "credential.lapsed"),
    ]:
        sweep.run_sweep(today=today, dispatch=lambda ids, result: None)
        events = WebhookEvent.objects.filter(type=expected)
        assert events.count() == len(credentials)
        assert {e.payload["data"]["credential"]["certificate_number"] for e in events} == {
            c.certificate_number for c in credentials
        }
    sweep.run_sweep(today=EXPIRES + dt.timedelta(days=400), dispatch=lambda ids, r: None)
    assert WebhookDelivery.objects.filter(subscription=organisation).count() == 18  # no repeat


def test_the_sweeps_events_cost_the_same_queries_for_many_credentials():
    """Set-based: the events for a batch of credentials changing status cost a fixed
    number of queries, whatever the batch holds."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    subscribe(StaffFactory(), URL, scope="organisation")

    def queries_for(count):
        for _ in range(count):
            credential_expiring(EXPIRES)
        with CaptureQueriesContext(connection) as captured:
            sweep.run_sweep(
                today=EXPIRES - dt.timedelta(days=20), dispatch=lambda ids, result: None
            )
        assert WebhookEvent.objects.filter(type="credential.renewal_due").count() == count
        WebhookEvent.objects.all().delete()
        # Each round starts from unclaimed reminders, so it runs the same statements.
        Reminder.objects.all().delete()
        return len(captured)

    few = queries_for(2)
    many = queries_for(30)
    assert many == few


def test_a_practitioner_receives_only_their_own_events_and_staff_all(subscriber):
    other = PractitionerFactory()
    mine = subscribe(subscriber, URL)
    theirs = subscribe(other, URL)
    organisation = subscribe(StaffFactory(), URL, scope="organisation")
    CredentialFactory(holder=subscriber)
    log_seus(other, 2)
    assert types_for(mine) == ["credential.issued"]
    assert types_for(theirs) == ["seu.created"]
    assert types_for(organisation) == ["credential.issued", "seu.created"]


def test_a_subscription_receives_only_the_events_it_chose_and_nothing_when_off(subscriber):
    from webhooks import services

    only_seus = subscribe(subscriber, URL, events=["seu.created"])
    off = subscribe(subscriber, URL)
    services.set_active(subscription=off, active=False, by=subscriber.user)
    CredentialFactory(holder=subscriber)
    log_seus(subscriber, 4)
    assert types_for(only_seus) == ["seu.created"]
    assert types_for(off) == []


def test_no_subscription_no_event(subscriber):
    CredentialFactory(holder=subscriber)
    assert not WebhookEvent.objects.exists()


def test_a_non_staff_organisation_subscription_receives_nothing_but_its_owners():
    """Organisation scope counts only while its owner is staff."""
    former = StaffFactory()
    organisation = subscribe(former, URL, scope="organisation")
    former.is_staff = False
    former.save()
    CredentialFactory(holder=PractitionerFactory())
    assert types_for(organisation) == []


def test_closing_a_course_announces_each_credential_issued_in_constant_queries(
    django_assert_max_num_queries,
):
    from certifications.courses.services import close_course
    from tests.factories import course_with_attendees

    organisation = subscribe(StaffFactory(), URL, scope="organisation")

    def close(size):
        course, _enrollments = course_with_attendees(size, capacity=size)
        with CaptureQueriesContext(connection) as captured:
            result = close_course(course=course)
        return result, len(captured)

    close(1)  # warm per-process caches
    small, few = close(2)
    large, many = close(20)
    assert many == few
    issued = WebhookEvent.objects.filter(type="credential.issued")
    numbers = {e.payload["data"]["credential"]["certificate_number"] for e in issued}
    assert {c.certificate_number for c in large.issued + small.issued} <= numbers
    assert types_for(organisation).count("credential.issued") == 1 + 2 + 20


def test_an_import_announces_each_credential_issued():
    from certifications.issuing.services import ToIssue, issue_credentials_bulk
    from tests.factories import ProgramFactory

    organisation = subscribe(StaffFactory(), URL, scope="organisation")
    holders = [PractitionerFactory() for _ in range(3)]
    program = ProgramFactory(code="CSPO")
    issue_credentials_bulk(
        items=[ToIssue(holder_id=h.pk, program=program, issued_on=D(2026, 3, 3)) for h in holders]
    )
    assert types_for(organisation) == ["credential.issued"] * 3


def organisation_hook(name):
    organisation = Organisation.objects.create(name=name, slug=name.lower())
    subscription = webhooks.create_subscription(
        organisation=organisation, url=URL, events=EVENT_NAMES
    )
    return organisation, subscription


def test_an_organisations_webhook_hears_only_about_the_people_it_reported():
    conference, hook = organisation_hook("Conference")
    other, _other_hook = organisation_hook("Elsewhere")
    attendee, stranger, theirs = PractitionerFactory.create_batch(3)
    SeuEntryFactory(practitioner=attendee, reported_by=conference, provider_reference="r1")
    SeuEntryFactory(practitioner=theirs, reported_by=other, provider_reference="r1")
    for person in (attendee, stranger, theirs):
        CredentialFactory(holder=person)
        log_seus(person, 2)
    assert types_for(hook) == ["credential.issued", "seu.created"]
    payloads = WebhookDelivery.objects.filter(subscription=hook).values_list(
        "event__payload", flat=True
    )
    sent = str(list(payloads))
    assert attendee.user.email in sent
    assert stranger.user.email not in sent and theirs.user.email not in sent
    staff_hook = subscribe(StaffFactory(), URL, scope="organisation")
    CredentialFactory(holder=stranger)
    assert types_for(staff_hook) == ["credential.issued"]  # the certifying body's own: all
    assert types_for(hook) == ["credential.issued", "seu.created"]  # still nothing new


def test_an_organisation_hears_about_a_person_from_the_report_that_introduces_them():
    from seus.provider_reports import ReportedRow, report_seus

    conference, hook = organisation_hook("Conference")
    person = PractitionerFactory()
    row = ReportedRow(
        email=person.user.email,
        reference="talk-1",
        earned_on=D(2026, 1, 15),
        category=SeuCategoryFactory(code="E"),
        activity="Keynote",
        seus=2,
    )
    (result,) = report_seus(organisation=conference, rows=[row])
    assert result.status == "created", result.errors
    assert types_for(hook) == ["seu.created"]


def test_a_practitioner_who_consents_is_heard_about_until_they_withdraw(client):
    employer, hook = organisation_hook("Employer")
    person = PractitionerFactory()
    client.force_login(person.user)
    page = client.get("/profile/webhooks/organisations/")
    assert "Employer" in page.content.decode()
    CredentialFactory(holder=person)
    assert types_for(hook) == []  # no report, no consent: nothing
    response = client.post(
        "/profile/webhooks/organisations/", {"organisation": employer.pk, "consent": "1"}
    )
    assert response.status_code == 302
    assert "Receives my events" in client.get(response.url).content.decode()
    CredentialFactory(holder=person)
    assert types_for(hook) == ["credential.issued"]
    client.post("/profile/webhooks/organisations/", {"organisation": employer.pk, "consent": "0"})
    CredentialFactory(holder=person)
    assert types_for(hook) == ["credential.issued"]  # withdrawn: nothing new


def test_consent_to_a_missing_organisation_is_not_found_and_changes_nothing(client):
    from webhooks.models import OrganisationConsent

    client.force_login(PractitionerFactory().user)
    response = client.post("/profile/webhooks/organisations/", {"organisation": "x"})
    assert response.status_code == 404
    for missing in (999999, "\u00b2", "9" * 40):
        response = client.post("/profile/webhooks/organisations/", {"organisation": missing})
        assert response.status_code == 404
    assert not OrganisationConsent.objects.exists()


def test_erasing_an_account_withdraws_its_consents():
    from cspo_tracker.privacy import Person
    from webhooks.models import OrganisationConsent
    from webhooks.privacy import erase

    employer, _hook = organisation_hook("Employer")
    person, other = PractitionerFactory.create_batch(2)
    for practitioner in (person, other):
        webhooks.give_consent(practitioner=practitioner, organisation=employer)
    erase(Person(user_id=person.user_id, emails=(person.user.email,)))
    assert list(OrganisationConsent.objects.values_list("practitioner", flat=True)) == [other.pk]
