"""Django's cache on Redis, with this process's memory taking over while Redis is down.

What lives in the default cache are limits and short-lived guards: allauth's login
limits and its record of second-factor codes already used, the API's throttles, the
staff reports' charts, import progress. Failing a request because the cache is down
would turn a Redis outage into no logins and no API at all; failing open would drop the
limits exactly while nobody watches them. So the process keeps them in its own memory
instead (each gunicorn worker counts alone, so a limit is at most workers times looser,
and a used code is refused again by the worker that saw it), says so once in the log,
and tries Redis again after CACHE_FALLBACK_SECONDS. /healthz reports the outage.

Only connection failures and timeouts fall over: any other Redis error (a wrong
password is a ConnectionError too and shows in the log and /healthz) still raises.
"""

import logging
import time

from django.conf import settings
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

UNREACHABLE = (RedisConnectionError, RedisTimeoutError)
# The fallback's size in each process: enough for the counters of a busy minute.
FALLBACK_MAX_ENTRIES = 10_000

# Per process, by Redis location: until when the fallback is used without asking Redis.
# Django makes a cache object per thread; the outage is the process's.
_down_until = {}


class FailoverRedisCache(RedisCache):
    """RedisCache whose every operation goes to a per-process LocMemCache while Redis
    does not answer (config/settings.py selects it for redis:// CACHE_URLs)."""

    def __init__(self, server, params):
        super().__init__(server, params)
        self._location = server if isinstance(server, str) else ",".join(server)
        self._fallback = LocMemCache(
            f"failover:{self._location}",
            {**params, "OPTIONS": {"MAX_ENTRIES": FALLBACK_MAX_ENTRIES}},
        )

    # --- The switch ---

    def falling_back(self):
        return time.monotonic() < _down_until.get(self._location, 0.0)

    def _went_down(self, error):
        seconds = settings.CACHE_FALLBACK_SECONDS
        _down_until[self._location] = time.monotonic() + seconds
        logger.warning(
            "cache unreachable (%s): this process keeps rate limits and used codes in its "
            "own memory for %ss, then tries again",
            error,
            seconds,
        )

    def _came_back(self):
        if _down_until.pop(self._location, None) is not None:
            logger.warning("cache reachable again: rate limits are shared again")

    def _either(self, operation, *args, **kwargs):
        if not self.falling_back():
            try:
                result = getattr(super(), operation)(*args, **kwargs)
            except UNREACHABLE as error:
                self._went_down(error)
            else:
                if self._location in _down_until:
                    self._came_back()
                return result
        return getattr(self._fallback, operation)(*args, **kwargs)

    def reachable(self):
        """Whether Redis answers a PING now (for /healthz); an answer ends the fallback."""
        try:
            self._cache.get_client(write=True).ping()
        except UNREACHABLE as error:
            if not self.falling_back():
                self._went_down(error)
            return False
        self._came_back()
        return True

    # --- Every operation of Django's cache API goes through the switch ---

    def add(self, *args, **kwargs):
        return self._either("add", *args, **kwargs)

    def get(self, *args, **kwargs):
        return self._either("get", *args, **kwargs)

    def set(self, *args, **kwargs):
        return self._either("set", *args, **kwargs)

    def touch(self, *args, **kwargs):
        return self._either("touch", *args, **kwargs)

    def delete(self, *args, **kwargs):
        return self._either("delete", *args, **kwargs)

    def get_many(self, *args, **kwargs):
        return self._either("get_many", *args, **kwargs)

    def has_key(self, *args, **kwargs):
        return self._either("has_key", *args, **kwargs)

    def incr(self, *args, **kwargs):
        return self._either("incr", *args, **kwargs)

    def set_many(self, *args, **kwargs):
        return self._either("set_many", *args, **kwargs)

    def delete_many(self, *args, **kwargs):
        return self._either("delete_many", *args, **kwargs)

    def clear(self, *args, **kwargs):
        return self._either("clear", *args, **kwargs)
