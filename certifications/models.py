"""Programs, people, courses, attendance and credentials.

Program rules (validity, SEUs, fee, grace, attendance) are data on the Program row,
so another certification is a new row, not new code (docs/domain.md).
"""

import secrets
import zoneinfo
from datetime import timedelta
from decimal import Decimal
from functools import cache

from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Upper
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .dates import EARLIEST_DATE, LATEST_DATE, add_months, validate_sane_date


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)


class User(AbstractUser):
    """A login. The email address is the username."""

    username = None
    email = models.EmailField(gettext_lazy("email address"), unique=True)
    # The address the mail provider reported as bouncing or complaining (the outbox's
    # suppression list). The "we can't reach you" banner shows while it is still the
    # account's email: a new address clears the banner by itself.
    unreachable_email = models.EmailField(blank=True, editable=False)
    # The language pages and emails speak to this person in (settings.LANGUAGES); blank
    # follows the browser, and emails fall back to settings.LANGUAGE_CODE
    # (cspo_tracker/i18n.py).
    language = models.CharField("language", max_length=10, blank=True, choices=settings.LANGUAGES)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = []

    objects = UserManager()

    def __str__(self):
        return self.email

    @property
    def email_unreachable(self):
        return bool(self.unreachable_email) and self.unreachable_email.lower() == self.email.lower()


class Program(models.Model):
    """A certification and its rules, as data (docs/domain.md, "Programs and levels")."""

    class Level(models.IntegerChoices):
        FOUNDATIONAL = 1, gettext_lazy("Foundational")
        ADVANCED = 2, gettext_lazy("Advanced")
        PROFESSIONAL = 3, gettext_lazy("Professional")

    class Track(models.TextChoices):
        SCRUM_MASTER = "sm", gettext_lazy("Scrum Master")
        PRODUCT_OWNER = "po", gettext_lazy("Product Owner")
        DEVELOPER = "dev", gettext_lazy("Developer")
        GENERAL = "general", gettext_lazy("General")

    code = models.SlugField(max_length=20, unique=True, help_text=gettext_lazy("For example CSPO."))
    name = models.CharField(max_length=120)
    issuing_body = models.CharField(max_length=120, default="Scrum Alliance")
    level = models.PositiveSmallIntegerField(choices=Level.choices, default=Level.FOUNDATIONAL)
    track = models.CharField(max_length=10, choices=Track.choices, default=Track.GENERAL)
    validity_months = models.PositiveSmallIntegerField(default=24)
    lookback_months = models.PositiveSmallIntegerField(
        default=24,
        help_text=gettext_lazy("SEUs count when earned this many months before the expiry date."),
    )
    seus_required = models.DecimalField(
        gettext_lazy("SEUs required (primary)"),
        max_digits=6,
        decimal_places=2,
        default=Decimal("20"),
    )
    seus_addon = models.DecimalField(
        gettext_lazy("SEUs required (add-on)"),
        max_digits=6,
        decimal_places=2,
        default=Decimal("10"),
        help_text=gettext_lazy("SEUs this program adds when renewed together with a higher one."),
    )
    renewal_fee = models.DecimalField(max_digits=8, decimal_places=2, default=Decimal("100"))
    fee_currency = models.CharField(max_length=3, default="USD")
    grace_days = models.PositiveSmallIntegerField(default=90)
    renewal_opens_after_days = models.PositiveSmallIntegerField(default=30)
    reminder_lead_days = models.PositiveSmallIntegerField(
        default=90,
        help_text=gettext_lazy("A credential is 'renewal due' this many days before expiry."),
    )
    course_hours_required = models.DecimalField(
        max_digits=5, decimal_places=2, default=Decimal("16")
    )
    course_requires_all_sessions = models.BooleanField(default=True)
    default_session_count = models.PositiveSmallIntegerField(default=2)
    default_session_hours = models.DecimalField(
        max_digits=4, decimal_places=2, default=Decimal("8")
    )
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["level", "code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(validity_months__gt=0), name="program_validity_positive"
            ),
            models.CheckConstraint(
                condition=Q(lookback_months__gt=0), name="program_lookback_positive"
            ),
            models.CheckConstraint(
                condition=Q(seus_required__gte=0, seus_addon__gte=0),
                name="program_seus_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(renewal_fee__gte=0), name="program_fee_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(course_hours_required__gt=0), name="program_course_hours_positive"
            ),
        ]

    def __str__(self):
        return self.code

    def expiry_for(self, issued_on):
        """A credential issued on this date expires after validity_months calendar months."""
        return add_months(issued_on, self.validity_months)


@cache
def time_zone_names():
    """The IANA time zone names this Python knows."""
    return frozenset(zoneinfo.available_timezones())


def validate_time_zone(value):
    """A practitioner's 'today' is computed in this zone, so it must be a known one."""
    if value not in time_zone_names():
        raise ValidationError(
            _("'%(value)s' is not a known time zone; use a name such as Europe/Berlin."),
            code="unknown_time_zone",
            params={"value": value},
        )


class Practitioner(models.Model):
    """The profile of a person who holds or seeks credentials."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="practitioner"
    )
    time_zone = models.CharField(max_length=64, default="UTC", validators=[validate_time_zone])
    member_id = models.CharField(max_length=40, blank=True)
    optional_reminders = models.BooleanField(
        default=True,
        help_text=gettext_lazy(
            "Send the optional renewal reminders (the expiry notice is always sent)."
        ),
    )
    calendar_token = models.CharField(max_length=43, unique=True, default=secrets.token_urlsafe)
    created_at = models.DateTimeField(auto_now_add=True)
    erased_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text=gettext_lazy(
            "When the holder erased their account: the credentials stay in the "
            "registry without a name (certifications/privacy.py)."
        ),
    )

    class Meta:
        ordering = ["user__last_name", "user__first_name", "user__email"]
        constraints = [
            models.UniqueConstraint(
                fields=["member_id"],
                condition=~Q(member_id=""),
                name="practitioner_member_id_unique",
            )
        ]

    def __str__(self):
        return self.full_name or self.user.email

    @property
    def full_name(self):
        """ "Ada Lovelace", or "" when no name was given (certifications.names)."""
        from .models import display_name

        return display_name(self.user)

    @property
    def email(self):
        return self.user.email


class Trainer(models.Model):
    """A Certified Scrum Trainer (CST) and the programs they are approved to teach."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="trainer"
    )
    programs = models.ManyToManyField(Program, related_name="trainers", blank=True)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["user__last_name", "user__first_name"]

    def __str__(self):
        return self.user.get_full_name() or self.user.email


class Course(models.Model):
    """A CST-led course for one program; completing it earns that program's credential."""

    class Status(models.TextChoices):
        PLANNED = "planned", gettext_lazy("Planned")
        CLOSED = "closed", gettext_lazy("Closed")

    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="courses")
    trainer = models.ForeignKey(Trainer, on_delete=models.PROTECT, related_name="courses")
    title = models.CharField(max_length=200)
    starts_on = models.DateField(validators=[validate_sane_date])
    ends_on = models.DateField(validators=[validate_sane_date])
    is_online = models.BooleanField(default=False)
    location = models.CharField(max_length=200, blank=True)
    capacity = models.PositiveSmallIntegerField(default=30)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PLANNED)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=gettext_lazy("Who first closed the course."),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-starts_on", "title"]
        # The reports' course table, newest first (course_completion_report's order), and
        # a trainer's course list in the same order: the page and its capped count read
        # only that trainer's courses, not every course in order until theirs turn up.
        indexes = [
            models.Index(F("starts_on").desc(), "title", "id", name="course_report_page_order"),
            models.Index(
                "trainer", F("starts_on").desc(), "title", "id", name="course_trainer_page_order"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")), name="course_ends_after_start"
            ),
            models.CheckConstraint(condition=Q(capacity__gt=0), name="course_capacity_positive"),
        ]

    def __str__(self):
        return f"{self.title} ({self.starts_on:%Y-%m-%d})"


class CourseSession(models.Model):
    """One day (or part) of a course, with the hours of instruction it carries."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="sessions")
    held_on = models.DateField(validators=[validate_sane_date])
    position = models.PositiveSmallIntegerField(default=1)
    hours = models.DecimalField(max_digits=4, decimal_places=2, default=Decimal("8"))

    class Meta:
        ordering = ["course", "position", "held_on"]
        constraints = [
            models.UniqueConstraint(fields=["course", "position"], name="session_position_unique"),
            models.CheckConstraint(condition=Q(hours__gt=0), name="session_hours_positive"),
        ]

    def __str__(self):
        return f"{self.course} session {self.position}"


class Enrollment(models.Model):
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="enrollments")
    practitioner = models.ForeignKey(
        Practitioner, on_delete=models.CASCADE, related_name="enrollments"
    )
    enrolled_at = models.DateTimeField(auto_now_add=True)
    # Whether the attendee met the attendance rule, recorded when the course closes
    # (None before): the reports count completions from it, credential issued or not.
    completed = models.BooleanField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["course", "practitioner__user__last_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["course", "practitioner"], name="enrollment_once_per_course"
            )
        ]

    def __str__(self):
        return f"{self.practitioner} in {self.course}"


class Attendance(models.Model):
    """Hours an enrolled person attended one session."""

    enrollment = models.ForeignKey(Enrollment, on_delete=models.CASCADE, related_name="attendance")
    session = models.ForeignKey(CourseSession, on_delete=models.CASCADE, related_name="attendance")
    hours_attended = models.DecimalField(max_digits=4, decimal_places=2, default=Decimal("0"))
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["enrollment", "session"], name="attendance_once_per_session"
            ),
            models.CheckConstraint(
                condition=Q(hours_attended__gte=0), name="attendance_hours_not_negative"
            ),
        ]

    def __str__(self):
        return f"{self.enrollment} / {self.session}: {self.hours_attended} h"


# One alphabet for certificate numbers, everywhere: URLs (/verify/<number>/), PDF file
# names and email headers can carry them safely. Numbers are stored in capitals.
CERTIFICATE_NUMBER_PATTERN = r"^[A-Z0-9][A-Z0-9-]{0,31}$"
validate_certificate_number = RegexValidator(
    CERTIFICATE_NUMBER_PATTERN,
    gettext_lazy(
        "A certificate number has 1 to 32 capital letters, digits and hyphens "
        "(it starts with a letter or digit)."
    ),
    code="certificate_number_alphabet",
)


class CredentialQuerySet(models.QuerySet):
    def with_related(self):
        return self.select_related("program", "holder__user", "course")


class Credential(models.Model):
    """A certification held by a practitioner, valid until expires_on."""

    class Status(models.TextChoices):
        ACTIVE = "active", gettext_lazy("Active")
        RENEWAL_DUE = "renewal_due", gettext_lazy("Renewal due")
        GRACE = "grace", gettext_lazy("Grace period")
        LAPSED = "lapsed", gettext_lazy("Lapsed")

    holder = models.ForeignKey(Practitioner, on_delete=models.PROTECT, related_name="credentials")
    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="credentials")
    certificate_number = models.CharField(
        max_length=32,
        unique=True,
        validators=[validate_certificate_number],
        help_text=gettext_lazy("Capital letters, digits and hyphens, e.g. CSPO-7F3A9C21B4."),
    )
    issued_on = models.DateField(validators=[validate_sane_date])
    expires_on = models.DateField(validators=[validate_sane_date])
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.ACTIVE)
    status_changed_on = models.DateField(null=True, blank=True)
    course = models.ForeignKey(
        Course, on_delete=models.PROTECT, null=True, blank=True, related_name="credentials"
    )
    revoked_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text=gettext_lazy(
            "Set by revoking (certifications.vc.services.revoke_credential), for good."
        ),
    )
    revoked_reason = models.TextField(blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=gettext_lazy("Who revoked it (kept for audit)."),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = CredentialQuerySet.as_manager()

    class Meta:
        ordering = ["expires_on", "certificate_number"]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_on__gt=F("issued_on")), name="credential_expires_after_issue"
            ),
            models.CheckConstraint(
                condition=Q(issued_on__gte=EARLIEST_DATE, expires_on__lte=LATEST_DATE),
                name="credential_dates_in_range",
            ),
            models.CheckConstraint(
                condition=Q(certificate_number__regex=CERTIFICATE_NUMBER_PATTERN),
                name="credential_number_alphabet",
            ),
            models.UniqueConstraint(
                fields=["course", "holder"],
                condition=Q(course__isnull=False),
                name="credential_once_per_course_holder",
            ),
        ]
        indexes = [
            # Expiry ranges, and the staff lists and admin read in (expiry, id) order: with
            # the expiry alone, PostgreSQL sorted each day's credentials (about 1,000 a day
            # at 1M) before it could stop after a page.
            models.Index(fields=["expires_on", "id"], name="credential_expiry_order"),
            models.Index(fields=["status"]),
            # The reports' issued-per-month chart reads a date range from the index alone.
            models.Index(fields=["issued_on", "program"], name="credential_issued_program"),
            # The staff page's "in grace" list, soonest expiry first.
            models.Index(
                fields=["expires_on", "id"],
                condition=Q(status="grace"),
                name="credential_in_grace_order",
            ),
            # The sweep reads one id range (a chunk) within an expiry window. With the
            # primary key and the expiry index alone, PostgreSQL ANDs both bitmaps and
            # scans the whole window across every credential for each chunk; this index
            # answers both conditions from the range.
            models.Index(fields=["id", "expires_on"], name="credential_range_expiry"),
            # /verify/<number>/ accepts any case (lookup.find_by_number: iexact, i.e.
            # UPPER(number) = UPPER(%s)); without this it reads the whole table.
            models.Index(Upper("certificate_number"), name="credential_number_any_case"),
        ]

    def __str__(self):
        return f"{self.program.code} {self.certificate_number}"

    @property
    def renewal_opens_on(self):
        """Renewal opens `renewal_opens_after_days` after issue (docs/domain.md)."""
        return self.issued_on + timedelta(days=self.program.renewal_opens_after_days)

    @property
    def is_revoked(self):
        return self.revoked_at is not None

    @property
    def grace_ends_on(self):
        """The last day an expired credential can still renew on its old schedule."""
        return self.expires_on + timedelta(days=self.program.grace_days)

    def is_lapsed_on(self, today):
        """Past its grace period: a lapsed credential renews only with staff approval."""
        return today > self.grace_ends_on

    def is_held_on(self, today):
        """Still held: neither revoked nor lapsed. A holder gets no second credential of a
        program they hold (a closing course renews the held one; a claim of it is not
        approved), the one rule certifications.selectors.held_credentials applies."""
        return not self.is_revoked and not self.is_lapsed_on(today)


class AttendanceChange(models.Model):
    """One change to an attendance cell, kept for audit: who, when, old and new hours.
    A first entry has no old value."""

    enrollment = models.ForeignKey(
        Enrollment, on_delete=models.CASCADE, related_name="attendance_changes"
    )
    session = models.ForeignKey(
        CourseSession, on_delete=models.CASCADE, related_name="attendance_changes"
    )
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="attendance_changes",
    )
    changed_at = models.DateTimeField(auto_now_add=True)
    old_hours = models.DecimalField(max_digits=4, decimal_places=2, null=True, blank=True)
    new_hours = models.DecimalField(max_digits=4, decimal_places=2)

    class Meta:
        ordering = ["-changed_at", "-id"]
        indexes = [models.Index(fields=["enrollment", "session"])]

    def __str__(self):
        return f"{self.enrollment} / {self.session}: {self.old_hours} -> {self.new_hours}"


# Signed credentials and status lists live beside the code that signs them.


from .imports.models import ImportJob  # noqa: E402, F401  (its own module: size)
from .vc.models import SignedCredential, StatusList  # noqa: E402, F401
from .wallet.models import WalletNonce, WalletOffer  # noqa: E402, F401


class Organisation(models.Model):
    """A body that works with the tracker through the API: an SEU provider
    (a conference, user group or e-learning site) reporting attendees' SEUs, or an
    employer's system. Staff create it and its API tokens."""

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=60, unique=True)
    contact_email = models.EmailField(blank=True)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


def display_name(person):
    """ "Ada Lovelace" for a user or a practitioner, or "" when no name was given (never
    the email address)."""
    user = getattr(person, "user", person)
    first = (getattr(user, "first_name", "") or "").strip()
    last = (getattr(user, "last_name", "") or "").strip()
    return f"{first} {last}".strip()
