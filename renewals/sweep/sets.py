"""The daily sweep's rules in set form: the statuses (selectors.status_on) and the due
reminder (selectors.due_reminder) of every credential in an id range, computed by the
database in a fixed number of statements instead of a Python loop over the rows.

The rules themselves stay in selectors: this module only turns them into SQL, with the
per-program and per-day bounds computed here in Python (so no date arithmetic on
columns, which differs between PostgreSQL and SQLite). tests/renewals/sweep/test_agrees.py
checks on random populations that both forms say the same.

"Today" is each holder's local date: every time zone in use is mapped to its date once
per run (`days_by_zone`); at any instant the zones of the world span at most three
dates, so a chunk runs one status UPDATE and one reminder claim per date.
"""

from collections import defaultdict
from datetime import timedelta

from django.db import connection
from django.db.models import Case, CharField, OuterRef, Q, Subquery, Value, When

from certifications.dates import today_in
from certifications.models import Credential, Practitioner, Program

from .. import selectors
from ..models import Reminder, ReminderOffset, Renewal, RenewalCycle
from ..signals import credential_statuses_changed

LAPSED = Credential.Status.LAPSED
GRACE = Credential.Status.GRACE
DUE = Credential.Status.RENEWAL_DUE
ACTIVE = Credential.Status.ACTIVE


def prepare_chunk():
    """PostgreSQL: no JIT for the chunk's statements. Their per-row subqueries inflate the
    planner's cost estimate past jit_above_cost, and compiling then takes far longer than
    running them."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL jit = off")


def days_by_zone(*, now, today=None):
    """{local date: [time zone names]} for every zone a holder uses, or {today: None}
    (None = every zone) when the run is pinned to one date (the command's --today)."""
    if today is not None:
        return {today: None}
    zones = Practitioner.objects.order_by().values_list("time_zone", flat=True).distinct()
    days = defaultdict(list)
    for zone in zones:
        days[today_in(zone, now)].append(zone)
    return dict(days)


def program_rules():
    """{(grace_days, lead_days): [program ids]}: programs sharing rules share bounds."""
    rules = defaultdict(list)
    for pk, grace, lead in Program.objects.values_list("pk", "grace_days", "reminder_lead_days"):
        rules[(grace, lead)].append(pk)
    return dict(rules)


def met_credential_ids(*, first_id, last_id, caps):
    """Credentials of the range whose current cycle meets its requirements (SEUs counted
    and fee confirmed, selectors.requirements_met). Only cycles whose fee is confirmed
    can meet them, a handful, so SEUs are counted for those alone."""
    confirmed = list(
        RenewalCycle.objects.filter(
            credential_id__gte=first_id,
            credential_id__lte=last_id,
            renewal__fee_status=Renewal.FeeStatus.CONFIRMED,
        )
        .exclude(status=RenewalCycle.Status.COMPLETED)
        .values_list("pk", "credential_id", "seus_required")
    )
    if not confirmed:
        return []
    counted = selectors.seus_counted_by_cycle([pk for pk, _c, _r in confirmed], caps=caps)
    return [
        credential_id
        for pk, credential_id, required in confirmed
        if selectors.requirements_met(
            seus_counted=counted[pk], seus_required=required, fee_is_confirmed=True
        )
    ]


def status_case(*, day, rules, met_ids):
    """selectors.status_on on `day` as a CASE over the credential's own columns."""
    whens = []
    for (grace, lead), program_ids in rules.items():
        due = Value(DUE)
        if met_ids:
            due = Case(When(pk__in=met_ids, then=Value(ACTIVE)), default=Value(DUE))
        whens += [
            When(
                program_id__in=program_ids,
                expires_on__lt=day - timedelta(days=grace),
                then=Value(LAPSED),
            ),
            When(program_id__in=program_ids, expires_on__lt=day, then=Value(GRACE)),
            When(
                program_id__in=program_ids,
                expires_on__lte=day + timedelta(days=lead),
                then=due,
            ),
        ]
    return Case(*whens, default=Value(ACTIVE), output_field=CharField())


def _bounds(day, rules):
    """Expiry dates outside [low, high] are lapsed (below) or active (above) for every
    program: only rows in between, or stored otherwise, can change."""
    low = min(day - timedelta(days=grace) for grace, _lead in rules)
    high = max(day + timedelta(days=lead) for _grace, lead in rules)
    return low, high


def update_statuses(*, first_id, last_id, day, zones, rules, met_ids):
    """Store the status of `day` for the range's credentials whose holder's today is
    `day` and whose stored status differs; returns how many changed (one UPDATE)."""
    if not rules:
        return 0
    low, high = _bounds(day, rules)
    rows = Credential.objects.filter(pk__gte=first_id, pk__lte=last_id).filter(
        Q(expires_on__gte=low, expires_on__lte=high)
        | (Q(expires_on__lt=low) & ~Q(status=LAPSED))
        | (Q(expires_on__gt=high) & ~Q(status=ACTIVE))
    )
    if zones is not None:  # a scalar subquery: a join would scan every practitioner
        rows = rows.alias(zone=_holder("time_zone")).filter(zone__in=zones)
    case = status_case(day=day, rules=rules, met_ids=met_ids)
    changed = rows.exclude(status=case)
    if not credential_statuses_changed.has_listeners(Credential):
        return changed.update(status=case, status_changed_on=day)
    by_status = defaultdict(list)  # read first: the update leaves nothing to tell apart
    for pk, status in changed.annotate(new_status=case).values_list("pk", "new_status"):
        by_status[status].append(pk)
    count = changed.update(status=case, status_changed_on=day)
    for status, pks in by_status.items():
        credential_statuses_changed.send(sender=Credential, status=status, credential_ids=pks)
    return count


def _holder(column):
    """The credential's holder's `column`, looked up per row by primary key."""
    holder = Practitioner.objects.filter(pk=OuterRef("holder_id")).order_by()
    return Subquery(holder.values(column)[:1])


def _minus_days(column, days):
    days = int(days)
    if connection.vendor == "sqlite":
        return f"date({column}, '{-days:+d} days')"
    return f"({column} - ({days}))"


def _due_cte(*, first_id, last_id, day, zones, offsets, met_ids, rules):
    """WITH due AS (cycle_id, offset_id, due_on, opted_in): for each open cycle of a
    credential in the range (not revoked, not lapsed on `day` — statuses are stored
    first — not met) its most recent due offset (selectors.most_recent_due_offset)."""
    ops = connection.ops
    params = []
    # The holder's columns by scalar subqueries (per row, by primary key): a join would
    # read every practitioner for each chunk.
    holder = "SELECT h."
    where_holder = f" FROM {Practitioner._meta.db_table} h WHERE h.id = c.holder_id"
    ascending = sorted(offsets, key=lambda o: o.days_before_expiry)  # first match = latest
    offset_case, due_case = [], []
    for offset in ascending:
        offset_case.append(f"WHEN c.expires_on <= %s THEN {int(offset.pk)}")
        due_case.append(
            f"WHEN c.expires_on <= %s THEN {_minus_days('c.expires_on', offset.days_before_expiry)}"
        )
    params += [
        ops.adapt_datefield_value(day + timedelta(days=o.days_before_expiry)) for o in ascending
    ] * 2
    low, _high = _bounds(day, rules)
    high = day + timedelta(days=ascending[-1].days_before_expiry)
    where = [
        "c.id BETWEEN %s AND %s",
        "cy.credential_id BETWEEN %s AND %s",
        "cy.status = %s",
        "c.revoked_at IS NULL",
        "c.status <> %s",
        "c.expires_on >= %s",
        "c.expires_on <= %s",
    ]
    params += [first_id, last_id, first_id, last_id, RenewalCycle.Status.OPEN, LAPSED]
    params += [ops.adapt_datefield_value(low), ops.adapt_datefield_value(high)]
    if zones is not None:
        where.append(f"({holder}time_zone{where_holder}) IN ({', '.join(['%s'] * len(zones))})")
        params += list(zones)
    if met_ids:
        where.append(f"c.id NOT IN ({', '.join(['%s'] * len(met_ids))})")
        params += list(met_ids)
    sql = (
        f"WITH due AS (SELECT cy.id AS cycle_id, "
        f"({holder}optional_reminders{where_holder}) AS opted_in, "
        f"CASE {' '.join(offset_case)} END AS offset_id, "
        f"CASE {' '.join(due_case)} END AS due_on "
        f"FROM {Credential._meta.db_table} c "
        f"JOIN {RenewalCycle._meta.db_table} cy ON cy.credential_id = c.id "
        f"WHERE {' AND '.join(where)}) "
    )
    return sql, params


def claim_due_reminders(*, first_id, last_id, day, zones, offsets, met_ids, rules, now):
    """Claim the due reminders of the range for holders whose today is `day`.

    Returns (claimed ids, pending ids, already sent, skipped): the rows this call
    inserted (INSERT ... ON CONFLICT DO NOTHING RETURNING: two sweeps at once each get
    only the rows they won), the due ones a previous run claimed but did not send, and
    the counts of due ones already sent or unsubscribed (optional offset).

    One SELECT reads the range's due rows with their reminder, if any (a few thousand
    rows at most, the ids of a chunk in the window of the offsets); the INSERT then
    carries only the rows with no reminder yet, usually a handful on a daily run."""
    if not offsets or not rules:
        return [], [], 0, 0
    cte, params = _due_cte(
        first_id=first_id,
        last_id=last_id,
        day=day,
        zones=zones,
        offsets=offsets,
        met_ids=met_ids,
        rules=rules,
    )
    reminder = Reminder._meta.db_table
    offset_table = ReminderOffset._meta.db_table

    # The reminder of a due row, looked up per row through the (cycle, offset) unique
    # index by a scalar subquery, never by a join: a join's plan follows the statistics,
    # and right after a catch-up run claimed thousands of reminders (before ANALYZE)
    # PostgreSQL joined through the offset index instead, hundreds of times slower.
    def reminder_of_due(column):
        return (
            f"(SELECT r.{column} FROM {reminder} r WHERE r.cycle_id = due.cycle_id "
            "AND r.offset_id = due.offset_id)"
        )

    due_rows = (
        f"{cte}SELECT due.cycle_id, due.offset_id, due.due_on, "
        f"CASE WHEN (NOT o.is_optional OR due.opted_in) THEN 1 ELSE 0 END, "
        f"{reminder_of_due('id')}, {reminder_of_due('status')} "
        f"FROM due JOIN {offset_table} o ON o.id = due.offset_id"
    )
    waiting = {Reminder.Status.PENDING, Reminder.Status.FAILED}
    new, pending, already, skipped = [], [], 0, 0
    with connection.cursor() as cursor:
        cursor.execute(due_rows, params)
        for cycle_id, offset_id, due_on, wanted, reminder_id, status in cursor.fetchall():
            if not wanted:
                skipped += 1
            elif reminder_id is None:
                new.append((cycle_id, offset_id, due_on))
            elif status == Reminder.Status.SENT:
                already += 1
            elif status in waiting:  # claimed by a run that stopped before sending
                pending.append(reminder_id)
    return _insert_claims(new, now), pending, already, skipped


CLAIMS_PER_INSERT = 500  # 7 parameters a row: within SQLite's limit on parameters


def _insert_claims(rows, now):
    """Insert (cycle, offset, due_on) claims as pending; returns the ids inserted (a
    claim another sweep inserted first is skipped by ON CONFLICT)."""
    claimed = []
    claimed_at = connection.ops.adapt_datetimefield_value(now)
    table = Reminder._meta.db_table
    for start in range(0, len(rows), CLAIMS_PER_INSERT):
        batch = rows[start : start + CLAIMS_PER_INSERT]
        values = ", ".join(["(%s, %s, %s, %s, 0, '', %s)"] * len(batch))
        params = []
        for cycle_id, offset_id, due_on in batch:
            params += [cycle_id, offset_id, due_on, Reminder.Status.PENDING, claimed_at]
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {table} "
                "(cycle_id, offset_id, due_on, status, attempts, last_error, claimed_at) "
                f"VALUES {values} ON CONFLICT (cycle_id, offset_id) DO NOTHING RETURNING id",
                params,
            )
            claimed += [row[0] for row in cursor.fetchall()]
    return claimed
