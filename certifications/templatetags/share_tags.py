"""{% share_meta credential %}: the Open Graph and Twitter card tags of a shared
verification link."""

from django import template
from django.utils.html import format_html_join

from ..verification.share import preview_meta

register = template.Library()


@register.simple_tag
def share_meta(credential):
    return format_html_join("\n", '<meta {}="{}" content="{}">', preview_meta(credential))
