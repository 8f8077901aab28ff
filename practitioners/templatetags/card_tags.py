"""The dashboard card's tags: {% card_glance progress %}, the at-a-glance block (it reads
the Glance the dashboard view computed for all cards at once); {% linkedin_button %}, the
card's "Add to LinkedIn profile"; {% audit_notices practitioner %}, open SEU audits."""

from django import template
from django.utils.translation import gettext as _

from certifications.verification.share import can_add_to_linkedin, linkedin_add_url
from renewals.audits.services import open_audits_of

from ..glance_svg import category_rows, earned_chart

register = template.Library()


@register.inclusion_tag("practitioners/_card_chart.html", takes_context=True)
def card_glance(context, progress):
    glance = context.get("glances", {}).get(progress.credential.pk)
    if glance is None:
        return {"glance": None}
    code = progress.credential.program.code
    return {
        "glance": glance,
        "program_code": code,
        "chart": earned_chart(
            glance, label=_("%(code)s: SEUs counted over the window") % {"code": code}
        ),
        "categories": category_rows(glance),
    }


@register.inclusion_tag("practitioners/_card_share.html")
def linkedin_button(credential, today=None):
    if not can_add_to_linkedin(credential, today=today):
        return {"url": None}
    return {"url": linkedin_add_url(credential), "credential": credential}


@register.inclusion_tag("practitioners/_audit_notice.html")
def audit_notices(practitioner):
    return {"audits": list(open_audits_of(practitioner)) if practitioner else []}
