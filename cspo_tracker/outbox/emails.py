"""One helper renders every email from templates/emails/; cspo_tracker.outbox.services stores and
delivers them.

An email named NAME has three templates: NAME_subject.txt (one line), NAME.txt and
NAME.html. The HTML part extends emails/_layout.html, the one branded, accessible layout
(the badge, the organisation's name, dark-mode-safe colours); the text part is its
plain-text twin. The context always carries `site_url`, `organisation_name` (the issuer,
CREDENTIAL_ISSUER_NAME), `badge_url` and `subject`. The subject and the text part are
rendered without HTML escaping (the "text" template engine); the HTML part escapes.
"""

from dataclasses import dataclass

from django.conf import settings
from django.template.loader import render_to_string
from django.templatetags.static import static


@dataclass(frozen=True)
class RenderedEmail:
    subject: str
    body_text: str
    body_html: str


def base_context():
    return {
        "site_url": settings.SITE_URL,
        "organisation_name": settings.CREDENTIAL_ISSUER_NAME,
        "badge_url": settings.SITE_URL + static("emails/badge.png"),
    }


def render_email(name, context):
    context = {**base_context(), **context}
    subject = " ".join(
        render_to_string(f"emails/{name}_subject.txt", context, using="text").split()
    )
    context["subject"] = subject
    return RenderedEmail(
        subject=subject,
        body_text=render_to_string(f"emails/{name}.txt", context, using="text"),
        body_html=render_to_string(f"emails/{name}.html", context),
    )


def html_twin(subject, body_text):
    """The branded HTML part of an email written as text elsewhere (django-allauth's
    account emails): the text in the layout, its links made clickable."""
    return render_to_string(
        "emails/_text_in_layout.html",
        {**base_context(), "subject": " ".join(subject.split()), "body_text": body_text},
    )
