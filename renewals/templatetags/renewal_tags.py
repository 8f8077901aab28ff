from django import template

from renewals.selectors import format_fee

register = template.Library()


@register.filter
def fee(obj):
    """A renewal's or cycle's fee as people write it: US$100."""
    return format_fee(obj.fee_amount, obj.fee_currency)
