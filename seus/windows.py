"""The renewal windows the SEU log is shown and checked in.

seus sits below renewals (docs/architecture.md): it knows SEU entries, not renewal
cycles. The renewals app provides the windows by registering a provider in its
AppConfig.ready() (renewals/apps.py, renewals/seu_windows.py); seus asks through the
functions here and nowhere else.
"""

from dataclasses import dataclass
from typing import Protocol

from django.core.exceptions import ImproperlyConfigured


@dataclass(frozen=True)
class Window:
    """A current renewal window of one of the practitioner's credentials."""

    cycle_id: int
    label: str
    starts_on: object
    ends_on: object
    seus_counted: object
    seus_required: object


class WindowProvider(Protocol):
    def windows_for(self, practitioner) -> list[Window]:
        """The practitioner's current windows with the SEUs counted in each, soonest
        expiry first."""

    def windows_containing(self, practitioner, day) -> list[tuple]:
        """(starts_on, ends_on) of each current window of the practitioner holding `day`."""

    def windows_of(self, practitioner_ids) -> dict:
        """{practitioner id: [(starts_on, ends_on), ...]}: every current window of each
        of these practitioners, in one query (the import checks many at once)."""

    def reserved_entries(self):
        """A Q on SeuEntry: unconsumed entries a renewal in progress counts, which must
        not change until that renewal completes or is rejected."""


_provider = None


def register(provider):
    global _provider
    _provider = provider


def provider():
    if _provider is None:
        raise ImproperlyConfigured("No renewal window provider registered (renewals app).")
    return _provider
