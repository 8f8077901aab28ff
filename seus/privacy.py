"""The SEU log in the privacy registries (cspo_tracker/privacy): a person's archive has
every entry and its evidence file; an erasure deletes both (the files first, so a step
that stops half-way leaves rows to find the rest by when it runs again)."""

from django.utils.translation import gettext_lazy

from cspo_tracker.privacy import erasure, export

from .models import SeuEntry


def _entries_of(person):
    return SeuEntry.objects.filter(practitioner__user_id=person.user_id)


def _row(entry):
    return {
        "id": entry.pk,
        "earned_on": entry.earned_on,
        "category": entry.category.code,
        "activity": entry.activity,
        "provider": entry.provider,
        "seus": entry.seus,
        "description": entry.description,
        "evidence": _evidence_path(entry) if entry.evidence else None,
        "reported_by": entry.reported_by.name if entry.reported_by else None,
        "provider_reference": entry.provider_reference,
        "used_by_renewal": entry.consumed_by_id,
        "rejected_in_audit_at": entry.audit_rejected_at,
        "created_at": entry.created_at,
        "updated_at": entry.updated_at,
    }


def _evidence_path(entry):
    name = export.safe_name(entry.evidence_name or entry.evidence.name.rsplit("/", 1)[-1])
    return f"seus/evidence/{entry.pk}-{name}"


def export_entries(person):
    entries = (
        _entries_of(person).select_related("category", "reported_by").order_by("earned_on", "pk")
    )
    yield export.Rows("seus/entries.json", (_row(e) for e in entries.iterator(chunk_size=500)))
    with_evidence = _entries_of(person).exclude(evidence="").only("evidence", "evidence_name")
    for entry in with_evidence.order_by("pk").iterator(chunk_size=500):
        yield export.StoredFile(_evidence_path(entry), entry.evidence)


def erase(person):
    entries = _entries_of(person)
    for entry in entries.exclude(evidence="").only("evidence").iterator(chunk_size=500):
        entry.evidence.delete(save=False)
    entries.delete()


def register():
    export.register_part(
        "seus",
        export_entries,
        order=30,
        describes=gettext_lazy("your SEU log, each entry's evidence file in seus/evidence/"),
    )
    erasure.register_step("seu_log", erase, order=50)
