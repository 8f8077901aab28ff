"""The events this app announces to the apps above it, each sent from one place.

certifications knows nothing of seus or renewals (docs/architecture.md). Where its own
work must start work above it, it sends one of these signals inside its transaction and
the app above registers a receiver in its AppConfig.ready(). Receivers run in the
sender's transaction, so a receiver's failure rolls the whole change back.

- `credential_issued(credential)`: sent by certifications.issuing.issue_credential.
  renewals opens the credential's first renewal cycle.
- `course_completed(holder, expires_on)`: sent by certifications.courses.close_course for
  each attendee who met the attendance rule. renewals renews the holder's other
  credentials to `expires_on` and returns them (the closing result lists them).
- `credential_revoked(credential)`: sent by certifications.vc.services.revoke_credential
  once, when the credential is revoked. webhooks records a `credential.revoked` event.
"""

from django.dispatch import Signal

credential_issued = Signal()
course_completed = Signal()
credential_revoked = Signal()
