"""Money, dates and numbers in the active language (Babel); English as it always was."""

import datetime
from decimal import Decimal

import pytest
from django.template import engines
from django.utils import translation
from django.utils.translation import ngettext_lazy

from cspo_tracker.formats import day, how_many, money, number

DAY = datetime.date(2026, 12, 7)


@pytest.mark.parametrize(
    ("language", "long", "text"),
    [
        ("en", False, "7 Dec 2026"),
        ("en", True, "7 December 2026"),
        ("de", True, "7. Dezember 2026"),
        ("de", False, "07.12.2026"),
        ("ja", True, "2026年12月7日"),
        ("pt-br", True, "7 de dezembro de 2026"),
        ("es", True, "7 de diciembre de 2026"),
    ],
)
def test_a_date_reads_as_each_language_writes_it(language, long, text):
    with translation.override(language):
        assert day(DAY, long=long) == text


def test_english_abbreviates_every_month_to_three_letters():
    with translation.override("en"):
        assert day(datetime.date(2025, 9, 18)) == "18 Sep 2025"


@pytest.mark.parametrize(
    ("language", "amount", "currency", "text"),
    [
        ("pt-br", "100", "USD", "US$ 100,00"),
        ("en", "100", "USD", "US$100"),
        ("en", "99.5", "USD", "US$99.50"),
        ("en", "120", "CHF", "CHF 120"),
        ("de", "100", "USD", "100,00 $"),
        ("de", "1250.5", "EUR", "1.250,50 €"),
        ("ja", "100", "USD", "$100.00"),
    ],
)
def test_money_reads_as_each_language_writes_it(language, amount, currency, text):
    with translation.override(language):
        assert money(Decimal(amount), currency) == text


def test_numbers_and_counts_follow_the_language():
    with translation.override("de"):
        assert number(1250) == "1.250"
        assert how_many(1000, "credential") == "1.000 credentials"
    credentials = ngettext_lazy("%(count)s credential", "%(count)s credentials", "count")
    assert how_many(1, credentials) == "1 credential"
    assert how_many(2, credentials) == "2 credentials"


def test_the_template_filters_follow_the_active_language():
    template = engines["django"].from_string("{{ d|day }} {{ a|money:'USD' }}")
    with translation.override("pt-br"):
        assert template.render({"d": DAY, "a": Decimal("100")}) == "7 de dez. de 2026 US$ 100,00"
