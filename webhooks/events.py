"""Recording webhook events: one WebhookEvent per change that someone subscribed to, and
one WebhookDelivery per subscription that receives it, written in the transaction of
the change. The delivery ids go to the broker after the commit
(cspo_tracker/publishing.py); a rolled-back change leaves no event behind.

Who receives an event: the active subscriptions of the practitioner it is about (scope
"own"), every active organisation-level subscription owned by staff (the certifying
body's own systems), and the subscriptions of an active Organisation only for the
people it knows (webhooks.selectors.people_known_to).
"""

import secrets
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from certifications.issuing.services import verification_url
from certifications.models import Credential
from cspo_tracker import publishing

from . import selectors
from .models import WebhookDelivery, WebhookEvent, WebhookSubscription

DELIVER_TASK = "webhooks.tasks.deliver_webhook"
STATUS_EVENTS = {
    Credential.Status.RENEWAL_DUE: "credential.renewal_due",
    Credential.Status.GRACE: "credential.expired",
    Credential.Status.LAPSED: "credential.lapsed",
}


def new_message_id():
    """A Standard Webhooks message id: `msg_` and 26 random base32-like characters."""
    return "msg_" + secrets.token_hex(13)


def _iso(value):
    return value.isoformat().replace("+00:00", "Z") if value is not None else None


def person_data(practitioner):
    user = practitioner.user
    return {
        "name": practitioner.full_name,
        "email": user.email,
        "member_id": practitioner.member_id or None,
    }


def credential_data(credential):
    return {
        "certificate_number": credential.certificate_number,
        "program": credential.program.code,
        "status": "revoked" if credential.revoked_at else credential.status,
        "issued_on": credential.issued_on.isoformat(),
        "expires_on": credential.expires_on.isoformat(),
        "revoked_at": _iso(credential.revoked_at),
        "verification_url": verification_url(credential),
        "holder": person_data(credential.holder),
    }


def receivers_of(event_type, practitioner_ids):
    """{practitioner id: [subscriptions]} for the own-scope subscriptions of those
    practitioners' users and of the Organisations that know them and, under None, the
    organisation subscriptions of staff: one query, two with Organisation subscribers."""
    found = {}
    by_organisation = {}
    subscriptions = (
        WebhookSubscription.objects.filter(active=True)
        .filter(
            Q(scope=WebhookSubscription.Scope.ORGANISATION, owner__is_staff=True)
            | Q(organisation__is_active=True)
            | Q(scope=WebhookSubscription.Scope.OWN, owner__practitioner__in=set(practitioner_ids))
        )
        .select_related("owner__practitioner")
    )
    for subscription in subscriptions:
        if not subscription.receives(event_type):
            continue
        if subscription.organisation_id is not None:
            by_organisation.setdefault(subscription.organisation_id, []).append(subscription)
            continue
        own = subscription.scope == WebhookSubscription.Scope.OWN
        key = subscription.owner.practitioner.pk if own else None
        found.setdefault(key, []).append(subscription)
    known = selectors.people_known_to(by_organisation, practitioner_ids)
    for organisation_id, people in known.items():
        for practitioner_id in people:
            found.setdefault(practitioner_id, []).extend(by_organisation[organisation_id])
    return found


def record(event_type, subjects, build, *, now=None):
    """Record `event_type` about each (practitioner id, subject) in `subjects`, its data
    `build(subject)`, with a delivery for each subscription that receives it; the
    deliveries are published after the commit. Events nobody subscribed to are neither
    built nor stored (one query). Returns the events recorded."""
    now = now or timezone.now()
    subjects = list(subjects)
    receivers = receivers_of(event_type, [pk for pk, _subject in subjects])
    if not receivers:
        return []
    planned = []
    for practitioner_id, subject in subjects:
        subscriptions = receivers.get(None, []) + receivers.get(practitioner_id, [])
        if not subscriptions:
            continue
        event = WebhookEvent(
            msg_id=new_message_id(),
            type=event_type,
            payload={"type": event_type, "timestamp": _iso(now), "data": build(subject)},
            created_at=now,
        )
        planned.append((event, subscriptions))
    WebhookEvent.objects.bulk_create([event for event, _subs in planned])
    if any(event.pk is None for event, _subs in planned):  # a backend without RETURNING
        ids = dict(
            WebhookEvent.objects.filter(
                msg_id__in=[event.msg_id for event, _subs in planned]
            ).values_list("msg_id", "pk")
        )
        for event, _subs in planned:
            event.pk = ids[event.msg_id]
    retry_until = now + timedelta(hours=settings.WEBHOOKS_RETRY_HOURS)
    WebhookDelivery.objects.bulk_create(
        [
            WebhookDelivery(
                event=event,
                subscription=sub,
                next_attempt_at=now,
                retry_until=retry_until,
                created_at=now,
            )
            for event, subscriptions in planned
            for sub in subscriptions
        ]
    )
    ids = WebhookDelivery.objects.filter(
        event__in=[event.pk for event, _subs in planned]
    ).values_list("pk", flat=True)
    publishing.publish_on_commit(DELIVER_TASK, ids, batch_size=settings.WEBHOOKS_BATCH_SIZE)
    return [event for event, _subs in planned]


def _credential_with_related(credential):
    credential = Credential.objects.select_related("program", "holder__user").get(pk=credential.pk)
    return {"credential": credential_data(credential)}


def credential_changed(event_type, credential):
    """`credential.issued` or `.revoked` about one credential."""
    return record(event_type, [(credential.holder_id, credential)], _credential_with_related)


def credentials_changed_status(status, credential_ids):
    """The sweep changed the stored status of `credential_ids` to `status`: one
    `credential.renewal_due`, `.expired` or `.lapsed` event each (back to active: none).
    A constant number of queries for the whole set."""
    event_type = STATUS_EVENTS.get(status)
    if event_type is None:
        return []
    return credentials_changed(event_type, credential_ids)


def credentials_changed(event_type, credential_ids):
    """One `event_type` event per credential of a set (a closing course's credentials, an
    import batch, the credentials renewed together, the sweep's status changes), in a
    constant number of queries."""
    credential_ids = list(credential_ids)
    if not credential_ids or not WebhookSubscription.objects.filter(active=True).exists():
        return []  # nobody could receive it: no credential query at all
    credentials = Credential.objects.filter(pk__in=credential_ids).select_related(
        "program", "holder__user"
    )
    return record(
        event_type,
        [(c.holder_id, c) for c in credentials.order_by("pk")],
        lambda c: {"credential": credential_data(c)},
    )


def renewal_submitted(renewal):
    return record("renewal.submitted", [(renewal.practitioner_id, renewal)], _renewal_data)


def _renewal_data(renewal):
    practitioner = renewal.practitioner
    numbers = list(
        renewal.cycles.order_by("credential__certificate_number").values_list(
            "credential__certificate_number", flat=True
        )
    )
    return {
        "renewal": {
            "id": renewal.pk,
            "status": renewal.status,
            "submitted_at": _iso(renewal.submitted_at),
            "seus_required": str(renewal.seus_required),
            "fee_amount": str(renewal.fee_amount),
            "fee_currency": renewal.fee_currency,
            "credentials": numbers,
        },
        "practitioner": person_data(practitioner),
    }


def seu_created(entry):
    return record("seu.created", [(entry.practitioner_id, entry)], _seu_data)


def seus_created(entries):
    return record("seu.created", [(entry.practitioner_id, entry) for entry in entries], _seu_data)


def _seu_data(entry):
    practitioner = entry.practitioner
    return {
        "seu": {
            "id": entry.pk,
            "earned_on": entry.earned_on.isoformat(),
            "category": entry.category.code,
            "category_name": entry.category.name,
            "activity": entry.activity,
            "provider": entry.provider,
            "seus": f"{Decimal(entry.seus):.2f}",
        },
        "practitioner": person_data(practitioner),
    }
