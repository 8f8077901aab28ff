"""Keyboard-only use: on every form a practitioner fills, the
first Tab offers "Skip to main content", Tab alone reaches every field and button of the
form, each shows where the focus is, and a form can be filled and sent without a mouse."""

import datetime

import pytest

from seus.models import SeuEntry
from tests.e2e.conftest import log_in
from tests.factories import (
    PASSWORD,
    PractitionerFactory,
    UserFactory,
    credential_expiring,
    seus_for,
)

FOCUSED = """() => {
    const el = document.activeElement;
    const style = getComputedStyle(el);
    const ring = (style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0)
        || style.boxShadow !== 'none';
    return {key: el.name || el.id || el.textContent.trim().slice(0, 40),
            inForm: !!el.closest('main form'), ring: ring};
}"""

CONTROLS = """() => Array.from(document.querySelectorAll(
        'main form input, main form select, main form textarea, main form button'))
    .filter(el => el.type !== 'hidden' && !el.disabled && el.offsetParent !== null)
    .map(el => el.name || el.id || el.textContent.trim().slice(0, 40))"""


def tab_through(page, url):
    """Tab from the top of `url`: returns the controls of its forms that Tab reached and
    those reached without a visible focus indicator."""
    page.goto(url)
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Skip to main content"
    page.keyboard.press("Enter")  # past the navbar, as a keyboard user would
    wanted = set(page.evaluate(CONTROLS))
    reached, unmarked = set(), set()
    for _ in range(200):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        if not focused["inForm"]:
            if reached >= wanted:
                break
            continue
        reached.add(focused["key"])
        if not focused["ring"]:
            unmarked.add(focused["key"])
    return wanted, reached, unmarked


@pytest.mark.parametrize("width", [1280, 375])
def test_every_practitioner_form_is_reached_and_marked_by_tab_alone(page, width):
    today = datetime.date.today()
    holder = PractitionerFactory(user=UserFactory(first_name="Kim", last_name="Keys"))
    credential = credential_expiring(today + datetime.timedelta(days=60), holder=holder)
    seus_for(holder, 20, earned_on=today - datetime.timedelta(days=30))
    page.set_viewport_size({"width": width, "height": 900})
    log_in(page, holder.user.email, PASSWORD)
    page.wait_for_url("**/")
    forms = [
        "/seus/new/",
        "/profile/",
        f"/renewals/submit/?credential={credential.pk}",
        "/renewals/claim/",
        "/renewals/notifications/",
        "/verify/",
    ]
    problems = {}
    for url in forms:
        wanted, reached, unmarked = tab_through(page, url)
        assert wanted, f"{url}: no form found"
        if wanted - reached or unmarked:
            problems[url] = {"not reached": wanted - reached, "no focus ring": unmarked}
    assert problems == {}


def test_an_seu_is_logged_with_the_keyboard_alone(page):
    holder = PractitionerFactory(user=UserFactory(first_name="Kim", last_name="Keys"))
    log_in(page, holder.user.email, PASSWORD)
    page.wait_for_url("**/")
    page.goto("/")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")  # skip to the page's content

    def tab_to(name):
        for _ in range(60):
            page.keyboard.press("Tab")
            if page.evaluate("document.activeElement.name") == name:
                return
        raise AssertionError(f"Tab never reached {name}")

    page.goto("/seus/new/")
    earned = datetime.date.today() - datetime.timedelta(days=2)
    tab_to("earned_on")
    page.keyboard.type(f"{earned:%m%d%Y}")  # Chromium's en-US date field: month, day, year
    tab_to("category")
    page.keyboard.press("ArrowDown")  # the next category
    tab_to("activity")
    page.keyboard.type("Keyboard meetup")
    tab_to("seus")
    page.keyboard.type("2")
    page.keyboard.press("Enter")  # sends the form from a field, no click
    page.wait_for_url("**/seus/")
    entry = SeuEntry.objects.get(practitioner=holder)
    assert (entry.activity, entry.seus, entry.earned_on) == ("Keyboard meetup", 2, earned)
    assert entry.category.code != "A"
