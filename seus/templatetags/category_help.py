"""{% category_help %}: what counts in each SEU category, with examples, shown where an
entry is logged. The text is the categories' own
description (admin: SEU categories), so a new category explains itself."""

from django import template
from django.utils.translation import gettext_lazy as _

from ..models import SeuCategory

register = template.Library()

# Examples beside the shipped descriptions (docs/domain.md, "SEUs").
EXAMPLES = {
    "A": _("a Scrum Gathering, a regional Scrum Alliance event: 1 SEU per hour attended"),
    "B": _("a CSM, CSPO or A-CSPO course, coaching by a Certified Scrum Trainer or Coach"),
    "C": _("an Agile conference, a meetup talk, a webinar run by another organisation"),
    "D": _("speaking at or organising a user group, reviewing Scrum Alliance content"),
    "E": _("reading a book on Scrum, watching a recorded talk, a podcast episode"),
    "F": _("a study group, a lean coffee, a community of practice session"),
}


@register.inclusion_tag("seus/_category_help.html")
def category_help():
    return {
        "categories": [
            {"category": c, "example": EXAMPLES.get(c.code, "")}
            for c in SeuCategory.objects.order_by("code")
        ]
    }
