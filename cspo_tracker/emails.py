"""One helper renders every email from templates/emails/; cspo_tracker.outbox stores and
delivers them.

An email named NAME has three templates: NAME_subject.txt (one line), NAME.txt and
NAME.html. The context always carries `site_url`. The subject and the text part are
rendered without HTML escaping (the "text" template engine); the HTML part escapes.
"""

from dataclasses import dataclass

from django.conf import settings
from django.template.loader import render_to_string


@dataclass(frozen=True)
class RenderedEmail:
    subject: str
    body_text: str
    body_html: str


def render_email(name, context):
    context = {"site_url": settings.SITE_URL, **context}
    subject = " ".join(
        render_to_string(f"emails/{name}_subject.txt", context, using="text").split()
    )
    return RenderedEmail(
        subject=subject,
        body_text=render_to_string(f"emails/{name}.txt", context, using="text"),
        body_html=render_to_string(f"emails/{name}.html", context),
    )
