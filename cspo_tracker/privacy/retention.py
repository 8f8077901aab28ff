"""Retention: rows that hold personal data only for a while.

Each app registers a `Rule` for its own tables in its AppConfig.ready (this layer never
imports them): which rows may go once old enough (never work still in progress), the
datetime their age is counted from, and the setting that says how many days they are
kept (0 keeps them for ever). `prune` deletes the expired rows of every rule in batches
of RETENTION_BATCH_SIZE, each batch one short transaction of a fixed number of
statements, and stops a rule after RETENTION_MAX_BATCHES batches so one run never holds
a worker for long: the next run goes on from there. Each run's counts are stored
(PrunedRows) for /metrics.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from .models import PrunedRows

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Rule:
    kind: str
    setting: str
    prunable: Callable  # () -> the queryset of rows that may go once old enough
    age_field: str
    before_delete: Callable | None = None  # (queryset of one batch) -> None, e.g. files

    @property
    def days(self):
        return getattr(settings, self.setting)

    def cutoff(self, now):
        return now - timedelta(days=self.days)

    def expired(self, now):
        """The prunable rows older than the limit at `now`."""
        return self.prunable().filter(**{f"{self.age_field}__lt": self.cutoff(now)})


_rules = {}


def register_rule(rule):
    """Add (or replace, when AppConfig.ready runs again) the rule named `rule.kind`."""
    _rules[rule.kind] = rule


def rules():
    return [_rules[kind] for kind in sorted(_rules)]


def prune(*, now=None, batch_size=None, max_batches=None):
    """Delete what every rule says has expired at `now`; returns {kind: rows deleted}.
    Rules whose setting is 0 keep everything."""
    now = now or timezone.now()
    batch_size = batch_size or settings.RETENTION_BATCH_SIZE
    max_batches = max_batches or settings.RETENTION_MAX_BATCHES
    pruned = {}
    for rule in rules():
        if rule.days <= 0:
            continue
        count, left_over = _prune(rule, now, batch_size, max_batches)
        _record(rule.kind, count, left_over, now)
        pruned[rule.kind] = count
        if count or left_over:
            logger.info(
                "retention: %s pruned %d, %d left for the next run", rule.kind, count, left_over
            )
    return pruned


def _prune(rule, now, batch_size, max_batches):
    """(rows deleted, rows still expired when the batch cap stopped the rule)."""
    deleted = 0
    for _batch in range(max_batches):
        with transaction.atomic():
            ids = list(rule.expired(now).order_by("pk").values_list("pk", flat=True)[:batch_size])
            if not ids:
                return deleted, 0
            # The rule is applied again with the ids: a row that changed since it was read
            # (an email sent again by staff) is left alone.
            batch = rule.expired(now).filter(pk__in=ids)
            if rule.before_delete is not None:
                rule.before_delete(batch)
            deleted += batch.delete()[1].get(batch.model._meta.label, 0)
        if len(ids) < batch_size:
            return deleted, 0
    return deleted, rule.expired(now).count()


def _record(kind, count, left_over, now):
    PrunedRows.objects.get_or_create(kind=kind)
    PrunedRows.objects.filter(kind=kind).update(
        total=F("total") + count, last_count=count, left_over=left_over, last_run_at=now
    )


def recorded():
    """{kind: PrunedRows} of the registered rules, for /metrics: one query."""
    return {row.kind: row for row in PrunedRows.objects.filter(kind__in=list(_rules))}
