"""factory-boy factories for the whole suite. Programs, SEU categories and reminder
offsets come from the data migrations; factories fetch them by code."""

import datetime
from decimal import Decimal

import factory
from factory.django import DjangoModelFactory

from certifications.issuing import issue_credential, new_certificate_number
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
    is_staff = True
    is_superuser = True


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


# --- Renewals (issue 5) ---------------------------------------------------------------


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
