"""{% category_help %}: what counts in each SEU category, with examples, shown where an
entry is logged. The text is the categories' own
description (admin: SEU categories), so a new category explains itself."""

from django import template

from ..models import SeuCategory

register = template.Library()

# Examples beside the shipped descriptions (docs/domain.md, "SEUs").
EXAMPLES = {
    "A": "a Scrum Gathering, a regional Scrum Alliance event: 1 SEU per hour attended",
    "B": "a CSM, CSPO or A-CSPO course, coaching by a Certified Scrum Trainer or Coach",
    "C": "an Agile conference, a meetup talk, a webinar run by another organisation",
    "D": "speaking at or organising a user group, reviewing Scrum Alliance content",
    "E": "reading a book on Scrum, watching a recorded talk, a podcast episode",
    "F": "a study group, a lean coffee, a community of practice session",
}


@register.inclusion_tag("seus/_category_help.html")
def category_help():
    return {
        "categories": [
            {"category": c, "example": EXAMPLES.get(c.code, "")}
            for c in SeuCategory.objects.order_by("code")
        ]
    }
