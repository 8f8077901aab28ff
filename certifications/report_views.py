"""Staff reports: course completion rates and credentials issued per month, with CSV."""

from django.shortcuts import render

from cspo_tracker.csv_export import csv_response

from .permissions import staff_required
from .selectors import course_completion_report, credentials_issued_per_month


@staff_required
def reports(request):
    return render(
        request,
        "certifications/reports.html",
        {
            "courses": course_completion_report(),
            "per_month": credentials_issued_per_month(),
        },
    )


@staff_required
def courses_csv(request):
    return csv_response(
        "course-completion.csv",
        [
            "course",
            "program",
            "trainer",
            "starts_on",
            "ends_on",
            "status",
            "enrolled",
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
                c.issued,
                "" if c.completion_rate is None else f"{c.completion_rate:.1f}",
            ]
            for c in course_completion_report()
        ),
    )


@staff_required
def credentials_per_month_csv(request):
    return csv_response(
        "credentials-per-month.csv",
        ["month", "program", "credentials_issued"],
        (
            [f"{r['month']:%Y-%m}", r["program__code"], r["count"]]
            for r in credentials_issued_per_month()
        ),
    )
