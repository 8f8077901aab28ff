"""Reads for the staff console, the trainer home, search and the practitioner view. Each
runs a fixed number of queries whatever the number of rows."""

from dataclasses import dataclass
from datetime import timedelta

from allauth.account.models import EmailAddress
from django.db.models import Q
from django.utils.translation import gettext as _

from certifications.models import Credential, Enrollment, Practitioner, User
from certifications.selectors import courses_for, courses_ready_to_close, open_courses
from cspo_tracker.outbox import services as outbox
from cspo_tracker.outbox.models import OutboundEmail, Suppression
from cspo_tracker.paging import bounded_page
from cspo_tracker.privacy.models import Retirement
from renewals import selectors as renewal_selectors
from renewals import states as renewal_states
from renewals.audits import services as audits
from renewals.claims import services as claims
from renewals.models import Reminder, Renewal
from renewals.payments import selectors as payment_selectors
from seus.models import SeuEntry

from .audit import entries_for

GRACE_WEEK = 7


@dataclass(frozen=True)
class Count:
    label: str
    count: int
    url_name: str
    anchor: str = ""
    query: str = ""


def console_counts(*, user, today):
    """What needs staff action now, each with the list it links to (one query each).
    Every queue that waits for a person is here: a queue left off waits unseen."""
    return [
        Count(
            _("Claims waiting for a decision"),
            claims.pending_claims().count(),
            "staff_claims",
        ),
        Count(
            _("SEU audits with evidence to review"),
            audits.audits_with_evidence_to_review().count(),
            "staff_audits",
        ),
        Count(
            _("Renewals awaiting confirmation"),
            renewal_selectors.renewals_awaiting_staff().count(),
            "staff_renewals",
            anchor="awaiting",
        ),
        Count(
            _("Fee confirmed, renewal could not complete"),
            renewal_selectors.renewals_held().count(),
            "staff_renewals",
            anchor="held",
        ),
        Count(
            _("Emails failed"),
            OutboundEmail.objects.filter(status=OutboundEmail.Status.FAILED).count(),
            "staff_renewals",
            anchor="emails",
        ),
        Count(
            _("Emails held: address unreachable"),
            OutboundEmail.objects.filter(status=OutboundEmail.Status.HELD).count(),
            "staff_email_addresses",
        ),
        Count(
            _("Addresses we cannot reach (bounces, complaints)"),
            Suppression.objects.count(),
            "staff_email_addresses",
        ),
        Count(
            _("Reminders failed"),
            Reminder.objects.filter(status=Reminder.Status.FAILED).count(),
            "staff_renewals",
            anchor="emails",
        ),
        Count(
            _("Courses ready to close"),
            courses_ready_to_close(user, today=today).count(),
            "course_list",
            query="show=ready",
        ),
        Count(
            _("Credentials entering grace this week"),
            entering_grace(today=today).count(),
            "staff_renewals",
            query="within=30",
        ),
    ]


def entering_grace(*, today):
    """Credentials whose expiry falls in the coming week (grace starts the day after)."""
    return Credential.objects.filter(
        expires_on__gte=today - timedelta(days=1),
        expires_on__lt=today + timedelta(days=GRACE_WEEK - 1),
        revoked_at__isnull=True,
    )


def trainer_home(*, user, today):
    """The trainer's open courses (upcoming and running), soonest first, each with the
    attendance still missing and whether it is ready to close."""
    return open_courses(user, today=today).filter(trainer__user=user)


# --- Search ------------------------------------------------------------------------------

GROUPS = ("practitioners", "credentials", "courses", "renewals")
PER_GROUP = 10


def _terms(q):
    return [t for t in q.split() if t][:5]


def _name_or_email(terms, prefix):
    condition = Q()
    for term in terms:
        condition &= (
            Q(**{f"{prefix}email__icontains": term})
            | Q(**{f"{prefix}first_name__icontains": term})
            | Q(**{f"{prefix}last_name__icontains": term})
        )
    return condition


def search_querysets(*, user, q):
    """One querystring against practitioners (name, email), credentials (certificate
    number in any case), courses (title, program, place) and renewals (number, payment
    reference, practitioner). Staff search everything; a trainer only the people,
    credentials and courses of their own courses, and no renewals."""
    terms = _terms(q)
    is_staff = user.is_staff
    number = q.strip().lstrip("#")
    own = Q() if is_staff else Q(enrollments__course__trainer__user=user)
    practitioners = (
        Practitioner.objects.filter(_name_or_email(terms, "user__"))
        .filter(own)
        .select_related("user")
        .distinct()
        .order_by("user__last_name", "user__first_name", "pk")
    )
    credentials = (
        Credential.objects.filter(
            Q(certificate_number__icontains=q.strip().upper())
            | _name_or_email(terms, "holder__user__")
        )
        .filter(Q() if is_staff else Q(course__trainer__user=user))
        .with_related()
        .order_by("certificate_number")
    )
    course_match = Q()
    for term in terms:
        course_match &= (
            Q(title__icontains=term)
            | Q(program__code__iexact=term)
            | Q(location__icontains=term)
            | Q(trainer__user__last_name__icontains=term)
        )
    courses = courses_for(user).filter(course_match).order_by("-starts_on", "pk")
    if is_staff:
        renewal_match = _name_or_email(terms, "practitioner__user__") | Q(
            payment_reference__iexact=q.strip()
        )
        if number.isdecimal():
            renewal_match |= Q(pk=int(number))
        renewals = (
            Renewal.objects.filter(renewal_match)
            .select_related("practitioner__user")
            .order_by("-submitted_at", "-pk")
        )
    else:
        renewals = Renewal.objects.none()
    return {
        "practitioners": practitioners,
        "credentials": credentials,
        "courses": courses,
        "renewals": renewals,
    }


def search(*, user, q, group=None, page=1):
    """Grouped results: each group's first page (PER_GROUP), or with `group` only that
    group, paginated. Two queries a group (a count stopped at PAGER_COUNT_CAP, and the
    page) whatever the number of rows: a one-letter search matches most of the table."""
    if not _terms(q):
        return {}
    querysets = search_querysets(user=user, q=q)
    wanted = [group] if group in GROUPS else list(GROUPS)
    if not user.is_staff and "renewals" in wanted:
        wanted.remove("renewals")
    return {
        name: bounded_page(
            querysets[name],
            page if group else 1,
            per_page=PER_GROUP * (5 if group else 1),
            count_in_order=False,  # no index serves a search's order
        )
        for name in wanted
    }


# --- One practitioner, for staff ---------------------------------------------------------


@dataclass(frozen=True)
class PractitionerFile:
    practitioner: Practitioner
    suppression: object  # the address's Suppression, or None when mail reaches it
    credentials: list
    seu_entries: list
    renewals: list
    reminders: list
    emails: list
    enrollments: list
    audit: list


HISTORY = 100


def practitioner_file(practitioner_id):
    """Everything staff need about one practitioner on one page: credentials with their
    status, SEU log, renewals, reminders and emails sent, courses and the audit trail of
    their account and objects (the latest HISTORY of each list)."""
    practitioner = Practitioner.objects.select_related("user").get(pk=practitioner_id)
    # Each credential with its state, as the holder's dashboard words it (renewals.states).
    progresses = renewal_selectors.credential_progress(
        Credential.objects.filter(holder=practitioner)
        .select_related("course")
        .order_by("expires_on", "pk")
    )
    states = renewal_states.states_for(progresses)
    credentials = [p.credential for p in progresses]
    for credential in credentials:
        credential.state = states[credential.pk]
    renewals = list(
        Renewal.objects.filter(practitioner=practitioner)
        .prefetch_related("cycles__credential__program", payment_selectors.payments_prefetch())
        .order_by("-submitted_at", "-pk")[:HISTORY]
    )
    enrollments = list(
        Enrollment.objects.filter(practitioner=practitioner)
        .select_related("course__program")
        .order_by("-course__starts_on")[:HISTORY]
    )
    user = practitioner.user
    addresses = list(EmailAddress.objects.filter(user=user).values_list("pk", flat=True))
    audit = list(
        entries_for(
            {
                User: [user.pk],
                EmailAddress: addresses,
                Practitioner: [practitioner.pk],
                Credential: [c.pk for c in credentials],
                Renewal: [r.pk for r in renewals],
                Enrollment: [e.pk for e in enrollments],
                Retirement: Retirement.objects.filter(user=user).values_list("pk", flat=True),
            }
        )[:HISTORY]
    )
    return PractitionerFile(
        practitioner=practitioner,
        suppression=outbox.suppression_for(user.email),
        credentials=credentials,
        seu_entries=list(
            SeuEntry.objects.filter(practitioner=practitioner)
            .select_related("category")
            .order_by("-earned_on", "-pk")[:HISTORY]
        ),
        renewals=renewals,
        reminders=list(
            Reminder.objects.filter(cycle__credential__holder=practitioner)
            .select_related("offset", "cycle__credential__program")
            .order_by("-due_on", "-pk")[:HISTORY]
        ),
        emails=list(
            OutboundEmail.objects.filter(to__iexact=user.email).order_by("-created_at", "-pk")[
                :HISTORY
            ]
        ),
        enrollments=enrollments,
        audit=audit,
    )
