"""factory-boy factories for the whole suite. Programs, SEU categories and reminder
offsets come from the data migrations; factories fetch them by code."""

import datetime
from decimal import Decimal

import factory
from factory.django import DjangoModelFactory

from certifications.issuing.services import issue_credential, new_certificate_number
from certifications.models import (
    Attendance,
    Course,
    CourseSession,
    Credential,
    Enrollment,
    Practitioner,
    Program,
    Trainer,
    User,
)
from seus.models import SeuCategory, SeuEntry

PASSWORD = "correct-horse-battery-staple"
# Staff and trainers sign in with a second factor; their factories give them a TOTP
# authenticator with this secret (and recovery codes). totp_code() is the current code.
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def totp_code(secret=TOTP_SECRET, at=None):
    """The authenticator app's code now (or at Unix time `at`), by allauth's own helpers."""
    import time

    from allauth.mfa import app_settings
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    counter = int(time.time() if at is None else at) // app_settings.TOTP_PERIOD
    return format_hotp_value(hotp_value(secret, counter))


def activate_totp(user, secret=TOTP_SECRET):
    """Give `user` a TOTP authenticator and recovery codes, as the MFA setup page does."""
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
    from allauth.mfa.totp.internal.auth import TOTP

    TOTP.activate(user, secret)
    return RecoveryCodes.activate(user)


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.com")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def verified(obj, create, extracted, **kwargs):
        """Users have a confirmed email address unless made with verified=False."""
        if create and extracted is not False:
            from allauth.account.models import EmailAddress

            obj.save()
            EmailAddress.objects.get_or_create(
                user=obj, email=obj.email, defaults={"verified": True, "primary": True}
            )


class StaffFactory(UserFactory):
    """Staff have two-factor sign-in set up unless made with totp=False."""

    is_staff = True
    is_superuser = True

    @factory.post_generation
    def totp(obj, create, extracted, **kwargs):
        if create and extracted is not False:
            activate_totp(obj)


class ProgramFactory(DjangoModelFactory):
    """The shipped CSPO by default; pass another code for a new program row."""

    class Meta:
        model = Program
        django_get_or_create = ("code",)

    code = "CSPO"
    name = factory.LazyAttribute(lambda o: f"Program {o.code}")


class PractitionerFactory(DjangoModelFactory):
    class Meta:
        model = Practitioner
        django_get_or_create = ("user",)

    user = factory.SubFactory(UserFactory)
    time_zone = "UTC"


class TrainerFactory(DjangoModelFactory):
    class Meta:
        model = Trainer
        skip_postgeneration_save = True

    user = factory.SubFactory(UserFactory)

    @factory.post_generation
    def totp(obj, create, extracted, **kwargs):
        """Trainers have two-factor sign-in set up unless made with totp=False."""
        if create and extracted is not False:
            activate_totp(obj.user)

    @factory.post_generation
    def programs(obj, create, extracted, **kwargs):
        if create:
            obj.programs.set(extracted if extracted is not None else [ProgramFactory()])


class CourseFactory(DjangoModelFactory):
    class Meta:
        model = Course

    program = factory.SubFactory(ProgramFactory)
    trainer = factory.SubFactory(TrainerFactory)
    title = factory.Sequence(lambda n: f"CSPO course {n}")
    starts_on = datetime.date(2026, 3, 2)
    ends_on = factory.LazyAttribute(lambda o: o.starts_on + datetime.timedelta(days=1))
    location = "Online"
    is_online = True
    capacity = 30


class CourseSessionFactory(DjangoModelFactory):
    class Meta:
        model = CourseSession

    course = factory.SubFactory(CourseFactory)
    position = factory.Sequence(lambda n: n + 1)
    held_on = factory.LazyAttribute(lambda o: o.course.starts_on)
    hours = Decimal("8")


class EnrollmentFactory(DjangoModelFactory):
    class Meta:
        model = Enrollment

    course = factory.SubFactory(CourseFactory)
    practitioner = factory.SubFactory(PractitionerFactory)


class AttendanceFactory(DjangoModelFactory):
    class Meta:
        model = Attendance

    enrollment = factory.SubFactory(EnrollmentFactory)
    session = factory.SubFactory(
        CourseSessionFactory, course=factory.SelfAttribute("..enrollment.course")
    )
    hours_attended = Decimal("8")


class CredentialFactory(DjangoModelFactory):
    """A credential issued through the service, so its first renewal cycle is open."""

    class Meta:
        model = Credential

    holder = factory.SubFactory(PractitionerFactory)
    program = factory.SubFactory(ProgramFactory)
    issued_on = datetime.date(2025, 6, 1)
    certificate_number = factory.LazyAttribute(lambda o: new_certificate_number(o.program))

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return issue_credential(**kwargs)


class SeuCategoryFactory(DjangoModelFactory):
    class Meta:
        model = SeuCategory
        django_get_or_create = ("code",)

    code = "E"
    name = factory.LazyAttribute(lambda o: f"Category {o.code}")


class SeuEntryFactory(DjangoModelFactory):
    class Meta:
        model = SeuEntry

    practitioner = factory.SubFactory(PractitionerFactory)
    earned_on = datetime.date(2026, 1, 15)
    category = factory.SubFactory(SeuCategoryFactory)
    activity = factory.Sequence(lambda n: f"Learning activity {n}")
    provider = "Agile Alliance"
    seus = Decimal("4")


def course_with_attendees(count, *, hours=("8", "8"), **course_fields):
    """A course with one session per entry of `hours` (8 h each) and `count` enrolled
    attendees who attended each session for those hours; returns (course, enrollments)."""
    course = CourseFactory(**course_fields)
    sessions = [
        CourseSessionFactory(
            course=course,
            position=i + 1,
            held_on=course.starts_on + datetime.timedelta(days=i),
        )
        for i in range(len(hours))
    ]
    enrollments = EnrollmentFactory.create_batch(count, course=course)
    Attendance.objects.bulk_create(
        Attendance(enrollment=e, session=s, hours_attended=Decimal(h))
        for e in enrollments
        for s, h in zip(sessions, hours, strict=True)
    )
    return course, enrollments


# --- Renewals ---------------------------------------------------------------


def credential_expiring(on, *, program="CSPO", holder=None, **kwargs):
    """A credential (with its open cycle) that expires on `on`, issued one validity before."""
    from certifications.dates import add_months

    program = ProgramFactory(code=program) if isinstance(program, str) else program
    holder = holder or PractitionerFactory()
    return CredentialFactory(
        holder=holder,
        program=program,
        issued_on=add_months(on, -program.validity_months),
        expires_on=on,
        **kwargs,
    )


def seus_for(holder, total, *, earned_on=datetime.date(2026, 1, 15), code="E"):
    """SEU entries worth `total` for `holder`, in entries of at most 8 (a day's cap)."""
    entries = []
    left = Decimal(total)
    while left > 0:
        amount = min(left, Decimal("8"))
        entries.append(
            SeuEntryFactory(
                practitioner=holder,
                earned_on=earned_on,
                seus=amount,
                category=SeuCategoryFactory(code=code),
            )
        )
        left -= amount
    return entries


# --- Evidence files: small, whole files of each accepted type ---------------------------


def pdf_bytes(*, pages=1, comment=b""):
    """A PDF that ends as the format requires (cross-reference table, trailer,
    startxref, %%EOF), with `comment` as a comment line after the header."""
    kids = " ".join(f"{3 + n} 0 R" for n in range(pages)).encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [" + kids + b"] /Count %d >>" % pages,
        *[b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>"] * pages,
    ]
    out = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n" + (b"%" + comment + b"\n" if comment else b"")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return out


def image_bytes(pillow_format, width=4, height=4):
    """A whole PNG or JPEG of the given size, drawn by Pillow."""
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (width, height), (200, 30, 30)).save(out, pillow_format)
    return out.getvalue()


EVIDENCE_PDF = pdf_bytes()
EVIDENCE_PNG = image_bytes("PNG")
EVIDENCE_JPEG = image_bytes("JPEG")
