"""Demo data for a fresh install: idempotent, dated relative to today. It lives in its own
app above the others because it makes courses, credentials, SEU entries and renewals
alike."""

from datetime import timedelta
from decimal import Decimal

from allauth.account.models import EmailAddress
from django.db import transaction
from django.utils import timezone

from certifications.dates import add_months
from certifications.issuing.services import issue_credential
from certifications.models import (
    Attendance,
    Course,
    CourseSession,
    Credential,
    Enrollment,
    Program,
    Trainer,
)
from certifications.services import get_or_create_practitioner
from seus.models import SeuCategory, SeuEntry

DEMO_PASSWORD = "cspo-demo-2026"
DEMO_EMAIL = "demo@example.com"
STAFF_EMAIL = "admin@example.com"
TRAINER_EMAIL = "trainer@example.com"
# Staff and trainers sign in with a second factor (certifications/mfa.py). The demo's
# staff and trainer share this published TOTP secret: add it to an authenticator app
# (seed_demo prints it as an otpauth:// URI) or compute a code with demo_totp_code().
# A demo value only, like DEMO_PASSWORD: production users set up their own.
DEMO_TOTP_SECRET = "CSPODEMOCSPODEMOCSPODEMOCSPODEMO"


def _login(email, *, first_name, last_name, is_staff=False, is_superuser=False):
    practitioner, created = get_or_create_practitioner(
        email=email, first_name=first_name, last_name=last_name
    )
    user = practitioner.user
    if created or not user.has_usable_password():
        user.set_password(DEMO_PASSWORD)
        user.is_staff, user.is_superuser = is_staff, is_superuser
        user.save()
    EmailAddress.objects.get_or_create(
        user=user, email=user.email, defaults={"verified": True, "primary": True}
    )
    return practitioner


def _demo_second_factor(user):
    """The demo TOTP authenticator (and recovery codes), once."""
    from allauth.mfa.models import Authenticator
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
    from allauth.mfa.totp.internal.auth import TOTP

    if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
        TOTP.activate(user, DEMO_TOTP_SECRET)
        RecoveryCodes.activate(user)


def demo_totp_uri(email):
    """The otpauth:// URI an authenticator app imports (as a QR code or pasted)."""
    from allauth.mfa.adapter import get_adapter

    from certifications.models import User

    return get_adapter().build_totp_url(User.objects.get(email=email), DEMO_TOTP_SECRET)


def _credential(holder, program, number, issued_on, course=None):
    existing = Credential.objects.filter(certificate_number=number).first()
    if existing:
        return existing, False
    credential = issue_credential(
        holder=holder,
        program=program,
        issued_on=issued_on,
        course=course,
        certificate_number=number,
    )
    return credential, True


def _seus(practitioner, entries):
    created = 0
    for earned_on, code, activity, seus in entries:
        _entry, made = SeuEntry.objects.get_or_create(
            practitioner=practitioner,
            earned_on=earned_on,
            activity=activity,
            defaults={"category": SeuCategory.objects.get(code=code), "seus": Decimal(seus)},
        )
        created += made
    return created


@transaction.atomic
def seed_demo(today=None):
    """Create the demo world once; a second run creates nothing. Returns counts."""
    today = today or timezone.localdate()
    cspo = Program.objects.get(code="CSPO")
    csm = Program.objects.get(code="CSM")
    counts = {"credentials": 0, "seu_entries": 0}

    staff_profile = _login(
        STAFF_EMAIL, first_name="Ada", last_name="Admin", is_staff=True, is_superuser=True
    )
    trainer_profile = _login(TRAINER_EMAIL, first_name="Toni", last_name="Trainer")
    for profile in (staff_profile, trainer_profile):
        _demo_second_factor(profile.user)
    trainer, _ = Trainer.objects.get_or_create(user=trainer_profile.user)
    trainer.programs.add(cspo)

    # A finished two-day CSPO course, three weeks ago, with attendance recorded.
    starts_on = today - timedelta(days=21)
    course, _ = Course.objects.get_or_create(
        title="CSPO (demo cohort)",
        program=cspo,
        trainer=trainer,
        defaults={
            "starts_on": starts_on,
            "ends_on": starts_on + timedelta(days=1),
            "location": "Online",
            "is_online": True,
            "capacity": 20,
        },
    )
    sessions = [
        CourseSession.objects.get_or_create(
            course=course,
            position=i + 1,
            defaults={"held_on": course.starts_on + timedelta(days=i), "hours": Decimal("8")},
        )[0]
        for i in range(cspo.default_session_count)
    ]
    attendees = [
        ("fresh.fiona@example.com", "Fiona", "Fresh", Decimal("8")),
        ("fresh.felix@example.com", "Felix", "Fresh", Decimal("8")),
        ("partial.pat@example.com", "Pat", "Partial", Decimal("4")),
    ]
    for position, (email, first, last, day_two_hours) in enumerate(attendees, start=1):
        person = _login(email, first_name=first, last_name=last)
        enrollment, _ = Enrollment.objects.get_or_create(course=course, practitioner=person)
        for session in sessions:
            hours = session.hours if session.position == 1 else day_two_hours
            Attendance.objects.get_or_create(
                enrollment=enrollment, session=session, defaults={"hours_attended": hours}
            )
        # The course is closed by hand below, so its outcome is written as closing
        # writes it (the reports' completion reads Enrollment.completed).
        completed = day_two_hours == sessions[-1].hours
        if enrollment.completed != completed:
            enrollment.completed = completed
            enrollment.save(update_fields=["completed"])
        if completed:
            counts["credentials"] += _credential(
                person, cspo, f"CSPO-DEMO{position:05d}", course.ends_on, course
            )[1]
    if course.status != Course.Status.CLOSED:
        course.status, course.closed_at = Course.Status.CLOSED, timezone.now()
        course.save(update_fields=["status", "closed_at"])

    # The demo login: a CSPO due soon with 14 of 20 SEUs, and a CSM halfway through.
    demo = _login(DEMO_EMAIL, first_name="Dana", last_name="Demo")
    cspo_issued = add_months(today + timedelta(days=45), -cspo.validity_months)
    counts["credentials"] += _credential(demo, cspo, "CSPO-DEMO10001", cspo_issued)[1]
    counts["credentials"] += _credential(demo, csm, "CSM-DEMO10002", add_months(today, -12))[1]
    counts["seu_entries"] += _seus(
        demo,
        [
            (today - timedelta(days=300), "C", "Agile product conference", "8"),
            (today - timedelta(days=200), "E", "Book: Escaping the Build Trap", "4"),
            (today - timedelta(days=40), "F", "Product owner meetup", "2"),
        ],
    )

    # Someone in grace and someone lapsed.
    grace = _login("grace.gil@example.com", first_name="Gil", last_name="Grace")
    counts["credentials"] += _credential(
        grace, cspo, "CSPO-DEMO20001", add_months(today - timedelta(days=20), -24)
    )[1]
    counts["seu_entries"] += _seus(
        grace, [(today - timedelta(days=400), "B", "Scrum Alliance coaching", "6")]
    )
    lapsed = _login("lapsed.lou@example.com", first_name="Lou", last_name="Lapsed")
    counts["credentials"] += _credential(
        lapsed, cspo, "CSPO-DEMO20002", add_months(today - timedelta(days=150), -24)
    )[1]
    return counts
