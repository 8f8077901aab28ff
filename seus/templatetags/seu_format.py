from decimal import Decimal, InvalidOperation

from django import template

register = template.Library()


@register.filter
def seus(value):
    """An amount of SEUs without trailing zeros: 6.5, 20, 0.25."""
    if value is None or value == "":
        return "0"
    try:
        return f"{Decimal(value).normalize():f}"
    except (InvalidOperation, TypeError, ValueError):
        return value
