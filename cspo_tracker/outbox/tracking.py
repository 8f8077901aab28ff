"""Bounces and complaints from the mail provider, through django-anymail's tracking
webhooks (docs/operations.md, Email). Mailgun is the documented default.

The provider signs each webhook its own way and anymail checks it (for Mailgun, an
HMAC-SHA256 of the timestamp and token with MAILGUN_WEBHOOK_SIGNING_KEY): a forged call
is answered 400 and changes nothing. Mailgun's signature does not cover the body, so the
token, anymail's event id, is kept once (TrackingEvent.event_id): a replayed signature
changes nothing either. A hard bounce or a complaint puts the address on the suppression
list (cspo_tracker/outbox/services.py); every other event is ignored."""

from anymail.signals import EventType, RejectReason
from anymail.webhooks.mailgun import MailgunTrackingWebhookView
from django.conf import settings
from django.http import Http404
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from . import services
from .models import TrackingEvent


def kind_of(event):
    """ "bounce" for a hard bounce, "complaint" for a spam report, None otherwise (a
    temporary failure, a delivery, an open...)."""
    if event.event_type == EventType.COMPLAINED:
        return TrackingEvent.Kind.COMPLAINT
    if event.event_type == EventType.BOUNCED and event.reject_reason == RejectReason.BOUNCED:
        return TrackingEvent.Kind.BOUNCE
    return None


def on_tracking_event(sender, event, esp_name, **kwargs):
    """anymail's `tracking` signal: one normalised event of any provider."""
    kind = kind_of(event)
    if kind is None or not event.recipient:
        return
    services.record_tracking_event(
        esp=esp_name,
        event_id=event.event_id or f"{event.message_id}:{event.recipient}:{event.timestamp}",
        kind=kind,
        address=event.recipient,
        message_id=event.message_id or "",
        description=(event.mta_response or event.description or "").strip(),
        occurred_at=event.timestamp,
    )


@csrf_exempt
def mailgun(request):
    """Mailgun's tracking webhook, answered only once its signing key is configured."""
    if not settings.ANYMAIL.get("MAILGUN_WEBHOOK_SIGNING_KEY"):
        raise Http404(_("Mailgun events are not configured."))
    return MailgunTrackingWebhookView.as_view()(request)
