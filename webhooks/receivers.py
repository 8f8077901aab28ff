"""What webhooks does when a lower app announces an event (certifications/signals.py,
seus/signals.py, renewals/signals.py); connected once in WebhooksConfig.ready(). Each
runs in the sender's transaction: the event and its deliveries commit with the change."""

from . import events


def credential_issued(sender, *, credential, **kwargs):
    events.credential_changed("credential.issued", credential)


def credentials_issued(sender, *, credentials, **kwargs):
    """A closing course's credentials, or an import batch: one event each."""
    events.credentials_changed("credential.issued", [c.pk for c in credentials])


def credentials_renewed(sender, *, credentials, **kwargs):
    """A completed renewal's credentials, or those a closing course renewed: one
    `credential.renewed` event each, in a fixed number of queries."""
    events.credentials_changed("credential.renewed", [c.pk for c in credentials])


def credential_revoked(sender, *, credential, **kwargs):
    events.credential_changed("credential.revoked", credential)


def credential_statuses_changed(sender, *, status, credential_ids, **kwargs):
    events.credentials_changed_status(status, credential_ids)


def renewal_submitted(sender, *, renewal, **kwargs):
    events.renewal_submitted(renewal)


def seu_created(sender, *, entry, **kwargs):
    events.seu_created(entry)


def seus_created(sender, *, entries, **kwargs):
    """An SEU provider's report, written in bulk: one `seu.created` event each."""
    events.seus_created(entries)
