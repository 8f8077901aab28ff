"""The practitioner's iCalendar feed: expiry, reminder and grace-end dates of each
credential, for subscribing from any calendar app through a secret per-user URL."""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from icalendar import Calendar, Event

from certifications.models import Credential
from renewals.models import ReminderOffset


def _event(*, uid, on, summary, description, stamp):
    event = Event()
    event.add("uid", f"{uid}@cspo-tracker")
    event.add("dtstamp", stamp)
    event.add("dtstart", on)
    event.add("dtend", on + timedelta(days=1))
    event.add("summary", summary)
    event.add("description", description)
    event.add("transp", "TRANSPARENT")
    return event


def calendar_events(practitioner):
    """(uid, date, summary, description) for each dated event, in two queries."""
    credentials = Credential.objects.filter(holder=practitioner).select_related("program")
    offsets = list(ReminderOffset.objects.filter(is_active=True).exclude(days_before_expiry=0))
    link = f"{settings.SITE_URL}/"
    events = []
    for credential in credentials:
        code, expires_on = credential.program.code, credential.expires_on
        key = f"credential-{credential.pk}-{expires_on:%Y%m%d}"
        about = _("%(code)s certificate %(number)s. Details: %(link)s") % {
            "code": code,
            "number": credential.certificate_number,
            "link": link,
        }
        expires = _("%(code)s expires") % {"code": code}
        events.append((f"{key}-expiry", expires_on, expires, about))
        for offset in offsets:
            days = offset.days_before_expiry
            on = expires_on - timedelta(days=days)
            if days > 0:
                summary = ngettext(
                    "%(code)s renewal: %(days)s day to expiry",
                    "%(code)s renewal: %(days)s days to expiry",
                    days,
                ) % {"code": code, "days": days}
            else:
                summary = ngettext(
                    "%(code)s expired %(days)s day ago: renew in the grace period",
                    "%(code)s expired %(days)s days ago: renew in the grace period",
                    -days,
                ) % {"code": code, "days": -days}
            events.append((f"{key}-reminder-{offset.code}", on, summary, about))
        grace_ends_on = credential.grace_ends_on
        grace_end = _("%(code)s grace period ends (lapses)") % {"code": code}
        events.append((f"{key}-grace-end", grace_ends_on, grace_end, about))
    return sorted(events, key=lambda e: (e[1], e[0]))


def calendar_feed(practitioner):
    """The feed as iCalendar bytes."""
    calendar = Calendar()
    calendar.add("prodid", "-//CSPO Tracker//Credential dates//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", _("CSPO Tracker: credential dates"))
    stamp = timezone.now()
    for uid, on, summary, description in calendar_events(practitioner):
        calendar.add_component(
            _event(uid=uid, on=on, summary=summary, description=description, stamp=stamp)
        )
    return calendar.to_ical()
