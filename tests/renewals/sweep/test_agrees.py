"""The set-based sweep (SQL over id ranges) and the row-by-row rules (selectors, one
credential at a time) agree on random populations: statuses stored and reminders
claimed, across time zones from UTC-12 to UTC+14, leap days, programs with different
grace and lead days, revoked credentials, renewals with a confirmed fee, reminders a
previous run claimed, and offsets switched off."""

import datetime

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from certifications.dates import add_months
from certifications.models import Credential
from renewals import selectors
from renewals.models import Reminder, ReminderOffset, Renewal, RenewalCycle
from renewals.sweep import services as sweep
from tests.factories import PractitionerFactory, ProgramFactory, credential_expiring, seus_for

D = datetime.date
ZONES = ["UTC", "Etc/GMT+12", "Pacific/Kiritimati", "America/New_York", "Asia/Kolkata", ""]
ANCHORS = [D(2026, 2, 28), D(2026, 3, 1), D(2028, 2, 29), D(2028, 3, 1), D(2026, 6, 30)]
OPTIONAL_CODES = ["90-days-before", "60-days-before", "30-days-before", "7-days-before"]

credential_specs = st.fixed_dictionaries(
    {
        "program": st.sampled_from(["CSPO", "FAST"]),
        "days_from_anchor": st.integers(-130, 130),
        "issued_on_leap_day": st.booleans(),
        "zone": st.sampled_from(ZONES),
        "optional_reminders": st.booleans(),
        "revoked": st.booleans(),
        "seus": st.sampled_from([0, 8, 20, 30]),
        "fee": st.sampled_from(["none", "pending", "confirmed"]),
        "earlier": st.sampled_from([None, "pending", "sent", "failed", "skipped"]),
    }
)
populations = st.fixed_dictionaries(
    {
        "anchor": st.sampled_from(ANCHORS),
        "hour": st.integers(0, 23),
        "inactive": st.sets(st.sampled_from(OPTIONAL_CODES), max_size=2),
        "credentials": st.lists(credential_specs, min_size=1, max_size=6),
    }
)


def build(population):
    ReminderOffset.objects.filter(code__in=population["inactive"]).update(is_active=False)
    ProgramFactory(code="FAST", validity_months=12, grace_days=30, reminder_lead_days=45)
    now = datetime.datetime.combine(
        population["anchor"], datetime.time(population["hour"]), datetime.UTC
    )
    offsets = list(ReminderOffset.objects.filter(is_active=True))
    for spec in population["credentials"]:
        holder = PractitionerFactory(
            time_zone=spec["zone"], optional_reminders=spec["optional_reminders"]
        )
        expires = population["anchor"] + datetime.timedelta(days=spec["days_from_anchor"])
        program = ProgramFactory(code=spec["program"])
        if spec["issued_on_leap_day"]:
            leap = D(2024, 2, 29) if population["anchor"].year == 2026 else D(2028, 2, 29)
            expires = add_months(leap, program.validity_months)
            if population["anchor"].year == 2028:
                expires = add_months(D(2026, 2, 28), 24)  # a Feb 28 expiry in a leap year
        credential = credential_expiring(expires, program=program, holder=holder)
        if spec["revoked"]:
            Credential.objects.filter(pk=credential.pk).update(revoked_at=now)
        if spec["seus"]:
            seus_for(holder, spec["seus"], earned_on=expires - datetime.timedelta(days=200))
        cycle = credential.cycles.get()
        if spec["fee"] != "none":
            renewal = Renewal.objects.create(
                practitioner=holder,
                seus_required=cycle.seus_required,
                fee_amount=cycle.fee_amount,
                fee_currency=cycle.fee_currency,
                fee_status=spec["fee"],
            )
            RenewalCycle.objects.filter(pk=cycle.pk).update(
                renewal=renewal, status=RenewalCycle.Status.SUBMITTED
            )
        if spec["earlier"]:
            offset = offsets[spec["days_from_anchor"] % len(offsets)]
            Reminder.objects.create(
                cycle=cycle,
                offset=offset,
                due_on=expires - datetime.timedelta(days=offset.days_before_expiry),
                status=spec["earlier"],
            )
    return now, offsets


def row_by_row(now, offsets):
    """What the per-credential rules say: {credential id: status} and the set of
    (cycle id, offset id) reminders to send."""
    progress = selectors.credential_progress(Credential.objects.all(), now=now)
    statuses = {p.credential.pk: p.status for p in progress}
    earlier = {(r.cycle_id, r.offset_id): r.status for r in Reminder.objects.all()}
    to_send = set()
    for each in progress:
        offset = selectors.due_reminder(each, offsets=offsets)
        if offset is None:
            continue
        key = (each.cycle.pk, offset.pk)
        if earlier.get(key) not in (Reminder.Status.SENT, Reminder.Status.SKIPPED):
            to_send.add(key)
    return statuses, to_send


@pytest.mark.django_db
@settings(
    # The same examples every run: a failure here is the code's, never the draw's. The
    # rules' edges are pinned by explicit cases in tests/renewals/test_rule_boundaries.py.
    derandomize=True,
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(population=populations)
def test_the_set_based_sweep_agrees_with_the_row_by_row_rules(population):
    with transaction.atomic():
        now, offsets = build(population)
        expected_statuses, expected_reminders = row_by_row(now, offsets)
        plan = sweep.SweepPlan.read(now=now)
        claimed = []
        for first_id, last_id in sweep.chunk_ranges(3):
            claimed += sweep.sweep_chunk(plan, first_id, last_id)[1]
        assert dict(Credential.objects.values_list("pk", "status")) == expected_statuses
        sent = set(Reminder.objects.filter(pk__in=claimed).values_list("cycle_id", "offset_id"))
        assert sent == expected_reminders
        transaction.set_rollback(True)


def test_the_row_rules_see_the_holders_own_date(db):
    """Guard for the test above: at 11:00 UTC it is already tomorrow in Kiritimati
    (UTC+14) and still yesterday at UTC-12, so their reminders differ."""
    expires = D(2026, 6, 30)
    now = datetime.datetime(2026, 6, 22, 11, tzinfo=datetime.UTC)  # 8 days before in UTC
    east = credential_expiring(expires, holder=PractitionerFactory(time_zone="Pacific/Kiritimati"))
    west = credential_expiring(expires, holder=PractitionerFactory(time_zone="Etc/GMT+12"))
    claimed = []
    sweep.run_sweep(now=now, dispatch=lambda ids, result: claimed.extend(ids))
    codes = dict(
        Reminder.objects.filter(pk__in=claimed).values_list("cycle__credential", "offset__code")
    )
    assert codes == {east.pk: "7-days-before", west.pk: "30-days-before"}
