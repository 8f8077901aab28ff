"""Staff and trainer pages: clients for each role and a bulk filler for the query-count
tests (1 and 200 rows of everything a page lists)."""

import datetime
from decimal import Decimal

from certifications.models import (
    Attendance,
    Course,
    CourseSession,
    Credential,
    Enrollment,
    Practitioner,
    User,
)
from cspo_tracker.outbox.models import OutboundEmail
from renewals.models import Reminder, ReminderOffset, Renewal, RenewalCycle
from seus.models import SeuEntry
from tests.factories import (
    CourseFactory,
    CredentialFactory,
    PractitionerFactory,
    ProgramFactory,
    SeuCategoryFactory,
)

D = datetime.date
TODAY = D(2026, 6, 1)


def populate(n, *, trainer, today=TODAY):
    """`n` of everything staff and trainers list, made in bulk: practitioners (with a
    credential, an SEU entry, a renewal awaiting its fee, a failed reminder and a failed
    email each) and `n` open courses of `trainer`, the first with all `n` enrolled, two
    sessions each, attendance recorded for the first session. Returns the first course."""
    program = ProgramFactory(code="CSPO")
    users = User.objects.bulk_create(
        User(email=f"bulk{i}@example.com", first_name=f"Bulk{i}", last_name="Smith")
        for i in range(n)
    )
    people = Practitioner.objects.bulk_create(
        Practitioner(user=u, calendar_token=f"bulk-token-{u.pk}") for u in users
    )
    credentials = Credential.objects.bulk_create(
        Credential(
            holder=p,
            program=program,
            certificate_number=f"BULK-{i:05d}",
            issued_on=D(2024, 6, 1),
            expires_on=today + datetime.timedelta(days=i % 5),
        )
        for i, p in enumerate(people)
    )
    renewals = Renewal.objects.bulk_create(
        Renewal(
            practitioner=p,
            seus_required=Decimal("20"),
            fee_amount=Decimal("100"),
            fee_currency="USD",
            fee_status=Renewal.FeeStatus.PENDING,
            payment_reference=f"PAY{i}",
        )
        for i, p in enumerate(people)
    )
    cycles = RenewalCycle.objects.bulk_create(
        RenewalCycle(
            credential=c,
            window_starts_on=c.expires_on - datetime.timedelta(days=700),
            ends_on=c.expires_on,
            seus_required=Decimal("20"),
            seus_addon=Decimal("0"),
            fee_amount=Decimal("100"),
            fee_currency="USD",
            status=RenewalCycle.Status.SUBMITTED,
            renewal=r,
        )
        for c, r in zip(credentials, renewals, strict=True)
    )
    offset = ReminderOffset.objects.order_by("pk").first()
    Reminder.objects.bulk_create(
        Reminder(cycle=c, offset=offset, due_on=today, status=Reminder.Status.FAILED)
        for c in cycles
    )
    category = SeuCategoryFactory(code="E")
    SeuEntry.objects.bulk_create(
        SeuEntry(
            practitioner=p,
            earned_on=D(2026, 1, 15),
            category=category,
            activity=f"Talk {i}",
            seus=Decimal("4"),
        )
        for i, p in enumerate(people)
    )
    OutboundEmail.objects.bulk_create(
        OutboundEmail(
            template="welcome",
            key=f"bulk:{u.pk}",
            to=u.email,
            subject="Welcome",
            body_text="Hello",
            status=OutboundEmail.Status.FAILED,
        )
        for u in users
    )
    courses = Course.objects.bulk_create(
        Course(
            program=program,
            trainer=trainer,
            title=f"Bulk course {i}",
            starts_on=today - datetime.timedelta(days=1),
            ends_on=today,
            capacity=max(n, 1) + 5,
        )
        for i in range(n)
    )
    sessions = CourseSession.objects.bulk_create(
        CourseSession(course=c, position=pos, held_on=c.starts_on, hours=Decimal("8"))
        for c in courses
        for pos in (1, 2)
    )
    enrollments = Enrollment.objects.bulk_create(
        Enrollment(course=courses[0], practitioner=p) for p in people
    )
    Attendance.objects.bulk_create(
        Attendance(enrollment=e, session=sessions[0], hours_attended=Decimal("8"))
        for e in enrollments
    )
    return courses[0]


def a_practitioner_with_history(staff_user):
    """A practitioner with a credential (issued through the service) whose name staff
    corrected once: an audit entry by staff."""
    from staff import services

    holder = PractitionerFactory(user__first_name="Ada", user__last_name="Lovelace")
    CredentialFactory(holder=holder, issued_on=D(2025, 6, 1))
    services.correct_identity(
        practitioner=holder, first_name="Ada", last_name="King", email=holder.email, by=staff_user
    )
    return holder


__all__ = ["CourseFactory", "a_practitioner_with_history", "populate"]
