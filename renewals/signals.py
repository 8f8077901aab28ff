"""The events renewals announces to the apps above it (docs/architecture.md), each sent
from one place inside the sender's transaction; webhooks connects its receivers in
WebhooksConfig.ready().

- `renewal_submitted(renewal)`: sent by renewals.services.submit_renewal.
- `credential_renewed(credential)`: sent by renewals.services.extend_credential, for a
  completed renewal and for a new course renewing the holder's other credentials.
- `credential_statuses_changed(status, credential_ids)`: sent by the daily sweep
  (renewals.sweep) once per new status and batch, with the ids of the credentials whose
  stored status changed to `status`: one signal for a set, not one per row.
"""

from django.dispatch import Signal

renewal_submitted = Signal()
credential_renewed = Signal()
credential_statuses_changed = Signal()
