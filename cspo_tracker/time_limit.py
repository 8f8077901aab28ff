"""A wall-clock limit on CPU-bound work in a request: `with time_limit(seconds): ...`
raises TimeLimitExceeded when the block runs longer.

It is a SIGALRM timer, so it works where gunicorn's sync workers run a request: in the
process's main thread. In another thread (runserver, a threaded test server) a signal
cannot be delivered, and the block runs without the limit; the bounds checked before
the work are what holds there. A timer already set by someone else is never replaced.
"""

import contextlib
import signal
import threading


class TimeLimitExceeded(BaseException):
    """The work ran past its time limit and was interrupted. A BaseException, like
    KeyboardInterrupt: libraries that wrap any Exception they meet (PyLD turns them into
    JsonLdError) pass it through to the caller that set the limit."""


def _can_use_alarm():
    return (
        hasattr(signal, "setitimer")
        and threading.current_thread() is threading.main_thread()
        and signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
    )


@contextlib.contextmanager
def time_limit(seconds):
    if not seconds or not _can_use_alarm():
        yield
        return

    def interrupt(signum, frame):
        raise TimeLimitExceeded(f"stopped after {seconds} s")

    previous = signal.signal(signal.SIGALRM, interrupt)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
