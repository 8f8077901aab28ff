"""One helper renders and sends every email from templates/emails/.

An email named NAME has three templates: NAME_subject.txt (one line), NAME.txt and
NAME.html. The context always carries `site_url`.
"""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string


def render_email(name, context, *, to):
    context = {"site_url": settings.SITE_URL, **context}
    subject = " ".join(render_to_string(f"emails/{name}_subject.txt", context).split())
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string(f"emails/{name}.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=list(to),
    )
    message.attach_alternative(render_to_string(f"emails/{name}.html", context), "text/html")
    return message


def send_email(name, context, *, to, connection=None):
    """Render and send; SMTP errors propagate so callers (tasks) can retry."""
    message = render_email(name, context, to=to)
    message.connection = connection
    message.send(fail_silently=False)
    return message
