"""Reads for the staff reports' charts: credentials issued and renewed per month, the
renewal rate per program and SEUs by category, over a date range.

Each figure is one grouped query over an index on its date column, so its cost follows
the rows in the range. The page reads
them through `charts_for`, which keeps the three figures of a period in the cache for
REPORTS_CACHE_SECONDS, so the page costs the same at any size; the CSV downloads always
count afresh.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django import forms
from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from certifications.dates import add_months
from certifications.models import Credential
from renewals.models import RenewalCycle
from seus.models import SeuEntry

MAX_RANGE_DAYS = 3 * 366


class ReportRangeForm(forms.Form):
    """The period the charts cover: `from` and `to` (inclusive); by default the twelve
    months up to today."""

    start = forms.DateField(label=gettext_lazy("From"), required=False)
    end = forms.DateField(label=gettext_lazy("To"), required=False)

    def __init__(self, data=None, *, today):
        self.today = today
        super().__init__(
            {"start": data.get("from", ""), "end": data.get("to", "")} if data else None
        )

    def default_start(self):
        return add_months(self.today.replace(day=1), -11)

    def clean(self):
        cleaned = super().clean()
        start = cleaned.get("start") or self.default_start()
        end = cleaned.get("end") or self.today
        if "start" in self.errors or "end" in self.errors:
            return cleaned
        if end < start:
            self.add_error("end", _("The end date is before the start date."))
        elif (end - start).days > MAX_RANGE_DAYS:
            self.add_error("start", _("Choose a period of at most three years."))
        cleaned["start"], cleaned["end"] = start, end
        return cleaned

    def period(self):
        """(start, end) when valid, else the default twelve months."""
        if self.is_bound and self.is_valid():
            return self.cleaned_data["start"], self.cleaned_data["end"]
        return self.default_start(), self.today


def _months(start, end):
    month, last = start.replace(day=1), end.replace(day=1)
    while month <= last:
        yield month
        month = add_months(month, 1)


def _month_key(value):
    return value.date() if isinstance(value, datetime) else value


@dataclass(frozen=True)
class MonthRow:
    month: date
    issued: int
    renewed: int


def issued_and_renewed_per_month(*, start, end):
    """One row per month of the period: credentials issued (by issue date) and renewed
    (renewal cycles completed, by completion date, in the site's time zone)."""
    issued = dict(
        Credential.objects.filter(issued_on__range=(start, end))
        .annotate(month=TruncMonth("issued_on"))
        .values("month")
        .annotate(n=Count("pk"))
        .values_list("month", "n")
        .order_by()
    )
    zone = timezone.get_current_timezone()
    renewed = {
        _month_key(month): n
        for month, n in RenewalCycle.objects.filter(
            status=RenewalCycle.Status.COMPLETED,
            completed_at__gte=datetime.combine(start, time.min, zone),
            completed_at__lt=datetime.combine(end + timedelta(days=1), time.min, zone),
        )
        .annotate(month=TruncMonth("completed_at", tzinfo=zone))
        .values("month")
        .annotate(n=Count("pk"))
        .values_list("month", "n")
        .order_by()
    }
    issued = {_month_key(k): v for k, v in issued.items()}
    return [
        MonthRow(month, issued.get(month, 0), renewed.get(month, 0))
        for month in _months(start, end)
    ]


@dataclass(frozen=True)
class RateRow:
    program: str
    due: int
    renewed: int

    @property
    def rate(self):
        return round(self.renewed * 100 / self.due, 1) if self.due else None


def renewal_rate_per_program(*, start, end):
    """Per program: renewal cycles that ended (the credential's expiry) in the period and
    how many of them were renewed."""
    return [
        RateRow(row["credential__program__code"], row["due"], row["renewed"])
        for row in RenewalCycle.objects.filter(ends_on__range=(start, end))
        .values("credential__program__code")
        .annotate(
            due=Count("pk"), renewed=Count("pk", filter=Q(status=RenewalCycle.Status.COMPLETED))
        )
        .order_by("credential__program__code")
    ]


@dataclass(frozen=True)
class CategoryRow:
    code: str
    name: str
    seus: object


def seus_by_category(*, start, end):
    """SEUs logged per category, by the date they were earned."""
    return [
        CategoryRow(row["category__code"], row["category__name"], row["total"])
        for row in SeuEntry.objects.filter(earned_on__range=(start, end))
        .values("category__code", "category__name")
        .annotate(total=Sum("seus"))
        .order_by("category__code")
    ]


def chart_data(*, start, end, months, rates, categories):
    """What the page's script draws (passed through json_script)."""
    return {
        "months": {
            # Django's date format names the month in the active language ("Jan 2027").
            "labels": [date_format(r.month, "M Y") for r in months],
            "issued": [r.issued for r in months],
            "renewed": [r.renewed for r in months],
        },
        "rates": {
            "labels": [r.program for r in rates],
            "rate": [r.rate or 0 for r in rates],
        },
        "categories": {
            "labels": [f"{r.code} {r.name}" for r in categories],
            "seus": [float(r.seus or 0) for r in categories],
        },
    }


@dataclass(frozen=True)
class Charts:
    months: list
    rates: list
    categories: list
    computed_at: datetime


def charts_for(*, start, end):
    """The three figures of the period, counted at most once per REPORTS_CACHE_SECONDS
    (the page says when they were counted)."""
    key = f"reports:charts:{start:%Y-%m-%d}:{end:%Y-%m-%d}"
    charts = cache.get(key)
    if charts is None:
        charts = Charts(
            months=issued_and_renewed_per_month(start=start, end=end),
            rates=renewal_rate_per_program(start=start, end=end),
            categories=seus_by_category(start=start, end=end),
            computed_at=timezone.now(),
        )
        cache.set(key, charts, settings.REPORTS_CACHE_SECONDS)
    return charts
