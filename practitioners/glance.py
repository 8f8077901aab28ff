"""At a glance: for each dashboard card, the SEUs counted per category, the
SEUs earned over the look-back window, and the pace needed to reach the requirement by
expiry, read for all cards in a fixed number of queries.

The pace rule (docs/domain.md, "Pace"): the even-pace line rises from 0 SEUs on the day
pace is judged from (the later of the window's start and the credential's issue date: no
one is behind for the time before they held it) to `seus_required` at the window's end.
The holder is behind once that line asks for a whole SEU (PACE_SLACK) more than they have
counted; until then they are on pace, up to "the date by which the pace must rise".
"""

import math
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cspo_tracker.formats import day
from seus.models import SeuCategory, SeuEntry

ZERO = Decimal("0")
DAYS_PER_MONTH = Decimal("30.4375")
PACE_SLACK = Decimal("1")  # one SEU (an hour of learning) short is not yet behind


@dataclass(frozen=True)
class CategoryShare:
    code: str
    name: str
    seus: Decimal


@dataclass(frozen=True)
class Glance:
    """Where one cycle stands: per category, over time, and against the pace."""

    window_starts_on: date
    ends_on: date
    today: date
    required: Decimal
    counted: Decimal
    categories: list = field(default_factory=list)
    # (date, SEUs counted up to that day), one point per day SEUs were earned.
    points: list = field(default_factory=list)
    issued_on: date | None = None

    @property
    def paced_from(self):
        """The day the even-pace line starts: the window's start, or the issue date when
        the credential was issued inside its window."""
        if self.issued_on is None:
            return self.window_starts_on
        return max(self.window_starts_on, self.issued_on)

    @property
    def window_days(self):
        return max((self.ends_on - self.window_starts_on).days, 1)

    @property
    def met(self):
        return self.counted >= self.required

    @property
    def pace_date(self):
        """The last day the counted SEUs keep the holder on an even pace to the
        requirement; None once the requirement is met."""
        if self.met or not self.required:
            return None
        span = max((self.ends_on - self.paced_from).days, 1)
        share = min((self.counted + PACE_SLACK) / self.required, Decimal(1))
        return self.paced_from + timedelta(days=math.floor(share * span))

    @property
    def not_started(self):
        return self.today < self.window_starts_on

    @property
    def behind(self):
        pace_date = self.pace_date
        return pace_date is not None and not self.not_started and self.today > pace_date

    @property
    def seus_per_month_needed(self):
        """SEUs a month from today to reach the requirement by the end of the window."""
        missing = max(self.required - self.counted, ZERO)
        days = (self.ends_on - max(self.today, self.window_starts_on)).days
        if days <= 0:
            return missing
        return (missing / Decimal(days) * DAYS_PER_MONTH).quantize(Decimal("0.1"))

    @property
    def pace_text(self):
        """One sentence on the pace, in plain words."""
        if self.met:
            return _("All SEUs counted for this window.")
        if self.today > self.ends_on:
            return _("The window closed on %(day)s.") % {"day": day(self.ends_on)}
        if self.not_started:
            return _("This window opens on %(day)s: SEUs earned from then count.") % {
                "day": day(self.window_starts_on)
            }
        needed = _seus(self.seus_per_month_needed)
        if self.behind:
            # Translators: %(needed)s and %(required)s read "2.5 SEUs".
            return _(
                "Behind pace since %(since)s: earn about %(needed)s a month "
                "to reach %(required)s by %(ends_on)s."
            ) % {
                "since": day(self.pace_date),
                "needed": needed,
                "required": _seus(self.required),
                "ends_on": day(self.ends_on),
            }
        return _("On pace until %(day)s: earn more SEUs by then to stay on pace.") % {
            "day": day(self.pace_date)
        }


def _seus(amount):
    amount = amount.normalize() if amount != amount.to_integral() else amount.quantize(1)
    # A fractional amount reads as a plural; ngettext needs a whole number to choose by.
    count = int(amount) if amount == amount.to_integral() else 2
    return ngettext("%(number)s SEU", "%(number)s SEUs", count) % {"number": f"{amount:f}"}


def glances_for(progresses):
    """{credential_id: Glance} for the progress rows that have a current cycle: one
    query (the holders' unconsumed entries across all windows, with their category)
    whatever the number of cards."""
    rows = [p for p in progresses if p.cycle is not None]
    if not rows:
        return {}
    holders = {p.credential.holder_id for p in rows}
    starts = min(p.cycle.window_starts_on for p in rows)
    ends = max(p.cycle.ends_on for p in rows)
    entries = list(
        SeuEntry.objects.unconsumed()
        .filter(practitioner_id__in=holders, earned_on__gte=starts, earned_on__lte=ends)
        .order_by("earned_on", "pk")
        .values_list(
            "practitioner_id",
            "earned_on",
            "category_id",
            "seus",
            "category__code",
            "category__name",
            "category__cap",
        )
    )
    categories = {}
    for row in entries:
        if row[2] not in categories:
            categories[row[2]] = SeuCategory(pk=row[2], code=row[4], name=row[5], cap=row[6])
    entries = [row[:4] for row in entries]
    return {p.credential.pk: _glance(p, entries, categories) for p in rows}


def _glance(progress, entries, categories):
    cycle = progress.cycle
    running = defaultdict(lambda: ZERO)
    points = []
    total = ZERO  # SEUs counted so far: each category's running sum, capped
    for holder_id, earned_on, category_id, seus in entries:
        if holder_id != progress.credential.holder_id:
            continue
        if not cycle.window_starts_on <= earned_on <= cycle.ends_on:
            continue
        before = running[category_id]
        running[category_id] = before + seus
        cap = categories[category_id].cap
        total += seus if cap is None else min(before + seus, cap) - min(before, cap)
        if points and points[-1][0] == earned_on:
            points[-1] = (earned_on, total)
        else:
            points.append((earned_on, total))
    shares = []
    for category_id, amount in sorted(running.items(), key=lambda i: categories[i[0]].code):
        category = categories[category_id]
        counted = min(amount, category.cap) if category.cap is not None else amount
        shares.append(CategoryShare(category.code, category.name, counted))
    return Glance(
        window_starts_on=cycle.window_starts_on,
        ends_on=cycle.ends_on,
        today=progress.today,
        required=progress.seus_required,
        counted=progress.seus_counted,
        categories=shares,
        points=points,
        issued_on=progress.credential.issued_on,
    )
