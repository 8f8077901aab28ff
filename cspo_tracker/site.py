"""The Site row follows SITE_URL: django-allauth puts the site's name in every account
email subject ("[CSPO Tracker] Password Reset") and its domain in the text; left alone
it says example.com."""

from urllib.parse import urlsplit

from django.conf import settings


def site_values():
    return {"domain": urlsplit(settings.SITE_URL).netloc, "name": settings.SITE_NAME}


def sync_site_from_settings(*, using="default", apps=None, **kwargs):
    """post_migrate: write SITE_URL's host (and port) and SITE_NAME to Site SITE_ID."""
    from django.contrib.sites.models import Site

    model = apps.get_model("sites", "Site") if apps is not None else Site
    model.objects.using(using).update_or_create(pk=settings.SITE_ID, defaults=site_values())
    Site.objects.clear_cache()
