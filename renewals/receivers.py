"""What renewals does when the certifications app announces an event
(certifications/signals.py); connected once in RenewalsConfig.ready()."""

from . import services


def open_first_cycle(sender, *, credential, **kwargs):
    """A newly issued credential opens its first renewal cycle."""
    services.open_cycle(credential=credential)


def open_first_cycles(sender, *, credentials, **kwargs):
    """Credentials issued together (a closing course, an import) open their first cycles
    at once."""
    services.open_first_cycles(credentials=credentials)


def renew_for_completed_course(sender, *, holders, expires_on, **kwargs):
    """Completing a course renews the attendees' other credentials to the new expiry;
    returns those renewed (the closing result lists them)."""
    return services.renew_credentials_for_course(holders=holders, expires_on=expires_on)
