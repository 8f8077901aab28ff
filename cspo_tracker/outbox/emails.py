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
from django.template import Context
from django.template.loader import get_template, render_to_string
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


class EmailRenderer:
    """`render_email` for many emails of one name (a sweep chunk's reminders): the three
    templates looked up once, and the context every email shares (`base_context()` and
    `shared`) built once; each email's own context is laid over it, as `render_email`
    merges them, so each email reads exactly as `render_email` writes it. Rendering
    under a language (`translation.override`) is the caller's: one renderer serves every
    language, because the templates translate when they render, not when compiled."""

    def __init__(self, name, shared=None):
        self.name = name
        self.shared = {**base_context(), **(shared or {})}
        self._subject = get_template(f"emails/{name}_subject.txt", using="text")
        self._text = get_template(f"emails/{name}.txt", using="text")
        self._html = get_template(f"emails/{name}.html")

    def render(self, context):
        subject = " ".join(self._render(self._subject, context).split())
        context = {**context, "subject": subject}
        return RenderedEmail(
            subject=subject,
            body_text=self._render(self._text, context),
            body_html=self._render(self._html, context),
        )

    def _render(self, template, context):
        # What render_to_string does, minus the look-up and the merged dict: a Context
        # over the shared values, this email's own pushed on top (a copy, so a template
        # that sets a variable changes neither).
        layered = Context(self.shared, autoescape=template.backend.engine.autoescape)
        layered.update(context)
        return template.template.render(layered)


def html_twin(subject, body_text):
    """The branded HTML part of an email written as text elsewhere (django-allauth's
    account emails): the text in the layout, its links made clickable."""
    return render_to_string(
        "emails/_text_in_layout.html",
        {**base_context(), "subject": " ".join(subject.split()), "body_text": body_text},
    )
