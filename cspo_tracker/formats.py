"""The one way the app writes money and dates, on pages, in emails and on PDFs.

Money: "US$100" for a whole amount, "US$100.50" otherwise; other currencies by their
symbol when it is unambiguous ("€175", "£90"), else by code ("CHF 120").
Dates: "9 Jan 2027" (settings.DATE_FORMAT is the same pattern for Django's own output).
"""

from datetime import date, datetime
from decimal import Decimal

from django.utils import timezone

CURRENCY_PREFIXES = {"USD": "US$", "EUR": "€", "GBP": "£"}
DATE_PATTERN = "j M Y"  # Django's notation for "9 Jan 2027"


def money(amount, currency="USD"):
    amount = Decimal(amount)
    if amount == amount.to_integral():
        number = f"{amount.quantize(Decimal('1')):,}"
    else:
        number = f"{amount.quantize(Decimal('0.01')):,}"
    prefix = CURRENCY_PREFIXES.get(currency)
    return f"{prefix}{number}" if prefix else f"{currency} {number}"


def how_many(number, singular, plural=None):
    """ "1 credential", "2 credentials": a real plural, never "credential(s)"."""
    return f"{number} {singular if number == 1 else plural or singular + 's'}"


def day(value):
    """A date (or a datetime, in the current time zone) as "9 Jan 2027"."""
    if value is None or value == "":
        return ""
    if isinstance(value, datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
        value = value.date()
    if not isinstance(value, date):
        return value
    return f"{value.day} {value:%b %Y}"
