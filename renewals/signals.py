"""The events renewals announces to the apps above it (docs/architecture.md), each sent
from one place inside the sender's transaction; webhooks connects its receivers in
WebhooksConfig.ready().

- `renewal_submitted(renewal)`: sent by renewals.services.submit_renewal.
- `credentials_renewed(credentials)`: sent by renewals.services.extend_credentials once
  for the credentials given a new expiry together: a completed renewal's, or those a
  closing course renews for its attendees (one signal for the set, not one per row).
- `credential_statuses_changed(status, credential_ids)`: sent by the daily sweep
  (renewals.sweep.services) once per new status and batch, with the ids of the credentials whose
  stored status changed to `status`: one signal for a set, not one per row.
"""

from django.dispatch import Signal

renewal_submitted = Signal()
credentials_renewed = Signal()
credential_statuses_changed = Signal()
