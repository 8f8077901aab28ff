"""Staff reports in Chromium: the charts are drawn under the strict CSP (vendored
Chart.js, data from json_script) and the staff pages fit at 1280 and 375 px."""

import datetime

from tests.e2e.conftest import ARTIFACTS, log_in
from tests.factories import PASSWORD, CredentialFactory, SeuEntryFactory, StaffFactory


def test_staff_see_the_report_charts_drawn_and_the_navbar_on_one_line(page, live_server):
    CredentialFactory(issued_on=datetime.date(2026, 3, 2))
    SeuEntryFactory(earned_on=datetime.date(2026, 3, 5))
    staff = StaffFactory()
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    log_in(page, staff.email, PASSWORD)
    page.wait_for_url("**/")
    page.goto("/staff/reports/?from=2026-01-01&to=2026-06-30")
    for chart in ("chart-months", "chart-rates", "chart-categories"):
        assert page.evaluate(f"!!Chart.getChart(document.getElementById('{chart}'))")
    # The datasets' labels are the page's translated words, carried to the script by data-*.
    labels = page.evaluate(
        "[...Chart.getChart(document.getElementById('chart-months')).data.datasets,"
        " ...Chart.getChart(document.getElementById('chart-rates')).data.datasets]"
        ".map(d => d.label)"
    )
    assert labels == ["Issued", "Renewed", "Renewed (%)"]
    assert not [e for e in errors if "Content Security Policy" in e]
    nav = page.locator("nav.navbar .container")
    assert nav.bounding_box()["height"] < 70  # one row of links at 1280 px
    log_out = page.get_by_role("button", name="Log out").bounding_box()
    assert log_out["height"] < 40
    assert log_out["x"] + log_out["width"] <= 1280  # nothing pushed off the right edge
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "staff-reports-1280.png"), full_page=True)
    page.goto("/renewals/staff/")
    page.screenshot(path=str(ARTIFACTS / "staff-renewals-1280.png"), full_page=True)
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto("/staff/reports/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.screenshot(path=str(ARTIFACTS / "staff-reports-375.png"), full_page=True)
