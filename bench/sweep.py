"""Benchmark the daily renewal sweep on PostgreSQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cspo_bench \\
    CELERY_BROKER_URL=redis://127.0.0.1:6379/1 \\
        python bench/sweep.py 10000 100000 300000 [--million] [--workers] [--chunk 10000]

For each N it empties the practitioner data of that database (never point it at
production) and seeds, in SQL (generate_series, seconds even at 1M): N practitioners in
eight time zones from UTC-12 to UTC+14 (one in ten unsubscribed from the optional
reminders), N credentials (expiries spread from 200 days ago to 800 days ahead, all
programs, one in fifty revoked), their open cycles and 3 SEU entries each. Then, in a
fresh process (so the peak memory is the sweep's):

- run 1, "first": every status refreshed and every due reminder claimed (catch-up);
  the claimed reminders are then marked sent, as the outbox would have;
- run 2, "again": the same instant again, nothing to do;
- run 3, "next day": the daily figure: one day later;
- "first+mail": run 1 again as production runs it, each chunk's reminders rendered into
  the outbox and published for delivery; the published messages are then purged;
- the SQL floor: the plain query reading the same rows (credentials with their holder
  and current cycle), the best of three, and each run's ratio to it.

In runs 1 to 3 emails are not rendered (the claimed ids are only collected). With
--workers it then measures the fanned-out beat task with real Celery workers (1, then 2
processes, on the queue "sweepbench" of CELERY_BROKER_URL) on the next day's workload
after a first run, with the emails written to the outbox: from dispatch to the recorded SweepRun.
"""

import contextlib
import datetime
import json
import os
import resource
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
NOW = datetime.datetime(2026, 6, 1, 12, 0, tzinfo=datetime.UTC)  # two local dates at once
ZONES = [
    "UTC",
    "Europe/Berlin",
    "America/New_York",
    "Asia/Kolkata",
    "Pacific/Auckland",
    "Etc/GMT+12",
    "Pacific/Kiritimati",
    "America/Los_Angeles",
]
TABLES = (
    "renewals_reminder, renewals_renewalcycle, renewals_renewal, renewals_sweepchunk, "
    "renewals_sweeprun, seus_seuentry, certifications_credential, "
    "certifications_practitioner, certifications_user, cspo_tracker_outboundemail"
)


def setup():
    import django

    django.setup()
    from django.db import connection

    if connection.vendor != "postgresql":
        sys.exit("bench/sweep.py needs DATABASE_URL pointing at a PostgreSQL database")


def sql(statement, params=None):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        return cursor.fetchall() if cursor.description else None


def seed(n):
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    sql(f"TRUNCATE {TABLES} RESTART IDENTITY CASCADE")
    sql("SELECT setseed(0.5)")
    today = NOW.date().isoformat()
    sql(
        "INSERT INTO certifications_user (id, password, is_superuser, first_name, last_name, "
        "is_staff, is_active, date_joined, email, unreachable_email) SELECT i, '!', false, '', "
        "'', false, true, now(), 'bench' || i || '@example.com', '' FROM generate_series(1, %s) i",
        [n],
    )
    sql(
        "INSERT INTO certifications_practitioner (id, time_zone, member_id, optional_reminders,"
        " calendar_token, created_at, user_id) SELECT i, (%s::text[])[1 + i %% 8], '', "
        "i %% 10 <> 0, 'bench-' || i, now(), i FROM generate_series(1, %s) i",
        [ZONES, n],
    )
    programs = [row[0] for row in sql("SELECT id FROM certifications_program ORDER BY id")]
    sql(
        "INSERT INTO certifications_credential (id, certificate_number, issued_on, expires_on,"
        " status, created_at, holder_id, program_id, revoked_reason, revoked_at) "
        "SELECT i, 'B-' || lpad(i::text, 8, '0'), (e - interval '24 months')::date, e, "
        "'active', now(), i, (%s::bigint[])[1 + i %% %s], '', "
        "CASE WHEN i %% 50 = 0 THEN now() END FROM (SELECT i, "
        "%s::date + (floor(random() * 1000) - 200)::int AS e FROM generate_series(1, %s) i) s",
        [programs, len(programs), today, n],
    )
    sql(
        "INSERT INTO renewals_renewalcycle (credential_id, window_starts_on, ends_on, "
        "seus_required, seus_addon, fee_amount, fee_currency, status, created_at) "
        "SELECT c.id, (c.expires_on - interval '24 months')::date, c.expires_on, "
        "p.seus_required, p.seus_addon, p.renewal_fee, p.fee_currency, 'open', now() "
        "FROM certifications_credential c JOIN certifications_program p ON p.id = c.program_id"
    )
    categories = [row[0] for row in sql("SELECT id FROM seus_seucategory ORDER BY id")]
    sql(
        "INSERT INTO seus_seuentry (earned_on, activity, provider, seus, description, evidence,"
        " evidence_name, provider_reference, created_at, updated_at, category_id, practitioner_id) "
        "SELECT c.expires_on - (1 + floor(random() * 700))::int, 'Bench learning', '', "
        "1 + floor(random() * 8), '', '', '', '', now(), now(), "
        "(%s::bigint[])[1 + (c.id + j) %% %s], "
        "c.holder_id FROM certifications_credential c, generate_series(0, 2) j",
        [categories, len(categories)],
    )
    for table in (
        "certifications_user",
        "certifications_practitioner",
        "certifications_credential",
    ):
        sql(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), %s)", [n])
    sql("ANALYZE")
    return time.perf_counter() - started


def reset_first_run():
    """Back to the state before run 1: no reminder, no email, every status 'active'."""
    sql("TRUNCATE renewals_reminder, cspo_tracker_outboundemail, renewals_sweepchunk, "
        "renewals_sweeprun")  # fmt: skip
    sql("UPDATE certifications_credential SET status = 'active', status_changed_on = NULL "
        "WHERE status <> 'active' OR status_changed_on IS NOT NULL")  # fmt: skip
    sql("VACUUM ANALYZE certifications_credential")


def sql_floor():
    """The plain SQL reading the rows the sweep reads, best of three (seconds)."""
    best = None
    for _ in range(3):
        started = time.perf_counter()
        sql(
            "SELECT count(*), count(cy.id), max(h.time_zone), max(c.expires_on), "
            "max(c.status) FROM certifications_credential c "
            "JOIN certifications_practitioner h ON h.id = c.holder_id "
            "LEFT JOIN renewals_renewalcycle cy ON cy.credential_id = c.id "
            "AND cy.status <> 'completed'"
        )
        took = time.perf_counter() - started
        best = took if best is None else min(best, took)
    return best


def run_sweeps(chunk):
    """Runs in a child process so the peak memory is the sweep's, not the seeding's."""
    from _support import counting_statements
    from django.conf import settings

    from renewals.sweep import services as sweep

    # As in production: with DEBUG on, Django keeps every statement's SQL in memory (up to
    # 9,000), which the peak would count as the sweep's.
    settings.DEBUG = False
    # Memory is the process's peak RSS after each run, not tracemalloc: tracing every
    # allocation slowed the runs it measured (the ratio to the floor counted it).
    figures = []
    for name, now in (
        ("first", NOW),
        ("again", NOW),
        ("next day", NOW + datetime.timedelta(days=1)),
    ):
        collected = []
        dispatch = collected.extend
        started = time.perf_counter()
        with counting_statements() as counted:
            result = sweep.run_sweep(
                now=now, dispatch=lambda ids, r, into=dispatch: into(ids), batch_size=chunk
            )
        seconds = time.perf_counter() - started
        figures.append(
            {
                "run": name,
                "seconds": round(seconds, 2),
                "us_per_credential": round(seconds / max(result.credentials_scanned, 1) * 1e6, 1),
                "queries": counted.statements,
                "chunks": result.batches,
                "changed": result.statuses_changed,
                "claimed": result.reminders_claimed,
                "rss_mb": round(peak_rss_mb(), 1),
            }
        )
        sql(
            "UPDATE renewals_reminder SET status = 'sent', sent_at = now() WHERE status = 'pending'"
        )  # fmt: skip   (the outbox would have sent them)
    figures.append(first_run_with_emails(chunk))
    floor = sql_floor()
    print(json.dumps({"runs": figures, "floor": floor, "peak_rss_mb": round(peak_rss_mb(), 1)}))


def first_run_with_emails(chunk):
    """Run 1 again as production runs it: each chunk's claimed reminders rendered into the
    outbox and published for delivery (the default dispatch), so the figure holds all the
    work the catch-up does before the workers send, not only the claiming."""
    from _support import counting_statements

    from renewals.sweep import services as sweep

    reset_first_run()
    started, cpu = time.perf_counter(), time.process_time()
    with counting_statements() as counted:
        result = sweep.run_sweep(now=NOW, batch_size=chunk)
    seconds = time.perf_counter() - started
    # This process's own CPU time (rendering, the ORM), which a loaded machine's waiting
    # for a core does not inflate as it does the seconds.
    cpu = time.process_time() - cpu
    written = sql("SELECT count(*) FROM cspo_tracker_outboundemail")[0][0]
    purge_published()
    return {
        "run": "first+mail",
        "seconds": round(seconds, 2),
        "us_per_credential": round(seconds / max(result.credentials_scanned, 1) * 1e6, 1),
        "queries": counted.statements,
        "chunks": result.batches,
        "changed": result.statuses_changed,
        "claimed": result.reminders_claimed,
        "emails": written,
        "cpu_s": round(cpu, 2),
        "rss_mb": round(peak_rss_mb(), 1),
    }


def purge_published():
    """Drop the delivery messages the bench published: nothing is to be sent."""
    from config.celery import app

    with app.connection_for_write() as conn:
        for queue in ("celery", "sweepbench", "emails"):
            with contextlib.suppress(Exception):  # a queue that never existed
                conn.default_channel.queue_purge(queue)


def peak_rss_mb():
    """VmHWM: this process's peak resident memory (Django included)."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def fan_out(workers, chunk):
    """The beat task's fan-out with `workers` real Celery worker processes: seconds from
    dispatch to the recorded SweepRun, for the next day's run after a first run (the
    daily workload, its reminder emails rendered into the outbox)."""
    from renewals.models import SweepRun
    from renewals.sweep import services as sweep
    from renewals.sweep.runs import plan_fan_out
    from renewals.tasks import sweep_chunk

    reset_first_run()
    sweep.run_sweep(now=NOW, dispatch=lambda ids, result: None, batch_size=chunk)
    sql("UPDATE renewals_reminder SET status = 'sent', sent_at = now()")
    sql("TRUNCATE renewals_sweeprun, renewals_sweepchunk")
    env = dict(os.environ, RENEWALS_SWEEP_BATCH_SIZE=str(chunk))
    procs = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "config",
                "worker",
                "-Q",
                "sweepbench",
                "-c",
                "1",
                "-n",
                f"sweepbench{i}@%h",
                "--without-gossip",
                "--without-mingle",
                "-l",
                "WARNING",
            ],  # fmt: skip
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for i in range(workers)
    ]
    try:
        time.sleep(6)  # let the workers connect
        started = time.perf_counter()
        chunk_ids = plan_fan_out(
            run_key=f"bench-{workers}-{time.time()}",
            now=NOW + datetime.timedelta(days=1),
            chunk_size=chunk,
        )
        for chunk_id in chunk_ids:
            sweep_chunk.apply_async(args=[chunk_id], queue="sweepbench")
        while not SweepRun.objects.exists():
            time.sleep(0.1)
        seconds = time.perf_counter() - started
        run = SweepRun.objects.get()
        return seconds, len(chunk_ids), run.reminders_sent
    finally:
        for proc in procs:
            proc.send_signal(signal.SIGTERM)
        for proc in procs:
            proc.wait(timeout=60)
        purge_published()


def main(args):
    chunk = 10_000
    if "--chunk" in args:
        chunk = int(args[args.index("--chunk") + 1])
        del args[args.index("--chunk") : args.index("--chunk") + 2]
    workers = "--workers" in args
    sizes = [int(a) for a in args if a.isdigit()] or [10_000, 100_000, 300_000]
    if "--million" in args:
        sizes.append(1_000_000)
    setup()
    print(f"chunk size {chunk}; {os.cpu_count()} CPUs; load {os.getloadavg()[0]:.1f}")
    print(f"{'N':>8} {'run':>9} {'seconds':>8} {'us/cred':>8} {'floor s':>8} {'ratio':>6} "
          f"{'queries':>8} {'chunks':>7} {'changed':>8} {'claimed':>8} "
          f"{'RSS MB':>7}")  # fmt: skip
    for n in sizes:
        seed_seconds = seed(n)
        child = subprocess.run(
            [sys.executable, __file__, "--run", str(chunk)],
            capture_output=True,
            text=True,
            env=os.environ,
        )
        if child.returncode:
            sys.exit(f"the sweep failed:\n{child.stderr}")
        data = json.loads(child.stdout.strip().splitlines()[-1])
        floor = data["floor"]
        for run in data["runs"]:
            print(
                f"{n:>8} {run['run']:>9} {run['seconds']:>8} {run['us_per_credential']:>8} "
                f"{floor:>8.3f} {run['seconds'] / floor:>6.1f} {run['queries']:>8} "
                f"{run['chunks']:>7} {run['changed']:>8} {run['claimed']:>8} "
                f"{run['rss_mb']:>7}"
                + (
                    f"  ({run['emails']} emails written; sweep process CPU {run['cpu_s']} s, "
                    f"{run['cpu_s'] / max(run['emails'], 1) * 1000:.2f} ms an email)"
                    if "emails" in run
                    else ""
                )
            )
        print(f"{'':>8} (seeded in {seed_seconds:.0f} s; load {os.getloadavg()[0]:.1f})")
        if workers:
            for count in (1, 2):
                seconds, chunks, sent = fan_out(count, max(chunk // 2, 1000))
                print(
                    f"{n:>8} fan-out, {count} worker(s): {seconds:.1f} s for {chunks} chunks, "
                    f"{sent} reminder emails written to the outbox"
                )


if __name__ == "__main__":
    if sys.argv[1:2] == ["--run"]:
        setup()
        run_sweeps(int(sys.argv[2]))
    else:
        main(sys.argv[1:])
