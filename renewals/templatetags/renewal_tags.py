from django import template

from renewals.selectors import format_fee, format_seus

register = template.Library()


@register.filter
def fee(obj):
    """A renewal's or cycle's fee as people write it: US$100."""
    return format_fee(obj.fee_amount, obj.fee_currency)


@register.filter
def seus(amount):
    """Decimal SEUs in words: "1 SEU", "17.5 SEUs"."""
    return format_seus(amount)
