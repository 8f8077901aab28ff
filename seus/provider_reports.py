"""SEU providers (conferences, user groups, e-learning) report their attendees' SEUs.
Each row is checked by the SEU log's own rules (seus.services.entry_errors, the
duplicate rule of create_seu_entry), with the same messages as a practitioner's own
entry; the entry is marked as reported by the organisation, with the provider's
reference.

A report of 500 rows is one pass: the attendees, the entries reported before and the
totals the rules need are read in a few set queries, and the new accounts and entries
are inserted in bulk, so the answer takes a fixed number of queries.

Sending the same report again adds nothing: an organisation, attendee and reference make
one entry (a database constraint). An attendee without an account gets one, and an
invitation to set a password, once per organisation. The answer says the same whether an
address had an account or a password: nothing in it tells the provider about either.

An organisation reports at most SEU_PROVIDER_NEW_PEOPLE_PER_DAY people it has not
reported before each day (UTC). The cap counts addresses new to the organisation, not
new accounts, so a refusal says nothing about whether an account exists."""

from dataclasses import dataclass, field
from datetime import datetime, time

from allauth.account.models import EmailAddress
from django.conf import settings
from django.db import transaction
from django.db.models import Min
from django.utils import timezone
from django.utils.translation import ngettext

from certifications.dates import today_in
from certifications.models import Organisation, Practitioner, User
from certifications.services import get_or_create_practitioners, set_password_url
from cspo_tracker.outbox import services as outbox

from .imports import _field_problems, _Totals
from .models import SeuEntry
from .selectors import same_activity
from .services import duplicate_error
from .signals import seus_created

CREATED, EXISTS, REJECTED = "created", "exists", "rejected"
DEFAULT_TIME_ZONE = Practitioner._meta.get_field("time_zone").default


@dataclass(frozen=True)
class ReportedRow:
    email: str
    reference: str
    earned_on: object
    category: object
    activity: str
    seus: object
    first_name: str = ""
    last_name: str = ""
    description: str = ""


@dataclass
class RowResult:
    row: ReportedRow
    status: str
    entry: SeuEntry | None = None
    errors: dict = field(default_factory=dict)


def new_people_today(organisation, *, now=None):
    """How many people the organisation reported today (UTC) for the first time."""
    now = now or timezone.now()
    day_start = datetime.combine(now.astimezone(timezone.UTC).date(), time.min, timezone.UTC)
    return (
        SeuEntry.objects.filter(reported_by=organisation)
        .values("practitioner_id")
        .annotate(first=Min("created_at"))
        .filter(first__gte=day_start)
        .count()
    )


def _cap_error():
    cap = settings.SEU_PROVIDER_NEW_PEOPLE_PER_DAY
    return {
        "__all__": [
            ngettext(
                "Your organisation reports at most %(count)s person it has not reported "
                "before each day (UTC); send this row again tomorrow.",
                "Your organisation reports at most %(count)s people it has not reported "
                "before each day (UTC); send this row again tomorrow.",
                cap,
            )
            % {"count": cap}
        ]
    }


@transaction.atomic
def report_seus(*, organisation, rows):
    """Log each row for its attendee (by email). Each row stands alone: one attendee's
    daily cap does not refuse the others. Returns a RowResult per row, in order:
    created, exists (reported before: nothing written) or rejected (with the errors,
    keyed like the SEU form's fields)."""
    # One report of an organisation at a time: a retry sent while the first is still
    # running waits, then finds its rows reported.
    Organisation.objects.select_for_update().filter(pk=organisation.pk).exists()
    emails = [User.objects.normalize_email(row.email).lower() for row in rows]
    people = {
        email: (pid, zone)
        for email, pid, zone in Practitioner.objects.filter(user__email__in=set(emails))
        .order_by("pk")
        .select_for_update(of=("self",))
        .values_list("user__email", "pk", "time_zone")
    }
    reported, known = {}, set()
    for pid, reference, pk in SeuEntry.objects.filter(
        reported_by=organisation, practitioner_id__in=[p for p, _ in people.values()]
    ).values_list("practitioner_id", "provider_reference", "pk"):
        reported[(pid, reference)] = pk
        known.add(pid)
    room = settings.SEU_PROVIDER_NEW_PEOPLE_PER_DAY - new_people_today(organisation)
    totals = _Totals(
        sorted(p for p, _ in people.values()),
        capped={row.category.pk for row in rows if row.category.cap is not None},
    )
    stored = {
        (pid, day, seus, activity.upper())
        for (pid, day, _category, activity, seus) in totals.identical
    }
    today, counted, twins = {}, set(), []
    results, accepted = [], []  # accepted: (result index, email, attendee key)
    for row, email in zip(rows, emails, strict=True):
        pid, zone = people.get(email, (None, DEFAULT_TIME_ZONE))
        attendee = pid if pid is not None else email  # a new account's rows by address
        if (attendee, row.reference) in reported:
            earlier = reported[(attendee, row.reference)]
            if isinstance(earlier, RowResult):  # the same row earlier in this report
                results.append(earlier_twin := RowResult(row=row, status=EXISTS))
                twins.append((earlier_twin, earlier))
            else:
                results.append(RowResult(row=row, status=EXISTS, entry=SeuEntry(pk=earlier)))
            continue
        if attendee not in known and attendee not in counted:
            if room <= 0:
                results.append(RowResult(row=row, status=REJECTED, errors=_cap_error()))
                continue
            room -= 1
            counted.add(attendee)
        errors = _row_errors(row, attendee, zone, totals, stored, today)
        if errors:
            results.append(RowResult(row=row, status=REJECTED, errors=errors))
            continue
        totals.add(attendee, row.category, row.earned_on, row.seus)
        stored.add((attendee, row.earned_on, row.seus, same_activity(row.activity).upper()))
        results.append(RowResult(row=row, status=CREATED))
        reported[(attendee, row.reference)] = results[-1]
        accepted.append((len(results) - 1, email, attendee))
    _write(organisation, rows, results, accepted)
    for twin, created in twins:
        twin.entry = created.entry
    return results


def _row_errors(row, attendee, zone, totals, stored, today):
    """The SEU log's rules for one row, as {field: [messages]} (create_seu_entry's)."""
    if (attendee, row.earned_on, row.seus, same_activity(row.activity).upper()) in stored:
        message = duplicate_error(earned_on=row.earned_on, activity=row.activity, seus=row.seus)
        return {"save_anyway": [message]}
    if zone not in today:
        today[zone] = today_in(zone)
    errors = totals.errors(
        attendee, today=today[zone], earned_on=row.earned_on, category=row.category, seus=row.seus
    )
    if errors:
        return {name: [message] for name, message in errors.items()}
    problems = _field_problems(row.earned_on, row.activity, row.seus)
    return {"__all__": problems} if problems else {}


def _write(organisation, rows, results, accepted):
    """The accounts of new attendees, the entries, the seus_created signal and the
    invitations, in bulk."""
    if not accepted:
        return
    firsts = {}
    for index, email, _attendee in accepted:
        firsts.setdefault(email, results[index].row)
    before = set(User.objects.filter(email__in=list(firsts)).values_list("email", flat=True))
    ids = get_or_create_practitioners(
        people={email: (row.first_name, row.last_name) for email, row in firsts.items()}
    )
    new_users = list(
        User.objects.filter(email__in=[e for e in firsts if e not in before]).values_list(
            "pk", "email"
        )
    )
    # A new account's address counts as verified: the only way in is the set-password
    # link mailed to it (certifications.services.get_or_create_invitee).
    EmailAddress.objects.bulk_create(
        [EmailAddress(user_id=pk, email=e, primary=True, verified=True) for pk, e in new_users],
        ignore_conflicts=True,
    )
    entries = SeuEntry.objects.bulk_create(
        [
            SeuEntry(
                practitioner_id=ids[email],
                earned_on=results[index].row.earned_on,
                category=results[index].row.category,
                activity=results[index].row.activity,
                provider=organisation.name,
                seus=results[index].row.seus,
                description=results[index].row.description,
                reported_by=organisation,
                provider_reference=results[index].row.reference,
            )
            for index, email, _attendee in accepted
        ]
    )
    for (index, _email, _attendee), entry in zip(accepted, entries, strict=True):
        results[index].entry = entry
    if any(entry.pk is None for entry in entries):  # a backend without RETURNING
        raise RuntimeError("Provider reports need a database that returns inserted ids.")
    created = list(
        SeuEntry.objects.filter(pk__in=[e.pk for e in entries]).select_related(
            "practitioner__user", "category"
        )
    )
    seus_created.send(sender=SeuEntry, entries=created)
    _invite(organisation, {entry.practitioner.user for entry in created})


def _invite(organisation, users):
    """An invitation to set a password for each attendee who has none yet: once per
    organisation and person (outbox key)."""
    outbox.enqueue_many(
        [
            (
                "provider_invitation",
                {
                    "user": user,
                    "organisation": organisation,
                    "set_password_url": set_password_url(user),
                },
                user.email,
                invitation_key(organisation, user),
            )
            for user in sorted(users, key=lambda u: u.pk)
            if not user.has_usable_password()
        ]
    )


def invitation_key(organisation, user):
    return f"invitation:provider:{organisation.pk}:user:{user.pk}"


def enqueue_provider_invitation(*, organisation, user):
    """The invitation to set a password for an account made by an SEU provider's report:
    once per organisation and person (outbox key)."""
    _invite(organisation, [user])
