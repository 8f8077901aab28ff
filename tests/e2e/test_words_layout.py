"""Layout the words need room for, at 1280 and 375 px: the navbar shows the whole address
when there is space, the report charts' labels are not cut, and the two-factor page is
styled like the rest. Screenshots go to test-artifacts/ (look at them)."""

import datetime

import pytest

from tests.e2e.conftest import ARTIFACTS
from tests.e2e.test_phone_width import sign_in_as
from tests.factories import (
    CredentialFactory,
    PractitionerFactory,
    ProgramFactory,
    SeuCategoryFactory,
    SeuEntryFactory,
    StaffFactory,
)

LONG_EMAIL = "maximiliane.oberhuber-wittgenstein@example.org"
CUT = "e => e.scrollWidth > e.clientWidth + 1"
WIDTHS = [1280, 375]


def shoot(page, name):
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


@pytest.mark.parametrize("width", WIDTHS)
def test_the_navbar_shows_the_whole_address_when_there_is_room(page, live_server, width):
    practitioner = PractitionerFactory(user__email=LONG_EMAIL)
    sign_in_as(page, live_server, practitioner.user)
    page.set_viewport_size({"width": width, "height": 800})
    page.goto("/profile/")
    if width < 768:
        page.get_by_role("button", name="Toggle navigation").click()
        page.locator("#mainnav.collapse.show").wait_for()  # opened, not still sliding
    address = page.locator("nav.navbar .navbar-text")
    address.wait_for(state="visible")
    shoot(page, f"words-navbar-{width}")
    assert address.inner_text() == LONG_EMAIL
    assert not address.evaluate(CUT)
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def test_a_staff_navbar_still_fits_one_row_with_the_address_cut_only_as_needed(page, live_server):
    staff = StaffFactory(email=LONG_EMAIL)
    sign_in_as(page, live_server, staff)
    page.goto("/staff/")
    shoot(page, "words-navbar-staff-1280")
    assert page.locator("nav.navbar .container").bounding_box()["height"] < 70
    log_out = page.get_by_role("button", name="Log out").bounding_box()
    assert log_out["x"] + log_out["width"] <= 1280
    address = page.locator("nav.navbar .navbar-text")
    assert address.is_visible()
    assert address.evaluate(CUT)  # too long for this row...
    # ...so it takes all the room the links leave: no gap between them and the address side.
    links = page.locator("#mainnav > .navbar-nav").first.bounding_box()
    right = page.locator("#mainnav > .navbar-nav").last.bounding_box()
    assert right["x"] - (links["x"] + links["width"]) < 24


@pytest.mark.parametrize("width", WIDTHS)
def test_report_chart_labels_are_not_cut(page, live_server, width):
    day = datetime.date(2026, 3, 2)
    for code in "ABCDEF":
        SeuEntryFactory(category=SeuCategoryFactory(code=code), earned_on=day)
    CredentialFactory(
        program=ProgramFactory(code="CSPO-A", name="Advanced Certified Scrum Product Owner"),
        issued_on=day,
    )
    sign_in_as(page, live_server, StaffFactory())
    page.set_viewport_size({"width": width, "height": 800})
    page.goto("/staff/reports/?from=2026-01-01&to=2026-06-30")
    shoot(page, f"words-reports-{width}")
    charts = page.evaluate(
        """() => ['chart-months', 'chart-rates', 'chart-categories'].map(id => {
          const chart = Chart.getChart(document.getElementById(id));
          const axis = chart.options.indexAxis === 'y' ? chart.scales.y : chart.scales.x;
          chart.ctx.save();
          chart.ctx.font = Chart.helpers.toFont(axis.options.ticks.font).string;
          const lines = axis.ticks.flatMap(t => [].concat(t.label));
          const widest = Math.max(...lines.map(l => chart.ctx.measureText(l).width));
          const lineHeight = Chart.helpers.toFont(axis.options.ticks.font).lineHeight;
          const tallest = Math.max(...axis.ticks.map(t => [].concat(t.label).length)) * lineHeight;
          chart.ctx.restore();
          return {id, vertical: axis.axis === 'y', ticks: axis.ticks.length,
                  labels: chart.data.labels.length, widest, room: axis.width, lines,
                  tallest, slot: axis.height / axis.ticks.length};
        })"""
    )
    for chart in charts:
        assert chart["ticks"] == chart["labels"], chart  # none skipped
        if chart["vertical"]:
            assert chart["widest"] <= chart["room"], chart  # none runs past the left edge
            assert chart["tallest"] <= chart["slot"], chart  # nor into its neighbour


@pytest.mark.parametrize("width", WIDTHS)
def test_the_two_factor_page_is_laid_out_like_the_rest(page, live_server, width):
    sign_in_as(page, live_server, PractitionerFactory().user)
    page.set_viewport_size({"width": width, "height": 800})
    page.goto("/accounts/2fa/")
    shoot(page, f"words-two-factor-{width}")
    assert page.locator("main section.card").count() == 3
    activate = page.get_by_role("link", name="Activate")
    assert activate.evaluate("e => getComputedStyle(e).backgroundColor") != "rgba(0, 0, 0, 0)"
    assert page.evaluate("document.documentElement.scrollWidth") <= width
