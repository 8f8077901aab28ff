"""The app's models, each in its feature package."""

from .outbox.models import OutboundEmail, Suppression, TrackingEvent  # noqa: F401
from .privacy.models import PrunedRows, Retirement  # noqa: F401
