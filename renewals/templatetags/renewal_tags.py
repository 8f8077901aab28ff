from django import template

from certifications.models import Credential

from ..selectors import format_fee, format_seus

register = template.Library()


@register.filter
def fee(obj):
    """A renewal's or cycle's fee as people write it: US$100."""
    return format_fee(obj.fee_amount, obj.fee_currency)


@register.filter
def seus(amount):
    """Decimal SEUs in words: "1 SEU", "17.5 SEUs"."""
    return format_seus(amount)


@register.filter
def status_label(value):
    """A credential status as people read it: "Renewal due", not `renewal_due`."""
    try:
        return Credential.Status(value).label
    except ValueError:
        return value


@register.filter
def offset_label(offset):
    """A reminder's timing as people read it: "90 days before expiry", "expiry day"."""
    days = offset.days_before_expiry
    if days == 0:
        return "expiry day"
    unit = "day" if abs(days) == 1 else "days"
    return f"{abs(days)} {unit} {'before' if days > 0 else 'after'} expiry"
