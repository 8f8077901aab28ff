"""Calendar arithmetic and "today" for credentials: one place each.

"Today" is always the practitioner's local date (their time zone), never the server's.
"""

import logging
from datetime import date
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from cspo_tracker.formats import day

logger = logging.getLogger(__name__)

# Sanity bounds for every date a person or a file gives us (issue, expiry, course and
# SEU dates). Scrum certifications began in the 2000s; nothing is valid past 2199. A
# date outside would be a typo, and 9999-12-31 plus a grace period cannot even be
# computed: refusing it at the door keeps every page and the daily sweep working.
EARLIEST_DATE = date(1990, 1, 1)
LATEST_DATE = date(2199, 12, 31)


@lru_cache(maxsize=65536)  # pure; an import asks for the same few dates many times
def add_months(day, months):
    """`day` plus `months` calendar months, clamped to the month's end.

    2024-02-29 + 24 months = 2026-02-28 (docs/domain.md, "Earning a CSPO");
    2025-08-31 + 6 months = 2026-02-28; negative months go back.
    """
    return day + relativedelta(months=months)


@lru_cache(maxsize=512)
def _zone(name):
    """The named zone. An unknown name (stored before the field was validated) falls
    back to settings.TIME_ZONE with a warning, so one bad row cannot stop the daily
    sweep or its holder's dashboard."""
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        logger.warning("Unknown time zone %r; using %s instead", name, settings.TIME_ZONE)
        return ZoneInfo(settings.TIME_ZONE)


def today_in(time_zone, now=None):
    """Today's date in the named time zone."""
    now = now or timezone.now()
    return now.astimezone(_zone(time_zone)).date()


def today_for(practitioner, now=None):
    """Today's date in the practitioner's time zone."""
    return today_in(practitioner.time_zone, now)


def validate_sane_date(value):
    """Refuse a date outside EARLIEST_DATE..LATEST_DATE (model field validator, so forms,
    the admin and the imports all check it)."""
    if value is not None and not EARLIEST_DATE <= value <= LATEST_DATE:
        raise ValidationError(
            _("Enter a date between %(first)s and %(last)s.")
            % {"first": day(EARLIEST_DATE), "last": day(LATEST_DATE)},
            code="date_out_of_range",
        )
