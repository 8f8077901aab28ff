"""Reads for renewals: SEUs counted in a window, what is missing, a credential's status.

Rules from shared/domain.md:
- an SEU counts when earned in the cycle's look-back window (the `lookback_months`
  before the expiry date) and not yet consumed by a completed renewal;
- a category with a cap counts at most `cap` SEUs per window;
- statuses: active; renewal due (inside `reminder_lead_days` of expiry with SEUs or fee
  missing); grace (expired at most `grace_days` ago); lapsed (past grace).
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db.models import F, Q, Sum
from django.utils import timezone

from certifications.models import Credential
from seus.models import SeuCategory

from .models import Renewal, RenewalCycle

ZERO = Decimal("0")


def today_for(practitioner, now=None):
    """Today's date in the practitioner's time zone."""
    now = now or timezone.now()
    return now.astimezone(ZoneInfo(practitioner.time_zone or "UTC")).date()


def status_on(*, expires_on, today, lead_days, grace_days, requirements_met):
    """The status of a credential on `today` (shared/domain.md, "Expiry")."""
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


def seus_counted_by_cycle(cycle_ids):
    """{cycle_id: SEUs counted} for the given cycles, in one query plus the category caps."""
    rows = (
        RenewalCycle.objects.filter(pk__in=list(cycle_ids))
        .filter(
            Q(credential__holder__seu_entries__consumed_by__isnull=True),
            credential__holder__seu_entries__earned_on__gte=F("window_starts_on"),
            credential__holder__seu_entries__earned_on__lte=F("ends_on"),
        )
        .values("pk", "credential__holder__seu_entries__category_id")
        .annotate(total=Sum("credential__holder__seu_entries__seus"))
        .order_by()
    )
    caps = dict(SeuCategory.objects.filter(cap__isnull=False).values_list("pk", "cap"))
    totals = defaultdict(lambda: ZERO)
    for row in rows:
        amount = row["total"] or ZERO
        cap = caps.get(row["credential__holder__seu_entries__category_id"])
        totals[row["pk"]] += min(amount, cap) if cap is not None else amount
    return totals


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
        return self.seus_missing == 0 and self.fee_paid

    @property
    def percent(self):
        if not self.seus_required:
            return 100
        return int(min(self.seus_counted / self.seus_required, 1) * 100)


def credential_progress(credentials, *, now=None):
    """Progress for each credential (a list, same order), in a fixed number of queries."""
    credentials = list(credentials.select_related("program", "holder__user"))
    cycles = {c.credential_id: c for c in current_cycles([c.pk for c in credentials])}
    counted = seus_counted_by_cycle(c.pk for c in cycles.values())
    result = []
    for credential in credentials:
        cycle = cycles.get(credential.pk)
        program = credential.program
        today = today_for(credential.holder, now)
        seus = counted[cycle.pk] if cycle else ZERO
        required = cycle.seus_required if cycle else program.seus_required
        fee_paid = bool(
            cycle and cycle.renewal and cycle.renewal.fee_status == Renewal.FeeStatus.CONFIRMED
        )
        status = status_on(
            expires_on=credential.expires_on,
            today=today,
            lead_days=program.reminder_lead_days,
            grace_days=program.grace_days,
            requirements_met=seus >= required and fee_paid,
        )
        result.append(Progress(credential, cycle, today, seus, required, fee_paid, status))
    return result
