"""{% audit_notices practitioner %}: the dashboard notice of open SEU audits (issue 9)."""

from django import template

from renewals.audits import open_audits_of

register = template.Library()


@register.inclusion_tag("renewals/_audit_notice.html")
def audit_notices(practitioner):
    return {"audits": list(open_audits_of(practitioner)) if practitioner else []}
