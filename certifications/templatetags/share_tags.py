"""{% share_meta credential %} (Open Graph / Twitter card tags) and
{% linkedin_button credential %} (issue 8, "Share")."""

from django import template
from django.utils.html import format_html_join

from certifications.share import can_add_to_linkedin, linkedin_add_url, preview_meta

register = template.Library()


@register.simple_tag
def share_meta(credential):
    return format_html_join("\n", '<meta {}="{}" content="{}">', preview_meta(credential))


@register.inclusion_tag("renewals/_card_share.html")
def linkedin_button(credential, today=None):
    if not can_add_to_linkedin(credential, today=today):
        return {"url": None}
    return {"url": linkedin_add_url(credential), "credential": credential}
