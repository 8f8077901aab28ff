"""SEU audits (as PMI's CCRS audits claims): the rules.

- Staff select submitted renewals for audit: a share of them at random, or one by hand.
  The audit lists every SEU entry the renewal counts; the practitioner is asked (email
  and dashboard notice) for evidence of each.
- Staff accept or reject each entry (a rejection needs a reason). A rejected entry stops
  counting at once, for every renewal (SeuEntry.audit_rejected_at).
- While an audit is open the renewal waits: its fee cannot be confirmed and it does not
  complete. When every entry is decided the audit closes; the renewal then completes if
  its fee is confirmed and the accepted SEUs still cover it, or waits for more SEUs.
- Every step is an SeuAuditEvent (who, when, what) and each outcome is emailed once.
"""

import math
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cspo_tracker.formats import day
from cspo_tracker.outbox import services as outbox
from seus.models import SeuEntry
from seus.services import validate_evidence

from .. import selectors
from ..models import Renewal
from .models import SeuAudit, SeuAuditEvent, SeuAuditItem

# --- Reads -----------------------------------------------------------------------------


def auditable_renewals():
    """Renewals in progress (waiting for staff) never audited yet."""
    return Renewal.objects.filter(status__in=Renewal.IN_PROGRESS, seu_audit__isnull=True)


def open_audits_of(practitioner):
    return (
        SeuAudit.objects.filter(renewal__practitioner=practitioner, status=SeuAudit.Status.OPEN)
        .with_stage()
        .order_by("selected_at")
    )


def audit_for_practitioner(practitioner, pk):
    return (
        SeuAudit.objects.filter(renewal__practitioner=practitioner, pk=pk)
        .select_related("renewal")
        .first()
    )


def audit_items(audit):
    return audit.items.select_related("entry__category").order_by("entry__earned_on", "pk")


def audits_with_evidence_to_review():
    """Open audits where an undecided entry has its evidence: staff can act on them."""
    return SeuAudit.objects.filter(
        status=SeuAudit.Status.OPEN,
        items__status=SeuAuditItem.Status.PENDING,
        items__evidence_sent_at__isnull=False,
    ).distinct()


def audits_for_staff():
    """Open audits first, then the most recent closed ones, with their items and events
    prefetched (a fixed number of queries)."""
    return (
        SeuAudit.objects.with_stage()
        .select_related("renewal__practitioner__user", "selected_by")
        .prefetch_related("items__entry__category", "items__decided_by", "events__actor")
        .order_by(F("closed_at").desc(nulls_first=True), "-selected_at", "-pk")
    )


# --- Writes ----------------------------------------------------------------------------


def _event(audit, action, *, actor, now, item=None, detail=""):
    return SeuAuditEvent.objects.create(
        audit=audit, item=item, actor=actor, action=action, detail=detail, at=now
    )


@transaction.atomic
def select_for_audit(*, renewal, by, selection=SeuAudit.Selection.CHOSEN, now=None):
    """Open an audit of `renewal` listing the entries it counts; ask for evidence."""
    now = now or timezone.now()
    renewal = Renewal.objects.select_for_update().get(pk=renewal.pk)
    if renewal.status not in Renewal.IN_PROGRESS:
        raise ValidationError(_("Only a renewal waiting for staff can be audited."))
    if SeuAudit.objects.filter(renewal=renewal).exists():
        raise ValidationError(
            _("Renewal #%(number)s was already selected for audit.") % {"number": renewal.pk}
        )
    cycles = list(renewal.cycles.all())
    entries = list(
        selectors.seu_entries_counted(practitioner=renewal.practitioner, cycles=cycles).order_by(
            "earned_on", "pk"
        )
    )
    if not entries:
        raise ValidationError(
            _("Renewal #%(number)s counts no SEU entry to audit.") % {"number": renewal.pk}
        )
    try:
        with transaction.atomic():
            audit = SeuAudit.objects.create(
                renewal=renewal, selection=selection, selected_by=by, selected_at=now
            )
    except IntegrityError as exc:
        raise ValidationError(
            _("Renewal #%(number)s was already selected for audit.") % {"number": renewal.pk}
        ) from exc
    SeuAuditItem.objects.bulk_create(SeuAuditItem(audit=audit, entry=e) for e in entries)
    if selection == SeuAudit.Selection.RANDOM:
        detail = ngettext(
            "Selected at random; %(count)s entry listed.",
            "Selected at random; %(count)s entries listed.",
            len(entries),
        )
    else:
        detail = ngettext(
            "Selected by staff; %(count)s entry listed.",
            "Selected by staff; %(count)s entries listed.",
            len(entries),
        )
    _event(
        audit,
        SeuAuditEvent.Action.SELECTED,
        actor=by,
        now=now,
        detail=detail % {"count": len(entries)},
    )
    _email(audit, "seu_audit_requested")
    return audit


def select_share_for_audit(*, percent, by, now=None, rng=None):
    """Select `percent` % (rounded up) of the renewals waiting for staff and not audited
    yet, at random. Returns the audits opened (renewals that count no SEU are skipped)."""
    if not 0 < percent <= 100:
        raise ValidationError({"percent": _("Choose a share between 1 and 100 %.")})
    rng = rng or secrets.SystemRandom()
    candidates = list(auditable_renewals().order_by("pk").values_list("pk", flat=True))
    count = math.ceil(len(candidates) * percent / 100)
    audits = []
    for pk in rng.sample(candidates, count):
        try:
            audits.append(
                select_for_audit(
                    renewal=Renewal(pk=pk), by=by, selection=SeuAudit.Selection.RANDOM, now=now
                )
            )
        except ValidationError:
            continue
    return audits


@transaction.atomic
def send_evidence(*, item, practitioner, evidence, note="", now=None):
    """The practitioner's evidence for one audited entry (PDF, PNG or JPEG)."""
    now = now or timezone.now()
    item = SeuAuditItem.objects.select_for_update().select_related("audit__renewal").get(pk=item.pk)
    if item.audit.renewal.practitioner_id != practitioner.pk:
        raise ValidationError(_("This audit is not yours."))
    if not item.audit.is_open or item.status != SeuAuditItem.Status.PENDING:
        raise ValidationError(_("This entry was already reviewed."))
    if not evidence:
        raise ValidationError({"evidence": _("Choose the file that shows this activity.")})
    validate_evidence(evidence)
    item.evidence = evidence
    item.note = (note or "").strip()[:500]
    item.evidence_sent_at = now
    item.save(update_fields=["evidence", "note", "evidence_sent_at"])
    _event(
        item.audit,
        SeuAuditEvent.Action.EVIDENCE_SENT,
        actor=practitioner.user,
        now=now,
        item=item,
        detail=_("Evidence for %(activity)s (%(day)s).")
        % {"activity": item.entry.activity, "day": day(item.entry.earned_on)},
    )
    return item


@transaction.atomic
def decide_item(*, item, by, accept, reason="", now=None):
    """Staff accept or reject one audited entry. A rejected entry stops counting. Once
    every entry is decided the audit closes (and the renewal may complete)."""
    now = now or timezone.now()
    reason = (reason or "").strip()
    if not accept and not reason:
        raise ValidationError({"reason": _("Say why the entry is rejected.")})
    item = SeuAuditItem.objects.select_for_update().select_related("audit", "entry").get(pk=item.pk)
    if not item.audit.is_open or item.status != SeuAuditItem.Status.PENDING:
        raise ValidationError(_("This entry was already reviewed."))
    item.status = SeuAuditItem.Status.ACCEPTED if accept else SeuAuditItem.Status.REJECTED
    item.reason = "" if accept else reason
    item.decided_by, item.decided_at = by, now
    item.save(update_fields=["status", "reason", "decided_by", "decided_at"])
    if not accept:
        SeuEntry.objects.filter(pk=item.entry_id).update(audit_rejected_at=now)
    entry = item.entry
    _event(
        item.audit,
        SeuAuditEvent.Action.ACCEPTED if accept else SeuAuditEvent.Action.REJECTED,
        actor=by,
        now=now,
        item=item,
        detail=(
            _("%(activity)s (%(day)s, %(seus)s SEUs)")
            if accept
            else _("%(activity)s (%(day)s, %(seus)s SEUs): %(reason)s")
        )
        % {
            "activity": entry.activity,
            "day": day(entry.earned_on),
            "seus": entry.seus,
            "reason": reason,
        },
    )
    if not item.audit.items.filter(status=SeuAuditItem.Status.PENDING).exists():
        _close(item.audit, by=by, now=now)
    return item


def _close(audit, *, by, now):
    from ..services import complete_if_ready, locked

    rejected = audit.items.filter(status=SeuAuditItem.Status.REJECTED).count()
    audit.status = SeuAudit.Status.FAILED if rejected else SeuAudit.Status.PASSED
    audit.closed_at = now
    audit.save(update_fields=["status", "closed_at"])
    _event(
        audit,
        SeuAuditEvent.Action.CLOSED,
        actor=by,
        now=now,
        detail=ngettext(
            "%(status)s: %(count)s entry rejected.",
            "%(status)s: %(count)s entries rejected.",
            rejected,
        )
        % {"status": audit.get_status_display(), "count": rejected},
    )
    renewal = complete_if_ready(locked(audit.renewal), now=now)
    _email(audit, "seu_audit_closed", renewal=renewal)


def _email(audit, template, renewal=None):
    audit = SeuAudit.objects.select_related("renewal__practitioner__user").get(pk=audit.pk)
    renewal = renewal or audit.renewal
    practitioner = audit.renewal.practitioner
    return outbox.enqueue(
        template,
        {
            "audit": audit,
            "renewal": renewal,
            "practitioner": practitioner,
            "items": list(audit_items(audit)),
            "audit_url": settings.SITE_URL + reverse("renewals:audit", args=[audit.pk]),
            "seus_required": selectors.format_seus(renewal.seus_required),
        },
        to=practitioner.email,
        key=f"{template}:{audit.pk}",
    )
