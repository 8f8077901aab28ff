"""Staff reports: course completion (paginated), and charts over a date range of
credentials issued and renewed, the renewal rate per program and SEUs by category, each
with a CSV download. Here, above every app, because the charts read all three."""

from decimal import Decimal

from django.conf import settings
from django.shortcuts import render
from django.utils import timezone

from certifications.permissions import staff_required
from certifications.selectors import course_completion_report, credentials_issued_per_month
from cspo_tracker.csv_export import streaming_csv_response
from cspo_tracker.paging import bounded_page
from renewals.payments import selectors as payments

from . import selectors as reports

COURSES_PER_PAGE = 25


def _period(request):
    form = reports.ReportRangeForm(request.GET or None, today=timezone.localdate())
    start, end = form.period()
    return form, start, end


def _two_places(value):
    return f"{Decimal(value or 0).quantize(Decimal('0.01'))}"


def _range_suffix(start, end):
    return f"{start:%Y-%m-%d}-to-{end:%Y-%m-%d}"


@staff_required
def staff_reports(request):
    form, start, end = _period(request)
    # At most PAGER_COUNT_CAP + 1 courses counted ("1,000+"): no COUNT(*) of every course.
    page = bounded_page(
        course_completion_report(), request.GET.get("page"), per_page=COURSES_PER_PAGE
    )
    charts = reports.charts_for(start=start, end=end)
    months, rates, categories = charts.months, charts.rates, charts.categories
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "staff/reports.html",
        {
            "form": form,
            "start": start,
            "end": end,
            "range_query": f"from={start:%Y-%m-%d}&to={end:%Y-%m-%d}",
            "page_query": query.urlencode(),
            "page": page,
            "courses": page.object_list,
            "months": months,
            "rates": rates,
            "categories": categories,
            "counted_at": charts.computed_at,
            "fees": list(payments.fees_per_month(start=start, end=end)),
            "refresh_minutes": max(1, settings.REPORTS_CACHE_SECONDS // 60),
            "charts": reports.chart_data(
                start=start, end=end, months=months, rates=rates, categories=categories
            ),
        },
    )


@staff_required
def courses_csv(request):
    return streaming_csv_response(
        "course-completion.csv",
        [
            "course",
            "program",
            "trainer",
            "starts_on",
            "ends_on",
            "status",
            "enrolled",
            "completed",
            "issued",
            "completion_rate_percent",
        ],
        (
            [
                c.title,
                c.program.code,
                str(c.trainer),
                c.starts_on,
                c.ends_on,
                c.status,
                c.enrolled,
                c.completed,
                c.issued,
                "" if c.completion_rate is None else f"{c.completion_rate:.1f}",
            ]
            for c in course_completion_report().iterator(chunk_size=500)
        ),
    )


@staff_required
def credentials_per_month_csv(request):
    return streaming_csv_response(
        "credentials-per-month.csv",
        ["month", "program", "credentials_issued"],
        (
            [f"{r['month']:%Y-%m}", r["program__code"], r["count"]]
            for r in credentials_issued_per_month()
        ),
    )


@staff_required
def issued_renewed_csv(request):
    _form, start, end = _period(request)
    return streaming_csv_response(
        f"issued-and-renewed-{_range_suffix(start, end)}.csv",
        ["month", "credentials_issued", "credentials_renewed"],
        (
            [f"{r.month:%Y-%m}", r.issued, r.renewed]
            for r in reports.issued_and_renewed_per_month(start=start, end=end)
        ),
    )


@staff_required
def renewal_rate_csv(request):
    _form, start, end = _period(request)
    return streaming_csv_response(
        f"renewal-rate-{_range_suffix(start, end)}.csv",
        ["program", "expiring_in_period", "renewed", "renewal_rate_percent"],
        (
            [r.program, r.due, r.renewed, "" if r.rate is None else f"{r.rate:.1f}"]
            for r in reports.renewal_rate_per_program(start=start, end=end)
        ),
    )


@staff_required
def seus_by_category_csv(request):
    _form, start, end = _period(request)
    return streaming_csv_response(
        f"seus-by-category-{_range_suffix(start, end)}.csv",
        ["category", "name", "seus"],
        (
            [r.code, r.name, _two_places(r.seus)]
            for r in reports.seus_by_category(start=start, end=end)
        ),
    )


@staff_required
def fees_csv(request):
    """Renewal fees received online per month and currency, and what was refunded of them."""
    _form, start, end = _period(request)
    return streaming_csv_response(
        f"fees-received-{_range_suffix(start, end)}.csv",
        ["month", "currency", "payments", "received", "refunded", "net"],
        (
            [
                f"{r['month']:%Y-%m}",
                r["currency"],
                r["payments"],
                _two_places(r["received"]),
                _two_places(r["refunded"]),
                _two_places((r["received"] or 0) - (r["refunded"] or 0)),
            ]
            for r in payments.fees_per_month(start=start, end=end)
        ),
    )
