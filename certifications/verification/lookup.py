"""Finding a credential by the number a person types: any case, spaces around it."""

from ..models import Credential


def canonical_number(raw):
    """ "  cspo-demo10001 " → "CSPO-DEMO10001" (numbers are issued in upper case)."""
    return "".join((raw or "").split()).upper()


def find_by_number(raw):
    """The credential whose number matches `raw` ignoring case and spaces, or None."""
    number = canonical_number(raw)
    if not number:
        return None
    # Unordered: .first() would sort by id, and before PostgreSQL has statistics on the
    # UPPER(number) index it then walked the primary key instead (the whole table).
    found = Credential.objects.with_related().filter(certificate_number__iexact=number)
    return next(iter(found.order_by()[:1]), None)
