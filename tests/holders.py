"""A holder with personal data in every app, made through the services (webhook rows by
hand: a subscription's creation resolves its host, and an event's delivery would call
it). The privacy tests erase and export one; the permission matrix reads one's pages."""

import datetime
from dataclasses import dataclass

from allauth.account.models import EmailAddress
from django.core.files.uploadedfile import SimpleUploadedFile

from api import tokens
from api.models import IdempotentRequest
from certifications.courses.services import close_course
from certifications.models import Enrollment, Program
from certifications.vc.services import issue_signed_credential
from renewals import services as renewals
from renewals.audits import services as audits
from renewals.claims import services as claims
from seus.models import SeuCategory
from seus.services import create_seu_entry
from tests.factories import (
    EVIDENCE_PDF,
    EVIDENCE_PNG,
    CourseFactory,
    EnrollmentFactory,
    PractitionerFactory,
    ProgramFactory,
    activate_totp,
    course_with_attendees,
    credential_expiring,
    seus_for,
)
from webhooks.models import (
    EVENT_NAMES,
    DeliveryAttempt,
    WebhookDelivery,
    WebhookEvent,
    WebhookSubscription,
)

D = datetime.date
NOW = datetime.datetime(2026, 5, 1, 12, tzinfo=datetime.UTC)


def pdf(name="certificate.pdf"):
    return SimpleUploadedFile(name, EVIDENCE_PDF, content_type="application/pdf")


def webhook_subscription(user, *, scope="own", url="https://hooks.example.org/in"):
    return WebhookSubscription.objects.create(
        owner=user,
        scope=scope,
        url=url,
        events=EVENT_NAMES,
        secret="whsec_c2VjcmV0LXNlY3JldC1zZWNyZXQ=",
    )


def webhook_event(subscription, about_email, *, status="delivered", at=None):
    """An event about the practitioner with `about_email`, delivered (or not yet) to
    `subscription`, with one attempt in its log."""
    at = at or NOW
    event = WebhookEvent.objects.create(
        msg_id=f"msg_{WebhookEvent.objects.count() + 1:026d}",
        type="seu.created",
        payload={"type": "seu.created", "data": {"practitioner": {"email": about_email}}},
        created_at=at,
    )
    delivery = WebhookDelivery.objects.create(
        event=event,
        subscription=subscription,
        status=status,
        attempts=1,
        delivered_at=at if status == "delivered" else None,
        created_at=at,
    )
    DeliveryAttempt.objects.create(delivery=delivery, attempted_at=at, status_code=200)
    return event


@dataclass
class Holder:
    practitioner: object
    credential: object
    course_credential: object
    signed: object
    evidence_entry: object
    audit_item: object
    claim: object
    token: object
    subscription: object
    own_event: object
    organisation_event: object
    closed_enrollment: object
    planned_enrollment: object

    @property
    def user(self):
        return self.practitioner.user


def make_holder(first, last, email, *, staff, organisation_subscription):
    practitioner = PractitionerFactory(
        user__first_name=first, user__last_name=last, user__email=email
    )
    user = practitioner.user
    EmailAddress.objects.create(user=user, email=f"old.{email}", verified=True, primary=False)
    activate_totp(user)
    # A closed course that earned a CSD (before the CSPO, which closing would renew).
    course, enrollments = course_with_attendees(
        1, starts_on=D(2026, 3, 2), program=ProgramFactory(code="CSD", track="dev")
    )
    Enrollment.objects.filter(pk=enrollments[0].pk).update(practitioner=practitioner)
    course_credential = close_course(course=course).issued[0]
    planned_enrollment = EnrollmentFactory(
        practitioner=practitioner, course=CourseFactory(starts_on=D(2026, 9, 1))
    )
    credential = credential_expiring(D(2026, 6, 30), holder=practitioner)
    signed = issue_signed_credential(credential)
    seus_for(practitioner, 24, earned_on=D(2026, 1, 15))
    evidence_entry = create_seu_entry(
        practitioner=practitioner,
        earned_on=D(2026, 2, 3),
        category=SeuCategory.objects.get(code="C"),
        activity="Agile Tour talk",
        seus=2,
        evidence=pdf(),
    )
    renewal = renewals.submit_renewal(
        practitioner=practitioner, credentials=[credential], payment_reference="PAY-1"
    )
    audit = audits.select_for_audit(renewal=renewal, by=staff)
    item = audit.items.first()
    audits.send_evidence(
        item=item,
        practitioner=practitioner,
        evidence=SimpleUploadedFile("proof.png", EVIDENCE_PNG, content_type="image/png"),
    )
    claim = claims.submit_claim(
        practitioner=practitioner,
        program=Program.objects.get(code="CSPO"),
        certificate_number=f"OLD-{last.upper()}",
        issued_on=D(2024, 1, 10),
        evidence=pdf("old-certificate.pdf"),
    )
    token = tokens.create_token(name="LMS", scopes=["seus:read"], user=user).token
    IdempotentRequest.objects.create(
        owner=token.owner_key,
        key="k-1",
        request_hash="0" * 64,
        method="POST",
        path="/api/v1/seus",
        status_code=201,
        response_body={"practitioner": email},
    )
    subscription = webhook_subscription(user)
    return Holder(
        practitioner=practitioner,
        credential=credential,
        course_credential=course_credential,
        signed=signed,
        evidence_entry=evidence_entry,
        audit_item=item,
        claim=claim,
        token=token,
        subscription=subscription,
        own_event=webhook_event(subscription, email),
        organisation_event=webhook_event(organisation_subscription, email, status="pending"),
        closed_enrollment=enrollments[0],
        planned_enrollment=planned_enrollment,
    )
