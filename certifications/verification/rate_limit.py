"""How many credentials one anonymous client may check at POST /verify/: a check
canonicalizes the document, which costs CPU, so a visitor without a session has a budget
per real client address (VERIFY_ANON_RATE_LIMIT). Signed-in people are not limited here."""

import time

from django.conf import settings
from django.core.cache import cache

from cspo_tracker.client_address import client_ip

PERIODS = {"second": 1, "minute": 60, "hour": 3600, "day": 86400}


def parse_rate(rate):
    """("10/minute") -> (10, 60); ValueError on anything else."""
    number, _, period = rate.partition("/")
    return int(number), PERIODS[period]


def seconds_until_allowed(request, *, now=None):
    """0 when this check may run (and counts it), else the seconds to wait. Counted in
    fixed windows in the default cache, shared by the workers."""
    if request.user.is_authenticated:
        return 0
    allowed, period = parse_rate(settings.VERIFY_ANON_RATE_LIMIT)
    now = time.time() if now is None else now
    window = int(now // period)
    key = f"verify-checks:{client_ip(request)}:{window}"
    cache.add(key, 0, timeout=period + 1)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr: this is the window's first
        cache.set(key, 1, timeout=period + 1)
        count = 1
    if count <= allowed:
        return 0
    return max(1, int((window + 1) * period - now))
