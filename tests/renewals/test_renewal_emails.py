"""The three emails a renewal sends (renewals.services): the acknowledgement when it is
submitted, the rejection of its payment and the confirmation when it completes. Each
says what it is about (the renewal, its credentials, the fee, the reference), links to
the page where the holder acts next, and is stored once per renewal under its key."""

import datetime

import pytest
import time_machine
from django.conf import settings
from django.urls import reverse

from cspo_tracker.outbox.models import OutboundEmail
from renewals import services
from tests.factories import StaffFactory, credential_expiring, seus_for

pytestmark = pytest.mark.django_db

D = datetime.date
SUBMITTED_ON = D(2026, 5, 1)


def at(day):
    return time_machine.travel(
        datetime.datetime(day.year, day.month, day.day, 12, tzinfo=datetime.UTC), tick=False
    )


def submitted(holder, *credentials, reference="PAY-7", day=SUBMITTED_ON):
    with at(day):
        return services.submit_renewal(
            practitioner=holder, credentials=list(credentials), payment_reference=reference
        )


def test_the_acknowledgement_names_the_renewal_its_credentials_the_fee_and_the_reference(
    practitioner,
):
    cspo = credential_expiring(D(2026, 6, 30), holder=practitioner)
    csm = credential_expiring(D(2026, 6, 30), program="CSM", holder=practitioner)
    seus_for(practitioner, 30)
    practitioner.user.first_name, practitioner.user.last_name = "Ada", "Lovelace"
    practitioner.user.save()
    renewal = submitted(practitioner, cspo, csm)
    email = OutboundEmail.objects.get(template="renewal_received")
    assert (email.key, email.to) == (f"renewal_received:{renewal.pk}", practitioner.email)
    body = " ".join(email.body_text.split())
    assert body.startswith("Hello Ada Lovelace,")
    assert (
        f"We received your renewal #{renewal.pk} of CSPO {cspo.certificate_number}, "
        f"CSM {csm.certificate_number} with the US$100 fee (payment reference PAY-7)."
    ) in body
    assert "Staff now confirm your payment. You will get an email" in body
    assert f"Your renewals: {settings.SITE_URL}{reverse('renewals:mine')}" in body


def test_the_acknowledgement_of_a_lapsed_credentials_renewal_says_staff_review_it(
    practitioner,
):
    credential = credential_expiring(D(2026, 6, 30), holder=practitioner)
    seus_for(practitioner, 20, earned_on=D(2026, 3, 1))
    submitted(practitioner, credential, day=D(2026, 9, 29))  # 91 days after expiry
    email = OutboundEmail.objects.get(template="renewal_received")
    body = " ".join(email.body_text.split())
    assert "review the renewal of your lapsed credential" in body


def test_the_rejection_gives_the_reason_and_links_to_submit_again(practitioner):
    credential = credential_expiring(D(2026, 6, 30), holder=practitioner)
    seus_for(practitioner, 20)
    renewal = submitted(practitioner, credential, reference="BAD-1")
    with at(D(2026, 5, 2)):
        services.reject_fee(renewal=renewal, by=StaffFactory(), reason="No such payment")
    email = OutboundEmail.objects.get(template="renewal_rejected")
    assert (email.key, email.to) == (f"renewal_rejected:{renewal.pk}", practitioner.email)
    body = " ".join(email.body_text.split())
    assert "We could not confirm the payment for your renewal (reference BAD-1)." in body
    assert "Reason: No such payment" in body
    assert (
        "Your credentials are open for renewal again: "
        f"{settings.SITE_URL}{reverse('renewals:submit')}"
    ) in body


def test_the_confirmation_gives_each_new_expiry_the_fee_and_a_link_to_the_dashboard(
    practitioner,
):
    cspo = credential_expiring(D(2026, 6, 30), holder=practitioner)
    csm = credential_expiring(D(2026, 8, 15), program="CSM", holder=practitioner)
    seus_for(practitioner, 30)
    renewal = submitted(practitioner, cspo, csm)
    with at(D(2026, 5, 2)):
        services.confirm_fee(renewal=renewal, by=StaffFactory())
    email = OutboundEmail.objects.get(template="renewal_confirmation")
    assert (email.key, email.to) == (f"renewal_confirmation:{renewal.pk}", practitioner.email)
    body = " ".join(email.body_text.split())
    assert "Your renewal is complete. Fee received: US$100 (reference PAY-7)." in body
    first, second = body.index(cspo.certificate_number), body.index(csm.certificate_number)
    assert first < second
    assert f"({cspo.certificate_number}): valid until 30 Jun 2028" in body
    assert f"({csm.certificate_number}): valid until 15 Aug 2028" in body
    assert f"Your dashboard: {settings.SITE_URL}{reverse('dashboard')}" in body


@pytest.mark.parametrize(
    "send",
    [
        services.enqueue_renewal_received,
        services.enqueue_renewal_rejected,
        services.enqueue_renewal_confirmation,
    ],
    ids=["acknowledgement", "rejection", "confirmation"],
)
def test_each_renewal_email_is_stored_once_however_often_it_is_enqueued(practitioner, send):
    credential = credential_expiring(D(2026, 6, 30), holder=practitioner)
    seus_for(practitioner, 20)
    renewal = submitted(practitioner, credential)
    with at(D(2026, 5, 2)):
        first = send(renewal)
        again = send(renewal)
    assert again.pk == first.pk
    assert OutboundEmail.objects.filter(template=first.template).count() == 1
