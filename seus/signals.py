"""The events the SEU log announces to the apps above it (docs/architecture.md).

seus knows nothing of the apps above it: it sends these signals inside its transaction
and the app above connects a receiver in its AppConfig.ready().

- `seu_created(entry)`: sent by seus.services.create_seu_entry (the form, the CSV
  import and the API all go through it). webhooks records a `seu.created` event.
- `seus_created(entries)`: sent once for the entries of an SEU provider's report
  (seus.provider_reports, written in bulk), each with its practitioner, user and
  category loaded. webhooks records a `seu.created` event for each.
"""

from django.dispatch import Signal

seu_created = Signal()
seus_created = Signal()
