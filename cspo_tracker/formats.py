"""The one way the app writes money, dates and numbers, on pages, in emails and on PDFs,
in the active language (Babel's CLDR data: no hand-written per-language patterns).

English keeps the site's house style: "9 Jan 2027" (CLDR's British medium date), money
"US$100" for a whole amount and "US$100.50" otherwise, "€175", "CHF 120". Other languages
get CLDR's own forms: "07.12.2026" and "100,00 $" in German, "US$ 100,00" in Brazilian
Portuguese, "2026/12/07" in Japanese. `day(value, long=True)` reads in full where a whole
date reads better (certificates, emails): "7. Dezember 2026", "2026年12月7日".
"""

import re
from datetime import date, datetime
from decimal import Decimal

from babel import Locale, UnknownLocaleError
from babel.dates import format_date
from babel.numbers import format_decimal, parse_pattern
from django.utils import timezone, translation
from django.utils.functional import Promise

# The English the site writes is British in its dates ("9 Jan 2027", not "Jan 9, 2027").
BABEL_LOCALES = {"en": "en_GB"}
# British CLDR abbreviates September as "Sept"; the house style keeps three letters for
# every month ("18 Sep 2025"), so English medium dates take the English month names.
ENGLISH_MEDIUM_DATE = "d MMM y"
# Languages whose whole amounts drop the cents ("US$100"): English, as it always has.
WHOLE_AMOUNTS_WITHOUT_CENTS = {"en"}
# CLDR's currency spacing: a symbol made of letters ("CHF") is set apart from the digits.
_LETTER_THEN_DIGIT = re.compile(r"(?<=[A-Za-z])(?=\d)|(?<=\d)(?=[A-Za-z])")


def language():
    return translation.get_language() or "en"


def babel_locale(code=None):
    """The Babel locale of a Django language code ("pt-br" → pt_BR)."""
    code = (code or language()).lower()
    name = BABEL_LOCALES.get(code) or translation.to_locale(code)
    try:
        return Locale.parse(name)
    except (UnknownLocaleError, ValueError):
        return Locale.parse(BABEL_LOCALES["en"])


def money(amount, currency="USD"):
    amount = Decimal(amount)
    locale = babel_locale()
    pattern = parse_pattern(locale.currency_formats["standard"].pattern)
    if amount == amount.to_integral() and language().lower() in WHOLE_AMOUNTS_WITHOUT_CENTS:
        pattern.frac_prec = (0, 0)
        text = pattern.apply(amount, locale, currency=currency, currency_digits=False)
    else:
        text = pattern.apply(amount, locale, currency=currency)
    return _LETTER_THEN_DIGIT.sub("\N{NO-BREAK SPACE}", text).replace("\N{NO-BREAK SPACE}", " ")


def number(value):
    """1250 → "1,250" (en), "1.250" (de)."""
    return format_decimal(value, locale=babel_locale())


def how_many(number_, singular, plural=None):
    """ "1 credential", "2 credentials": a real plural, never "credential(s)".

    `singular` may be an ngettext_lazy message with a %(count)s placeholder (each
    language's own plural rule); the two-word form picks the English plural, translated
    through ngettext when the pair is in the catalogs."""
    if isinstance(singular, Promise) and plural is None:
        return singular % {"count": number_}
    words = translation.ngettext(singular, plural or singular + "s", number_)
    return f"{number(number_)} {words}"


def day(value, long=False):
    """A date (or a datetime, in the current time zone) as "9 Jan 2027" in English and
    CLDR's medium date in the others; `long` for "7 December 2026"."""
    if value is None or value == "":
        return ""
    if isinstance(value, datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
        value = value.date()
    if not isinstance(value, date):
        return value
    locale = babel_locale()
    if not long and locale.language == "en":
        return format_date(value, ENGLISH_MEDIUM_DATE, locale="en")
    return format_date(value, "long" if long else "medium", locale=locale)
