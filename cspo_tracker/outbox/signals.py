"""Signals of the outbox, for the apps above it (docs/architecture.md, hook table)."""

from django.dispatch import Signal

# An address became unreachable (a bounce or complaint put it on the suppression list)
# or reachable again (staff lifted it). Sent with `address` (lower case) and `reachable`,
# inside the transaction of the change. certifications marks the account that uses it.
reachability_changed = Signal()
