"""One money format, one date format, one name for each action."""

import datetime
import re
from decimal import Decimal

import pytest
from django.template import engines
from django.urls import reverse

from cspo_tracker.formats import day, money

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("amount", "currency", "text"),
    [
        (Decimal("100"), "USD", "US$100"),
        (Decimal("100.00"), "USD", "US$100"),
        (Decimal("99.5"), "USD", "US$99.50"),
        (Decimal("1250"), "USD", "US$1,250"),
        (Decimal("175"), "EUR", "€175"),
        (Decimal("120"), "CHF", "CHF 120"),
    ],
)
def test_money_is_written_one_way(amount, currency, text):
    assert money(amount, currency) == text


def test_dates_are_written_one_way_in_python_and_templates():
    value = datetime.date(2027, 1, 9)
    assert day(value) == "9 Jan 2027"
    html = engines["django"].from_string("{{ d|day }} {{ d|date }} {{ a|money:'USD' }}")
    assert html.render({"d": value, "a": Decimal("100")}) == "9 Jan 2027 9 Jan 2027 US$100"


def test_pages_say_log_in_never_sign_in(client):
    for name in ("account_login", "account_signup", "account_reset_password"):
        page = client.get(reverse(name)).content.decode()
        assert "Sign In" not in page and "Sign in" not in page, name
    login = client.get(reverse("account_login")).content.decode()
    assert ">Log in</button>" in re.sub(r"\s+<", "<", re.sub(r">\s+", ">", login))


def test_templates_use_the_one_date_filter_not_ad_hoc_formats():
    """No template spells out a long or zero-padded date format of its own."""
    from pathlib import Path

    root = Path(__file__).resolve().parents[2] / "templates"
    offenders = [
        str(path.relative_to(root))
        for path in root.rglob("*.*")
        for pattern in ('date:"j F Y"', 'date:"l j F Y"', 'date:"d M Y"', 'date:"j M Y"')
        if pattern in path.read_text()
    ]
    assert offenders == []
