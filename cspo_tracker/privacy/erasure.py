"""Account erasure (GDPR art. 17) in the shape of Open edX's user retirement: a request
that locks the account at once and is recorded as a Retirement row, then each app's
step, in order, each in its own transaction, recorded as done on the row. A step that
fails leaves the row `erasing` with its error; the step runs again from there (the
`prune-personal-data` beat task resumes unfinished erasures), so every step must be safe
to run twice.

Each app registers its step in its AppConfig.ready (this layer never imports them). The
steps run with django-auditlog switched off: deleting a person's rows must not write
their names into new log entries. The Retirement row itself is audited (staff see the
request and its completion in the trail), and when it completes the log entries the
person made keep their actor but lose the address and IP they were made from.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass

from auditlog.context import disable_auditlog
from auditlog.models import LogEntry
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from .. import publishing
from . import Person
from .models import Retirement

logger = logging.getLogger(__name__)

TASK = "cspo_tracker.tasks.run_erasure"


@dataclass(frozen=True)
class Step:
    name: str
    order: int
    erase: Callable  # (Person) -> None; safe to run twice


_steps = {}


def register_step(name, erase, *, order):
    _steps[name] = Step(name=name, order=order, erase=erase)


def steps():
    return sorted(_steps.values(), key=lambda step: (step.order, step.name))


@transaction.atomic
def start(*, person, now=None):
    """Record the erasure of `person`'s account and lock it now: no password works any
    more, which also ends every session it has (Django checks each session against the
    password). The steps run after the commit. Asking twice returns the first request."""
    retirement, created = Retirement.objects.get_or_create(
        user_id=person.user_id,
        defaults={
            "requested_at": now or timezone.now(),
            "emails": list(person.emails),
            "names": list(person.names),
        },
    )
    if created:
        get_user_model().objects.filter(pk=person.user_id).update(
            is_active=False, password=make_password(None)
        )
    if not retirement.is_complete:
        publishing.publish_on_commit(TASK, [retirement.pk])
    return retirement


def run(retirement_id, *, now=None):
    """Run the steps not done yet, then complete the erasure. Returns the Retirement, or
    None when there is none. A failing step is recorded on the row and raised."""
    retirement = Retirement.objects.filter(pk=retirement_id).first()
    if retirement is None or retirement.is_complete:
        return retirement
    person = Person(
        user_id=retirement.user_id, emails=tuple(retirement.emails), names=tuple(retirement.names)
    )
    for step in steps():
        try:
            _run_step(retirement.pk, step, person)
        except Exception as exc:
            Retirement.objects.filter(pk=retirement.pk).update(
                last_error=f"{step.name}: {type(exc).__name__}: {exc}"[:2000]
            )
            logger.exception("erasure %s stopped at step %s", retirement.pk, step.name)
            raise
    return _complete(retirement.pk, now=now)


def _run_step(retirement_id, step, person):
    with transaction.atomic(), disable_auditlog():
        # The row lock makes a second worker wait, then find the step done.
        locked = Retirement.objects.select_for_update().get(pk=retirement_id)
        if step.name in locked.steps_done:
            return
        step.erase(person)
        Retirement.objects.filter(pk=retirement_id).update(
            steps_done=[*locked.steps_done, step.name], last_error=""
        )


@transaction.atomic
def _complete(retirement_id, *, now=None):
    retirement = Retirement.objects.select_for_update().get(pk=retirement_id)
    if retirement.is_complete:
        return retirement
    retirement.state = Retirement.State.COMPLETE
    retirement.completed_at = now or timezone.now()
    retirement.emails, retirement.names = [], []
    retirement.save()
    # The entries the person made stay theirs (the anonymous account) without the address
    # and connection they came from; saving this row may have just written one.
    LogEntry.objects.filter(actor_id=retirement.user_id).update(
        actor_email=None, remote_addr=None, remote_port=None
    )
    return retirement


def resume_unfinished():
    """Run again every erasure a failed step left unfinished; returns how many completed."""
    completed = 0
    for pk in Retirement.objects.filter(state=Retirement.State.ERASING).values_list(
        "pk", flat=True
    ):
        try:
            run(pk)
        except Exception:  # recorded on the row by `run`; the next erasure still runs
            continue
        completed += 1
    return completed
