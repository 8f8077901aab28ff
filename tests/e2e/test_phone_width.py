"""At 375 px no practitioner or public page is wider than the
screen, and the navbar's links are readable (contrast at least 4.5:1) with the current
page marked."""

import datetime
from decimal import Decimal

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from tests.factories import CredentialFactory, PractitionerFactory, SeuEntryFactory

PHONE = {"width": 375, "height": 800}
WIDER_THAN_THE_SCREEN = """[...document.querySelectorAll('body *')]
  .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
  .map(e => e.tagName + '.' + e.className).slice(0, 5)"""
LONG = "Scaling agile product ownership across eleven distributed teams: a retrospective"


def sign_in_as(page, live_server, user):
    """The browser carries a session of `user` (no login form: this test is about layout)."""
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": live_server.url}]
    )


@pytest.fixture
def holder():
    """A practitioner with two credentials, long names and a full SEU log."""
    today = timezone.now().date()
    practitioner = PractitionerFactory(
        user__first_name="Maximiliane-Konstanze", user__last_name="Oberhuber-Wittgenstein"
    )
    cspo = CredentialFactory(holder=practitioner, issued_on=today - datetime.timedelta(days=200))
    CredentialFactory(
        holder=practitioner, program__code="CSM", issued_on=today - datetime.timedelta(days=90)
    )
    for days_ago in range(1, 13):
        SeuEntryFactory(
            practitioner=practitioner,
            earned_on=today - datetime.timedelta(days=days_ago),
            seus=Decimal("1.75"),
            activity=LONG if days_ago % 3 else "Book club",
            provider="International Product Ownership Community of Practice",
        )
    return practitioner, cspo


PRACTITIONER_PAGES = [
    "/",
    "/seus/",
    "/seus/new/",
    "/seus/{entry}/edit/",
    "/seus/{entry}/delete/",
    "/profile/",
    "/renewals/",
    "/renewals/submit/",
    "/renewals/submit/?credential={credential}",
    "/verify/{number}/",
    "/credentials/{number}/wallet/",
    "/profile/name/",
    "/no-such-page/",
]
PUBLIC_PAGES = [
    "/verify/",
    "/verify/{number}/",
    "/verify/NOT-A-NUMBER/",
    "/accounts/login/",
    "/accounts/signup/",
    "/accounts/password/reset/",
    "/issuer/",
    "/no-such-page/",
]


def _fill(path, holder):
    practitioner, credential = holder
    entry = practitioner.seu_entries.order_by("pk").first()
    return path.format(
        entry=entry.pk, credential=credential.pk, number=credential.certificate_number
    )


def _assert_fits(page, path):
    page.goto(path)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], (path, width, page.evaluate(WIDER_THAN_THE_SCREEN))


# English, and German for its longest words.
LANGUAGES = ["en", "de"]


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("path", PRACTITIONER_PAGES)
def test_no_practitioner_page_is_wider_than_a_phone(page, live_server, holder, path, language):
    sign_in_as(page, live_server, holder[0].user)
    page.set_extra_http_headers({"Accept-Language": language})
    page.set_viewport_size(PHONE)
    _assert_fits(page, _fill(path, holder))
    assert page.evaluate("document.documentElement.lang") == language


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_no_public_page_is_wider_than_a_phone(page, holder, path, language):
    page.set_extra_http_headers({"Accept-Language": language})
    page.set_viewport_size(PHONE)
    _assert_fits(page, _fill(path, holder))


def test_the_seu_log_is_a_stack_of_cards_on_a_phone_with_nothing_clipped(
    page, live_server, holder, screenshot
):
    sign_in_as(page, live_server, holder[0].user)
    page.set_viewport_size(PHONE)
    page.goto("/seus/")
    row = page.locator("tr.seu-entry").first
    assert row.evaluate("e => getComputedStyle(e).display") == "block"
    for element in page.locator("tr.seu-entry .btn, tr.seu-entry .badge").all():
        box = element.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
        assert element.evaluate("e => e.scrollWidth <= e.clientWidth + 1")
    screenshot("phone-seu-log")


def _luminance(rgb):
    def channel(c):
        c = c / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def _rgb(css):
    values = css[css.index("(") + 1 : css.index(")")].split(",")
    return [float(v) for v in values[:3]], float(values[3]) if len(values) > 3 else 1.0


def contrast(foreground_css, background_css):
    (fg, alpha), (bg, _) = _rgb(foreground_css), _rgb(background_css)
    fg = [alpha * f + (1 - alpha) * b for f, b in zip(fg, bg, strict=True)]
    light, dark = sorted((_luminance(fg), _luminance(bg)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def test_navbar_links_are_readable_and_the_current_page_is_marked(page, live_server, holder):
    sign_in_as(page, live_server, holder[0].user)
    page.goto("/seus/")
    background = page.locator("nav.navbar").evaluate("e => getComputedStyle(e).backgroundColor")
    links = page.locator("nav.navbar .nav-link")
    assert links.count() >= 4
    for link in links.all():
        color = link.evaluate("e => getComputedStyle(e).color")
        assert contrast(color, background) >= 4.5, (link.inner_text(), color, background)
    current = page.locator('nav.navbar [aria-current="page"]')
    assert current.count() == 1 and current.inner_text() == "SEU log"
    page.goto("/profile/")
    assert page.locator('nav.navbar [aria-current="page"]').inner_text() == "Profile"
