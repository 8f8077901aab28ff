"""Staff reports' charts: credentials issued and renewed per month, renewal rate per
program and SEUs by category over a period, each downloadable as CSV."""

import datetime
import json
import re

import pytest
import time_machine
from django.urls import reverse

from renewals.models import RenewalCycle
from tests.factories import CredentialFactory, ProgramFactory, SeuEntryFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(datetime.datetime(2026, 6, 15, 12, tzinfo=datetime.UTC)):
        yield


def _lines(response):
    assert response.status_code == 200
    return b"".join(response.streaming_content).decode().splitlines()


def _renew(credential, on):
    credential.cycles.update(
        status=RenewalCycle.Status.COMPLETED,
        completed_at=datetime.datetime.combine(on, datetime.time(12), datetime.UTC),
    )


def _population():
    csm = ProgramFactory(code="CSM")
    a = CredentialFactory(issued_on=datetime.date(2026, 3, 20))
    CredentialFactory(issued_on=datetime.date(2026, 3, 2), program=csm)
    CredentialFactory(issued_on=datetime.date(2024, 3, 2))  # outside the default 12 months
    old = CredentialFactory(issued_on=datetime.date(2024, 5, 1))  # expires 2026-05-01
    CredentialFactory(issued_on=datetime.date(2024, 5, 2))  # expires 2026-05-02, not renewed
    _renew(old, datetime.date(2026, 4, 28))
    SeuEntryFactory(seus=4, earned_on=datetime.date(2026, 2, 1))
    SeuEntryFactory(seus=2.5, earned_on=datetime.date(2026, 2, 3))
    SeuEntryFactory(seus=7, earned_on=datetime.date(2024, 2, 3))  # outside
    return a


def test_issued_and_renewed_per_month_cover_the_last_twelve_months_by_default(staff_client):
    _population()
    lines = _lines(staff_client.get(reverse("staff_report_issued_renewed_csv")))
    assert lines[0] == "month,credentials_issued,credentials_renewed"
    assert lines[1] == "2025-07,0,0" and lines[-1] == "2026-06,0,0" and len(lines) == 13
    assert "2026-03,2,0" in lines and "2026-04,0,1" in lines


def test_the_period_narrows_every_chart_and_its_csv(staff_client):
    _population()
    period = {"from": "2026-03-01", "to": "2026-03-31"}
    assert _lines(staff_client.get(reverse("staff_report_issued_renewed_csv"), period)) == [
        "month,credentials_issued,credentials_renewed",
        "2026-03,2,0",
    ]
    period = {"from": "2026-05-01", "to": "2026-05-31"}
    assert _lines(staff_client.get(reverse("staff_report_renewal_rate_csv"), period)) == [
        "program,expiring_in_period,renewed,renewal_rate_percent",
        "CSPO,2,1,50.0",
    ]
    period = {"from": "2026-01-01", "to": "2026-06-15"}
    assert _lines(staff_client.get(reverse("staff_report_seus_csv"), period)) == [
        "category,name,seus",
        "E,Independent learning,6.50",
    ]


def test_the_page_draws_the_charts_from_embedded_data_with_no_inline_script(staff_client):
    _population()
    page = staff_client.get(
        reverse("staff_reports"), {"from": "2026-03-01", "to": "2026-04-30"}
    ).content.decode()
    data = json.loads(re.search(r'id="report-charts"[^>]*>(.*?)</script>', page, re.S)[1])
    assert data["months"] == {
        "labels": ["Mar 2026", "Apr 2026"],
        "issued": [2, 0],
        "renewed": [0, 1],
    }
    assert "vendor/chartjs/chart.umd.min.js" in page and "js/reports.js" in page
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", page, re.S)
    assert all(body.strip() == "" for attrs, body in scripts if "json" not in attrs)
    # Every script and stylesheet comes from this site (no CDN). Not a substring search:
    # a random nonce or CSRF token may spell "cdn".
    sources = re.findall(r'<(?:script|link)[^>]*(?:src|href)="([^"]+)"', page)
    assert sources and all(src.startswith("/") and not src.startswith("//") for src in sources)


@pytest.mark.parametrize(
    ("period", "field", "message"),
    [
        ({"from": "2026-05-01", "to": "2026-04-01"}, "to", "The end date is before the start"),
        ({"from": "yesterday"}, "from", "Enter a valid date"),
        ({"from": "2020-01-01", "to": "2026-01-01"}, "from", "at most three years"),
    ],
)
def test_a_bad_period_is_explained_beside_its_field_and_the_default_is_shown(
    staff_client, period, field, message
):
    response = staff_client.get(reverse("staff_reports"), period)
    assert response.status_code == 200
    page = response.content.decode()
    assert re.search(rf'id="report-{field}-error">[^<]*{message}', page)
    assert "Charts cover 1 Jul 2025 to 15 Jun 2026" in page


@pytest.mark.parametrize("size", [1, 40])
def test_the_chart_csvs_and_page_keep_their_query_count(
    staff_client, django_assert_max_num_queries, size
):
    for n in range(size):
        CredentialFactory(issued_on=datetime.date(2026, 1 + n % 5, 1))
        SeuEntryFactory(earned_on=datetime.date(2026, 2, 1 + n % 20))
    with django_assert_max_num_queries(9):
        response = staff_client.get(reverse("staff_reports"))
    assert response.status_code == 200
    for name in (
        "staff_report_issued_renewed_csv",
        "staff_report_renewal_rate_csv",
        "staff_report_seus_csv",
    ):
        with django_assert_max_num_queries(6):
            _lines(staff_client.get(reverse(name)))


def _charts(response):
    return json.loads(
        re.search(r'id="report-charts"[^>]*>(.*?)</script>', response.content.decode()).group(1)
    )


def test_the_page_counts_a_periods_charts_once_per_cache_period_and_says_when(
    staff_client, settings, django_assert_max_num_queries
):
    settings.REPORTS_CACHE_SECONDS = 300
    _population()
    first = staff_client.get(reverse("staff_reports"))
    assert _charts(first)["months"]["issued"][-4] == 2  # March 2026
    assert "counted at 12:00, again every 5 minutes" in first.content.decode()
    CredentialFactory(issued_on=datetime.date(2026, 3, 5))
    with django_assert_max_num_queries(9):  # the three chart queries are not run again
        again = staff_client.get(reverse("staff_reports"))
    assert _charts(again)["months"]["issued"][-4] == 2  # as counted at 12:00
    csv = _lines(staff_client.get(reverse("staff_report_issued_renewed_csv")))
    assert "2026-03,3,0" in csv  # downloads count afresh
    with time_machine.travel(datetime.datetime(2026, 6, 15, 12, 5, 1, tzinfo=datetime.UTC)):
        later = staff_client.get(reverse("staff_reports"))
    assert _charts(later)["months"]["issued"][-4] == 3
    assert "counted at 12:05" in later.content.decode()
