"""Template filters for the app's one money and one date format (cspo_tracker/formats.py).
Registered as template builtins (settings.TEMPLATES), so every template has them."""

from django import template

from .. import formats

register = template.Library()


@register.filter
def day(value):
    """{{ credential.expires_on|day }} → 9 Jan 2027"""
    return formats.day(value)


@register.filter
def money(obj, currency=None):
    """{{ renewal|money }} (an object with fee_amount and fee_currency) or
    {{ amount|money:"USD" }} → US$100"""
    if obj is None or obj == "":
        return ""
    if currency is None and hasattr(obj, "fee_amount"):
        return formats.money(obj.fee_amount, obj.fee_currency)
    return formats.money(obj, currency or "USD")
