"""The events this app announces to the apps above it, each sent from one place.

certifications knows nothing of seus or renewals (docs/architecture.md). Where its own
work must start work above it, it sends one of these signals inside its transaction and
the app above registers a receiver in its AppConfig.ready(). Receivers run in the
sender's transaction, so a receiver's failure rolls the whole change back.

- `credential_issued(credential)`: sent by certifications.issuing.services.issue_credential.
  renewals opens the credential's first renewal cycle.
- `credentials_issued(credentials)`: sent once per batch of credentials issued together,
  by certifications.issuing.services.issue_course_credentials (a closing course) and
  issue_credentials_bulk (the imports), instead of one `credential_issued` each.
  renewals opens their first renewal cycles in one insert; webhooks records one
  `credential.issued` event each.
- `course_completed(holders, expires_on)`: sent by certifications.courses.services.close_course
  once, for the attendees who met the attendance rule. renewals renews their other
  credentials to `expires_on` and returns them (the closing result lists them).
- `credential_revoked(credential)`: sent by certifications.vc.services.revoke_credential
  once, when the credential is revoked. webhooks records a `credential.revoked` event.
"""

from django.dispatch import Signal

credential_issued = Signal()
credentials_issued = Signal()
course_completed = Signal()
credential_revoked = Signal()
