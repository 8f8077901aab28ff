"""What a renewal will use, before and when it completes (reads).

One rule, used by the submit page and by `services.complete_renewal`: a renewal uses
just enough of the SEU entries it counts to cover its requirement, never all of them.
The entries are taken in this order:
1. entries that count for none of the holder's other current credentials first (using
   them costs the other credentials nothing);
2. then the oldest first (they leave the look-back windows soonest);
3. then by id, so the choice is the same on the page and at completion;
then any entry the requirement is met without is left out, largest first. A category
with a cap contributes at most its cap. The entries left over stay in the log
and keep counting for the holder's other credentials.

Renewing several credentials together (docs/domain.md, "Renewing"): `combined_offer`
says when renewing the holder's other open credentials with the selection needs fewer
SEUs or fewer fees than renewing them one by one. The amounts come from the programs'
data (each cycle's snapshot of `seus_required`, `seus_addon`, the fee), through
`selectors.renewal_requirement`; nothing here knows CSM or CSPO by name.
"""

import functools
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .models import RenewalCycle
from .selectors import (
    ZERO,
    category_caps,
    current_cycles,
    format_fee,
    format_seus,
    lower_credentials_in_track,
    renewable_credentials,
    renewal_requirement,
    seu_entries_counted,
    seus_counted_by_cycle,
)


def _in_window(entry, cycle):
    return cycle.window_starts_on <= entry.earned_on <= cycle.ends_on


def entries_to_use(entries, *, required, other_cycles=(), caps=None):
    """The entries (a list, in the order chosen) a renewal needing `required` SEUs uses,
    out of `entries` (the unconsumed entries it counts). `other_cycles` are the holder's
    other current cycles: entries counting for none of them go first."""
    caps = category_caps() if caps is None else caps
    other_cycles = list(other_cycles)

    def order(entry):
        counts_elsewhere = any(_in_window(entry, cycle) for cycle in other_cycles)
        return (counts_elsewhere, entry.earned_on, entry.pk)

    used, total, by_category = [], ZERO, {}
    for entry in sorted(entries, key=order):
        if total >= required:
            break
        cap = caps.get(entry.category_id)
        so_far = by_category.get(entry.category_id, ZERO)
        contributes = entry.seus if cap is None else max(min(entry.seus, cap - so_far), ZERO)
        if contributes <= 0:
            continue
        by_category[entry.category_id] = so_far + contributes
        total += contributes
        used.append(entry)
    if not caps:
        # Entries are whole: drop any the requirement is met without (largest first), so
        # an early large entry does not push a smaller one over the line for nothing.
        for entry in sorted(used, key=lambda e: (-e.seus, e.earned_on, e.pk)):
            if total - entry.seus >= required:
                used.remove(entry)
                total -= entry.seus
    return used


def planned_entries(*, practitioner, cycles, required):
    """The entries a renewal of `cycles` needing `required` SEUs uses now (a list)."""
    cycles = list(cycles)
    entries = list(
        seu_entries_counted(practitioner=practitioner, cycles=cycles).select_related("category")
    )
    others = list(
        current_cycles(practitioner.credentials.all()).exclude(pk__in=[c.pk for c in cycles])
    )
    return entries_to_use(entries, required=required, other_cycles=others)


@dataclass(frozen=True)
class OtherCredential:
    """One of the holder's credentials not in the renewal, before and after it."""

    credential: object
    seus_required: Decimal
    counted_now: Decimal
    counted_after: Decimal

    @property
    def loses(self):
        return self.counted_now - self.counted_after


@dataclass(frozen=True)
class Offer:
    """Renewing `credentials` together instead of the selection plus the rest one by one."""

    credentials: list
    seus: Decimal
    fee_text: str
    separate_seus: Decimal
    separate_fees: int
    separate_fee_text: str

    @property
    def text(self):
        codes = functools.reduce(
            # Translators: joins program codes: "CSPO and A-CSPO".
            lambda first, second: (
                _("%(first)s and %(second)s") % {"first": first, "second": second}
            ),
            (c.program.code for c in self.credentials),
        )
        values = {
            "codes": codes,
            "seus": format_seus(self.seus),
            "fee": self.fee_text,
            "separate_seus": format_seus(self.separate_seus),
            "count": self.separate_fees,
            "separate_fees": self.separate_fee_text,
        }
        if self.separate_fees == 2:
            return (
                _(
                    "Renew %(codes)s together: %(seus)s and one %(fee)s fee, instead of "
                    "%(separate_seus)s and two fees (%(separate_fees)s) one by one."
                )
                % values
            )
        return (
            ngettext(
                "Renew %(codes)s together: %(seus)s and one %(fee)s fee, instead of "
                "%(separate_seus)s and %(count)s fee (%(separate_fees)s) one by one.",
                "Renew %(codes)s together: %(seus)s and one %(fee)s fee, instead of "
                "%(separate_seus)s and %(count)s fees (%(separate_fees)s) one by one.",
                self.separate_fees,
            )
            % values
        )

    @property
    def credential_ids(self):
        return [c.pk for c in self.credentials]


@dataclass(frozen=True)
class Plan:
    """The submit page's account of a selection: the entries it uses, the entries it
    leaves, what the holder's other credentials keep, and a cheaper combination."""

    used: list
    left: list
    seus_used: Decimal
    others: list = field(default_factory=list)


def _requirement_for(credentials, cycles_by_credential):
    cycles = [cycles_by_credential[c.pk] for c in credentials if c.pk in cycles_by_credential]
    return renewal_requirement(cycles)


def combined_offer(*, practitioner, selected, today):
    """An Offer when renewing the selection together with the holder's other renewable
    credentials (open for renewal on `today`) needs fewer SEUs or fewer fees than renewing
    each of them alone, else None."""
    renewable = [c for c in renewable_credentials(practitioner) if c.renewal_opens_on <= today]
    selected_ids = {c.pk for c in selected}
    selected_ids |= {c.pk for c in lower_credentials_in_track(selected)} if selected else set()
    if not selected_ids or len(renewable) < 2:
        return None
    cycles = {
        cycle.credential_id: cycle
        for cycle in RenewalCycle.objects.filter(
            credential__in=renewable, status=RenewalCycle.Status.OPEN
        ).select_related("credential__program")
    }
    chosen = [c for c in renewable if c.pk in selected_ids]
    rest = [c for c in renewable if c.pk not in selected_ids]
    if not chosen or not rest:
        return None
    # One by one: the selection as one renewal, then each other credential alone.
    alone = [_requirement_for(chosen, cycles)] + [_requirement_for([c], cycles) for c in rest]
    together = _requirement_for(chosen + rest, cycles)
    separate_seus = sum((r.seus for r in alone), ZERO)
    separate_fee = sum((r.fee_amount for r in alone), ZERO)
    if not (together.seus < separate_seus or together.fee_amount < separate_fee):
        return None
    return Offer(
        credentials=chosen + rest,
        seus=together.seus,
        fee_text=together.fee_text,
        separate_seus=separate_seus,
        separate_fees=len(alone),
        separate_fee_text=format_fee(separate_fee, together.fee_currency),
    )


def renewal_plan(*, practitioner, quote):
    """The Plan of a Quote (selectors.renewal_quote): which counted entries the renewal
    uses, which stay, and what each other current credential counts before and after."""
    credentials = quote.credentials
    cycles = list(
        RenewalCycle.objects.filter(
            credential__in=credentials, status=RenewalCycle.Status.OPEN
        ).select_related("credential__program")
    )
    entries = list(
        seu_entries_counted(practitioner=practitioner, cycles=cycles)
        .select_related("category")
        .order_by("earned_on", "pk")
    )
    others = list(
        current_cycles(practitioner.credentials.all())
        .exclude(credential__in=credentials)
        .order_by("ends_on")
    )
    used = entries_to_use(entries, required=quote.requirement.seus, other_cycles=others)
    used_ids = {e.pk for e in used}
    counted_now = seus_counted_by_cycle(c.pk for c in others)
    other_rows = []
    for cycle in others:
        lost = sum((e.seus for e in used if _in_window(e, cycle)), ZERO)
        other_rows.append(
            OtherCredential(
                credential=cycle.credential,
                seus_required=cycle.seus_required,
                counted_now=counted_now[cycle.pk],
                counted_after=max(counted_now[cycle.pk] - lost, ZERO),
            )
        )
    return Plan(
        used=sorted(used, key=lambda e: (e.earned_on, e.pk)),
        left=[e for e in entries if e.pk not in used_ids],
        seus_used=sum((e.seus for e in used), ZERO),
        others=other_rows,
    )
