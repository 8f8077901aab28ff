"""The navbar's links, with the current page marked (aria-current="page")."""

from django import template
from django.urls import reverse
from django.utils.html import format_html

register = template.Library()


def is_current(path, url, *, prefix):
    return path == url or (prefix and url != "/" and path.startswith(url))


@register.simple_tag(takes_context=True)
def nav_link(context, url_name, label, prefix=True):
    """<li><a class="nav-link">label</a></li>, marked active and aria-current="page" when
    the request is for that page (or below it, with `prefix`)."""
    url = reverse(url_name)
    request = context.get("request")
    path = request.path if request is not None else ""
    if is_current(path, url, prefix=prefix):
        return format_html(
            '<li class="nav-item"><a class="nav-link active" aria-current="page" '
            'href="{}">{}</a></li>',
            url,
            label,
        )
    return format_html('<li class="nav-item"><a class="nav-link" href="{}">{}</a></li>', url, label)
