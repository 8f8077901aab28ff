"""Which account's email the mail provider cannot reach, from the outbox's suppression
list (cspo_tracker/outbox/signals.py), so the holder sees a banner on every page at no
query cost; and held emails follow the holder to a new address."""

from django.db.models import F

from cspo_tracker.outbox import services as outbox

from .models import User


def on_reachability_changed(sender, *, address, reachable, **kwargs):
    if reachable:
        User.objects.filter(unreachable_email__iexact=address).update(unreachable_email="")
    else:
        User.objects.filter(email__iexact=address).update(unreachable_email=F("email"))


def on_email_changed(sender, request, user, from_email_address, to_email_address, **kwargs):
    """allauth: the holder made another address their primary one."""
    if from_email_address is not None and to_email_address is not None:
        outbox.readdress_held(old=from_email_address.email, new=to_email_address.email)
