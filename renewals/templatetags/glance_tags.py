"""{% card_glance progress %}: the at-a-glance block of a dashboard card (issue 8),
reading the Glance the dashboard view computed for all cards at once."""

from django import template

from renewals.glance_svg import category_rows, earned_chart

register = template.Library()


@register.inclusion_tag("renewals/_card_chart.html", takes_context=True)
def card_glance(context, progress):
    glance = context.get("glances", {}).get(progress.credential.pk)
    if glance is None:
        return {"glance": None}
    code = progress.credential.program.code
    return {
        "glance": glance,
        "program_code": code,
        "chart": earned_chart(glance, label=f"{code}: SEUs counted over the window"),
        "categories": category_rows(glance),
    }
