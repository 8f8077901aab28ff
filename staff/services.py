"""Staff corrections to a practitioner's account, kept in the audit log."""

from allauth.account.models import EmailAddress
from auditlog.context import set_actor
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from certifications.models import Practitioner, User


@transaction.atomic
def correct_identity(*, practitioner, first_name, last_name, email, by):
    """Staff correct a practitioner's name or email. A new email replaces the old address
    through allauth's EmailAddress: it becomes the primary (and the account's email),
    unverified until its owner follows the confirmation link sent to it (through the
    outbox); the old address is removed so it no longer signs in. Every change is in the
    audit log with `by` as its actor. Submitting the same values again changes and sends
    nothing. Returns the fields changed."""
    practitioner = Practitioner.objects.select_related("user").get(pk=practitioner.pk)
    user = User.objects.select_for_update().get(pk=practitioner.user_id)
    email = User.objects.normalize_email((email or "").strip()).lower()
    first_name, last_name = (first_name or "").strip(), (last_name or "").strip()
    if not email:
        raise ValidationError({"email": _("Give the practitioner's email address.")})
    changed = []
    with set_actor(by):
        if (user.first_name, user.last_name) != (first_name, last_name):
            user.first_name, user.last_name = first_name, last_name
            user.save(update_fields=["first_name", "last_name"])
            changed.append("name")
        if email != user.email.lower():
            taken = (
                User.objects.filter(email__iexact=email).exclude(pk=user.pk).exists()
                or EmailAddress.objects.filter(email__iexact=email).exclude(user=user).exists()
            )
            if taken:
                raise ValidationError(
                    {"email": _("%(email)s belongs to another account.") % {"email": email}}
                )
            EmailAddress.objects.filter(user=user).exclude(email__iexact=email).delete()
            address, _created = EmailAddress.objects.get_or_create(
                user=user, email=email, defaults={"verified": False, "primary": False}
            )
            address.set_as_primary()
            if not address.verified:
                address.send_confirmation(None)
            changed.append("email")
    return changed
