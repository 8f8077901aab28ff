"""The one back-off rule for work that is tried again later: the email outbox and the
webhook deliveries.

After the n-th failure wait ``base * 2**(n-1)`` seconds, at most ``cap``, spread by
+-20 % at random. The doubling leaves a server that is down alone; the spread stops
the rows that failed together in one outage from all coming back in the same second.
"""

import random
from datetime import timedelta

JITTER = 0.2


def backoff(attempts, *, base, cap):
    """The wait after the `attempts`-th failure (1 for the first)."""
    seconds = min(base * 2 ** min(max(attempts, 1) - 1, 30), cap)
    return timedelta(seconds=seconds * random.uniform(1 - JITTER, 1 + JITTER))
