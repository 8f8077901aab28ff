"""Reads for renewals: SEUs counted in a window, what is missing, a credential's status,
what a set of credentials needs to renew, and the rows the daily sweep works on.

Rules from docs/domain.md:
- an SEU counts when earned in the cycle's look-back window (the `lookback_months`
  before the expiry date) and not yet consumed by a completed renewal;
- a category with a cap counts at most `cap` SEUs per window;
- statuses: active; renewal due (inside `reminder_lead_days` of expiry with SEUs or fee
  missing); grace (expired at most `grace_days` ago); lapsed (past grace);
- several credentials renew together for one fee (set by the highest level) and the
  primary SEUs of the highest credential plus the add-on SEUs of the highest credential
  in each other track.
"""

import logging
from collections import defaultdict
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.db.models import Exists, F, OuterRef, Q, QuerySet, Sum
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from certifications.dates import add_months, today_for
from certifications.models import Credential
from cspo_tracker.formats import money
from seus.models import SeuCategory, SeuEntry

from .audits.models import SeuAudit
from .models import Reminder, Renewal, RenewalCycle

ZERO = Decimal("0")


logger = logging.getLogger(__name__)


def status_on(*, expires_on, today, lead_days, grace_days, requirements_met):
    """The status of a credential on `today` (docs/domain.md, "Expiry")."""
    if today > expires_on + timedelta(days=grace_days):
        return Credential.Status.LAPSED
    if today > expires_on:
        return Credential.Status.GRACE
    if today >= expires_on - timedelta(days=lead_days) and not requirements_met:
        return Credential.Status.RENEWAL_DUE
    return Credential.Status.ACTIVE


def current_cycles(credentials):
    """The current (not completed) cycle of each credential, with credential, program
    and holder fetched in the same query."""
    return (
        RenewalCycle.objects.exclude(status=RenewalCycle.Status.COMPLETED)
        .filter(credential__in=credentials)
        .select_related("credential__program", "credential__holder__user", "renewal")
    )


def category_caps():
    """{category_id: cap} for the categories that have one (none by default)."""
    return dict(SeuCategory.objects.filter(cap__isnull=False).values_list("pk", "cap"))


def _capped_total(amounts_by_category, caps):
    total = ZERO
    for category_id, amount in amounts_by_category:
        amount = amount or ZERO
        cap = caps.get(category_id)
        total += min(amount, cap) if cap is not None else amount
    return total


def seus_counted_by_cycle(cycle_ids, *, caps=None):
    """{cycle_id: SEUs counted} for the given cycles (ids, or a values("pk") queryset used
    as a subquery), in one query plus the category caps."""
    if not isinstance(cycle_ids, QuerySet):
        cycle_ids = list(cycle_ids)
    rows = (
        RenewalCycle.objects.filter(pk__in=cycle_ids)
        .filter(
            Q(credential__holder__seu_entries__consumed_by__isnull=True),
            # An entry rejected in an SEU audit stops counting (renewals.audits.services).
            credential__holder__seu_entries__audit_rejected_at__isnull=True,
            credential__holder__seu_entries__earned_on__gte=F("window_starts_on"),
            credential__holder__seu_entries__earned_on__lte=F("ends_on"),
        )
        .values_list("pk", "credential__holder__seu_entries__category_id")
        .annotate(total=Sum("credential__holder__seu_entries__seus"))
        .order_by()
    )
    caps = category_caps() if caps is None else caps
    by_cycle = defaultdict(list)
    for cycle_id, category_id, total in rows:
        by_cycle[cycle_id].append((category_id, total))
    totals = defaultdict(lambda: ZERO)
    for cycle_id, amounts in by_cycle.items():
        totals[cycle_id] = _capped_total(amounts, caps)
    return totals


def seu_entries_counted(*, practitioner, cycles):
    """The practitioner's unconsumed SEU entries earned in the look-back window of any of
    the cycles: what a renewal of those cycles counts, and consumes when it completes."""
    windows = Q()
    for cycle in cycles:
        windows |= Q(earned_on__gte=cycle.window_starts_on, earned_on__lte=cycle.ends_on)
    if not windows:
        return SeuEntry.objects.none()
    return SeuEntry.objects.unconsumed().filter(windows, practitioner=practitioner)


def seus_total(entries):
    """SEUs of the entries with the category caps applied (one query plus the caps)."""
    rows = entries.order_by().values_list("category_id").annotate(total=Sum("seus"))
    return _capped_total(rows, category_caps())


def format_fee(amount, currency):
    """The app's one money format (cspo_tracker.formats.money): US$100."""
    return money(amount, currency)


def format_seus(seus):
    seus = seus.quantize(Decimal("1")) if seus == seus.to_integral() else seus.normalize()
    # A fractional amount reads as a plural; ngettext needs a whole number to choose by.
    count = int(seus) if seus == seus.to_integral() else 2
    return ngettext("%(number)s SEU", "%(number)s SEUs", count) % {"number": seus}


def missing_text(*, seus_missing, fee_missing, fee_amount, fee_currency):
    """What is still missing, in words: "6 SEUs and the US$100 fee"."""
    seus = format_seus(seus_missing) if seus_missing > 0 else ""
    fee = format_fee(fee_amount, fee_currency) if fee_missing else ""
    if seus and fee:
        # Translators: what is still missing for a renewal, e.g. "6 SEUs and the US$100 fee".
        return _("%(seus)s and the %(fee)s fee") % {"seus": seus, "fee": fee}
    if fee:
        return _("the %(fee)s fee") % {"fee": fee}
    return seus


def fee_confirmed(fee_status):
    return fee_status == Renewal.FeeStatus.CONFIRMED


def requirements_met(*, seus_counted, seus_required, fee_is_confirmed):
    """A cycle is renewable when its SEUs are counted and its fee confirmed. The one
    definition the dashboard, the status and the sweep's "no nagging" all use."""
    return fee_is_confirmed and seus_counted >= seus_required


@dataclass(frozen=True)
class Progress:
    """Where one credential stands in its current cycle."""

    credential: Credential
    cycle: RenewalCycle | None
    today: object
    seus_counted: Decimal
    seus_required: Decimal
    fee_paid: bool
    status: str

    @property
    def seus_missing(self):
        return max(self.seus_required - self.seus_counted, ZERO)

    @property
    def days_left(self):
        return (self.credential.expires_on - self.today).days

    @property
    def requirements_met(self):
        return requirements_met(
            seus_counted=self.seus_counted,
            seus_required=self.seus_required,
            fee_is_confirmed=self.fee_paid,
        )

    @property
    def percent(self):
        if not self.seus_required:
            return 100
        return int(min(self.seus_counted / self.seus_required, 1) * 100)

    @property
    def fee_amount(self):
        return self.cycle.fee_amount if self.cycle else self.credential.program.renewal_fee

    @property
    def fee_currency(self):
        return self.cycle.fee_currency if self.cycle else self.credential.program.fee_currency

    @property
    def fee_awaiting_confirmation(self):
        """The holder paid with a submitted renewal; staff have not confirmed it yet."""
        return bool(
            self.renewal_pending
            and self.cycle.renewal is not None
            and self.cycle.renewal.fee_status == Renewal.FeeStatus.PENDING
        )

    @property
    def missing(self):
        """ "6 SEUs and the US$100 fee", or "" when nothing is missing. A fee paid with a
        submitted renewal is not missing: it waits for staff, and says so."""
        text = missing_text(
            seus_missing=self.seus_missing,
            fee_missing=not self.fee_paid and not self.fee_awaiting_confirmation,
            fee_amount=self.fee_amount,
            fee_currency=self.fee_currency,
        )
        if self.fee_awaiting_confirmation:
            fee = format_fee(self.fee_amount, self.fee_currency)
            if text:
                # Translators: %(missing)s reads "6 SEUs" (what the holder still has to do).
                return _("%(missing)s; staff to confirm the %(fee)s fee paid") % {
                    "missing": text,
                    "fee": fee,
                }
            return _("staff to confirm the %(fee)s fee paid") % {"fee": fee}
        return text

    @property
    def renewal_pending(self):
        """A renewal is submitted and waits for staff (fee confirmation or approval)."""
        return bool(self.cycle and self.cycle.status == RenewalCycle.Status.SUBMITTED)


def credential_progress(credentials, *, now=None, today=None):
    """Progress for each credential (a list, same order), in a fixed number of queries.
    `today` overrides every holder's local date (the sweep's --today)."""
    credentials = list(credentials.select_related("program", "holder__user"))
    cycles = {c.credential_id: c for c in current_cycles([c.pk for c in credentials])}
    counted = seus_counted_by_cycle(c.pk for c in cycles.values())
    result = []
    for credential in credentials:
        cycle = cycles.get(credential.pk)
        program = credential.program
        day = today or today_for(credential.holder, now)
        seus = counted[cycle.pk] if cycle else ZERO
        required = cycle.seus_required if cycle else program.seus_required
        fee_paid = bool(cycle and cycle.renewal and fee_confirmed(cycle.renewal.fee_status))
        status = status_on(
            expires_on=credential.expires_on,
            today=day,
            lead_days=program.reminder_lead_days,
            grace_days=program.grace_days,
            requirements_met=requirements_met(
                seus_counted=seus, seus_required=required, fee_is_confirmed=fee_paid
            ),
        )
        result.append(Progress(credential, cycle, day, seus, required, fee_paid, status))
    return result


def most_recent_due_offset(offsets, *, expires_on, today):
    """The latest of the active `offsets` already due on `today`: a sweep that missed
    days sends only this one, not a burst of stale reminders."""
    due = None
    for offset in sorted(offsets, key=lambda o: -o.days_before_expiry):
        if expires_on - timedelta(days=offset.days_before_expiry) <= today:
            due = offset
    return due


def due_reminder(progress, *, offsets):
    """The reminder offset due for one credential on its holder's today, or None: no
    nagging when the requirements are met, the credential is revoked, a renewal is
    pending or it lapsed; an optional offset only for holders who did not unsubscribe.
    The row-by-row rule the set-based sweep (renewals.sweep.sets) computes in SQL."""
    credential = progress.credential
    if (
        progress.requirements_met
        or credential.revoked_at is not None
        or progress.cycle is None
        or progress.cycle.status != RenewalCycle.Status.OPEN
        or progress.status == Credential.Status.LAPSED
    ):
        return None
    offset = most_recent_due_offset(offsets, expires_on=credential.expires_on, today=progress.today)
    if offset is None or (offset.is_optional and not credential.holder.optional_reminders):
        return None
    return offset


# --- Several credentials renewed together ---------------------------------------------


@dataclass(frozen=True)
class Requirement:
    """What renewing a set of programs together takes."""

    seus: Decimal
    fee_amount: Decimal
    fee_currency: str
    primary: object  # the Program whose cycle sets the fee and the primary SEUs

    @property
    def fee_text(self):
        return format_fee(self.fee_amount, self.fee_currency)


def _rank(cycle):
    program = cycle.credential.program
    return (program.level, cycle.seus_required, cycle.fee_amount, program.code)


def renewal_requirement(cycles):
    """SEUs and fee to renew these cycles' credentials together (docs/domain.md,
    "Renewing"): one fee set by the highest level renewed; SEUs = the primary amount of
    the highest credential plus the add-on amount of the highest credential in each other
    track. Lower credentials in a track add nothing: renewing the higher one renews them.

    Amounts come from each cycle's snapshot (taken when it opened), so a later change to
    a program moves neither the requirement nor the fee the dashboard already shows;
    level and track, which say how credentials relate, come from the program.

    CSM + CSPO: 20 + 10 = 30 SEUs, US$100. CSP-SM + CSP-PO + CSD: 40 + 20 + 10 = 70, US$250.
    """
    cycles = list(cycles)
    if not cycles:
        return None
    highest_by_track = {}
    for cycle in cycles:
        track = cycle.credential.program.track
        current = highest_by_track.get(track)
        if current is None or _rank(cycle) > _rank(current):
            highest_by_track[track] = cycle
    primary = max(highest_by_track.values(), key=_rank)
    primary_track = primary.credential.program.track
    seus = primary.seus_required + sum(
        (c.seus_addon for track, c in highest_by_track.items() if track != primary_track), ZERO
    )
    return Requirement(
        seus=seus,
        fee_amount=primary.fee_amount,
        fee_currency=primary.fee_currency,
        primary=primary.credential.program,
    )


def lower_credentials_in_track(credentials):
    """The holder's other credentials with an open cycle that sit below a selected one in
    its track: renewing the higher credential renews them (docs/domain.md)."""
    credentials = list(credentials)
    if not credentials:
        return Credential.objects.none()
    holder = credentials[0].holder_id
    lower = Q()
    for credential in credentials:
        lower |= Q(
            program__track=credential.program.track, program__level__lt=credential.program.level
        )
    return (
        Credential.objects.filter(lower, holder_id=holder, cycles__status=RenewalCycle.Status.OPEN)
        .exclude(pk__in=[c.pk for c in credentials])
        .select_related("program")
        .distinct()
    )


def renewable_credentials(practitioner):
    """The practitioner's credentials whose current cycle is open for a renewal."""
    return (
        Credential.objects.filter(
            holder=practitioner, cycles__status=RenewalCycle.Status.OPEN, revoked_at__isnull=True
        )
        .select_related("program", "holder")
        .order_by("-program__level", "program__code", "expires_on")
    )


@dataclass(frozen=True)
class Quote:
    """What renewing a selection takes, before it is submitted: the credentials included
    (lower ones in a selected track come along), the requirement, the SEUs that count."""

    credentials: list
    requirement: Requirement
    seus_counted: Decimal

    @property
    def seus_missing(self):
        return max(self.requirement.seus - self.seus_counted, ZERO)

    @property
    def included_automatically(self):
        return [c for c in self.credentials if getattr(c, "_auto_included", False)]


def renewal_quote(*, practitioner, credentials, cycles=None):
    """The quote for renewing `credentials` together; `cycles` are their open cycles
    when the caller already holds them (locked), read here otherwise."""
    selected = list(credentials)
    if not selected:
        return None
    lower = list(lower_credentials_in_track(selected))
    for credential in lower:
        credential._auto_included = True
    included = selected + lower
    if cycles is None:
        cycles = list(
            RenewalCycle.objects.filter(
                credential__in=included, status=RenewalCycle.Status.OPEN
            ).select_related("credential__program")
        )
    requirement = renewal_requirement(cycles)
    counted = seus_total(seu_entries_counted(practitioner=practitioner, cycles=cycles))
    return Quote(credentials=included, requirement=requirement, seus_counted=counted)


def renewal_in_progress(practitioner):
    """The practitioner's renewal waiting for staff, if any: there is at most one
    (several credentials renew together in one renewal; a database constraint)."""
    return Renewal.objects.filter(practitioner=practitioner, status__in=Renewal.IN_PROGRESS).first()


# --- Staff overview ----------------------------------------------------------------------


def credentials_expiring(*, today, within_days):
    """Credentials expiring between today and `within_days` from now, soonest first."""
    return (
        Credential.objects.filter(
            expires_on__gte=today,
            expires_on__lte=today + timedelta(days=within_days),
            revoked_at__isnull=True,
        )
        .select_related("program", "holder__user")
        .order_by("expires_on", "pk")
    )


def credentials_in_grace():
    """Credentials expired and still in their grace period (the stored status the daily
    sweep keeps), the soonest to lapse first; served by a partial index on expiry."""
    return (
        Credential.objects.filter(status=Credential.Status.GRACE, revoked_at__isnull=True)
        .select_related("program", "holder__user")
        .order_by("expires_on", "pk")
    )


def with_open_audit(renewals):
    """`renewals` annotated with `under_audit`: an SEU audit of it is open, so its fee
    cannot be confirmed yet (renewals.services.confirm_fee)."""
    return renewals.annotate(
        under_audit=Exists(
            SeuAudit.objects.filter(renewal=OuterRef("pk"), status=SeuAudit.Status.OPEN)
        )
    )


def renewals_awaiting_staff():
    """Renewals waiting for a fee confirmation or a staff approval, each with
    `under_audit`."""
    return (
        with_open_audit(
            Renewal.objects.filter(
                Q(fee_status=Renewal.FeeStatus.PENDING) | Q(status=Renewal.Status.NEEDS_APPROVAL),
                status__in=[Renewal.Status.SUBMITTED, Renewal.Status.NEEDS_APPROVAL],
            )
        )
        .select_related("practitioner__user")
        .prefetch_related("cycles__credential__program")
        .order_by("submitted_at", "pk")
    )


def renewals_held():
    """Renewals whose fee is confirmed but which could not complete (their SEUs no longer
    cover them), with the reason: listed for staff so none is stuck unseen."""
    return (
        Renewal.objects.filter(
            status=Renewal.Status.SUBMITTED, fee_status=Renewal.FeeStatus.CONFIRMED
        )
        .select_related("practitioner__user")
        .prefetch_related("cycles__credential__program")
        .order_by("fee_reviewed_at", "pk")
    )


def recent_reminders(*, statuses, limit=50):
    """The latest reminders in `statuses`, newest due date first. Failed-or-pending
    reads the partial index `reminder_unsent_due`; sent reads (status, due_on)."""
    return (
        Reminder.objects.filter(status__in=statuses)
        .select_related("offset", "cycle__credential__program", "cycle__credential__holder__user")
        .order_by("-due_on", "-pk")[:limit]
    )


# --- What confirming a fee will do (the staff confirmation page) -------------------------


@dataclass(frozen=True)
class FeePreview:
    renewal: Renewal
    completes: bool  # confirming the fee completes the renewal now
    waits_for_approval: bool
    under_audit: bool  # an open SEU audit: the fee cannot be confirmed yet
    seus_counted: Decimal
    entries: list  # the SEU entries the renewal would consume
    renewed: list  # [(credential, new expiry)]
    emails: list  # [(template, address)]


def fee_confirmation_preview(renewal):
    """What `renewals.services.confirm_fee` would do now, read without writing: which SEU
    entries it consumes, which credential is renewed to what date, and the emails sent
    (the same rules: complete_if_ready, complete_renewal). Fixed query count."""
    cycles = list(renewal.cycles.select_related("credential__program").order_by("pk"))
    entries = seu_entries_counted(practitioner=renewal.practitioner, cycles=cycles)
    counted = seus_total(entries)
    waits = renewal.status == Renewal.Status.NEEDS_APPROVAL
    under_audit = has_open_audit(renewal)
    completes = (
        not under_audit
        and renewal.status == Renewal.Status.SUBMITTED
        and renewal.fee_status in (Renewal.FeeStatus.PENDING, Renewal.FeeStatus.UNPAID)
        and counted >= renewal.seus_required
    )
    return FeePreview(
        renewal=renewal,
        completes=completes,
        waits_for_approval=waits,
        under_audit=under_audit,
        seus_counted=counted,
        entries=list(entries.select_related("category").order_by("earned_on", "pk")),
        renewed=[
            (c.credential, add_months(c.ends_on, c.credential.program.validity_months))
            for c in cycles
        ],
        emails=[("renewal_confirmation", renewal.practitioner.email)] if completes else [],
    )


def has_open_audit(renewal):
    return SeuAudit.objects.filter(renewal=renewal, status=SeuAudit.Status.OPEN).exists()
