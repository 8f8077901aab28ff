"""Benchmark the daily renewal sweep on PostgreSQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cspo_bench python bench/sweep.py 10000 100000

For each N it empties the practitioner data of that database (never point it at
production), creates N practitioners, N credentials (expiries spread from 200 days ago
to 800 days ahead, all programs), their open cycles and 3 SEU entries each in bulk,
then runs the sweep in a fresh process and prints its wall time, SQL queries and peak
memory (max RSS of that process, Django included). It runs the sweep twice: the first
run refreshes statuses and claims the due reminders, the second finds them claimed.
Emails are not sent (the reminder ids are only collected), so SMTP is not measured.
"""

import datetime
import json
import os
import random
import resource
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cspo_tracker.settings")
TODAY = datetime.date(2026, 6, 1)


def setup():
    import django

    django.setup()
    from django.db import connection

    if connection.vendor != "postgresql":
        sys.exit("bench/sweep.py needs DATABASE_URL pointing at a PostgreSQL database")


def seed(n):
    from django.core.management import call_command
    from django.db import connection, transaction

    from certifications.dates import add_months
    from certifications.models import Credential, Practitioner, Program, User
    from renewals.models import RenewalCycle
    from seus.models import SeuCategory, SeuEntry

    call_command("migrate", verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE renewals_reminder, renewals_renewalcycle, renewals_renewal, "
            "seus_seuentry, certifications_credential, certifications_practitioner, "
            "certifications_user CASCADE"
        )
    programs = list(Program.objects.all())
    categories = list(SeuCategory.objects.all())
    rng = random.Random(5)
    started = time.perf_counter()
    step = 10_000
    for offset in range(0, n, step):
        size = min(step, n - offset)
        with transaction.atomic():
            users = User.objects.bulk_create(
                User(email=f"bench{offset + i}@example.com", password="!") for i in range(size)
            )
            holders = Practitioner.objects.bulk_create(
                Practitioner(user=u, calendar_token=f"bench-{u.pk}") for u in users
            )
            credentials = []
            for i, holder in enumerate(holders):
                program = programs[(offset + i) % len(programs)]
                expires = TODAY + datetime.timedelta(days=rng.randint(-200, 800))
                credentials.append(
                    Credential(
                        holder=holder,
                        program=program,
                        certificate_number=f"B-{offset + i:08d}",
                        issued_on=add_months(expires, -program.validity_months),
                        expires_on=expires,
                    )
                )
            credentials = Credential.objects.bulk_create(credentials)
            RenewalCycle.objects.bulk_create(
                RenewalCycle(
                    credential=c,
                    window_starts_on=add_months(c.expires_on, -c.program.lookback_months),
                    ends_on=c.expires_on,
                    seus_required=c.program.seus_required,
                    seus_addon=c.program.seus_addon,
                    fee_amount=c.program.renewal_fee,
                    fee_currency=c.program.fee_currency,
                )
                for c in credentials
            )
            SeuEntry.objects.bulk_create(
                SeuEntry(
                    practitioner_id=c.holder_id,
                    earned_on=c.expires_on - datetime.timedelta(days=rng.randint(1, 700)),
                    category=categories[j % len(categories)],
                    activity="Bench learning",
                    seus=Decimal(rng.randint(1, 8)),
                )
                for c in credentials
                for j in range(3)
            )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return time.perf_counter() - started


def collect(into):
    return lambda ids, result: into.extend(ids)


def run_sweep():
    """Runs in a child process so max RSS is the sweep's, not the seeding's."""
    from django.db import connection

    from renewals import sweep

    queries = 0

    def count(execute, sql, params, many, context):
        nonlocal queries
        queries += 1
        return execute(sql, params, many, context)

    figures = []
    for _ in range(2):
        queries = 0
        collected = []
        started = time.perf_counter()
        with connection.execute_wrapper(count):
            result = sweep.run_sweep(today=TODAY, dispatch=collect(collected))
        figures.append(
            {
                "seconds": round(time.perf_counter() - started, 2),
                "queries": queries,
                "batches": result.batches,
                "scanned": result.credentials_scanned,
                "statuses_changed": result.statuses_changed,
                "reminders_claimed": result.reminders_claimed,
                "pending_sent_again": len(collected) - result.reminders_claimed,
            }
        )
    print(json.dumps({"runs": figures, "peak_rss_mb": round(peak_rss_mb(), 1)}))


def peak_rss_mb():
    """VmHWM: this process's peak resident memory. (ru_maxrss would carry the parent's
    peak over fork and exec, i.e. the seeding's.)"""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main(sizes):
    setup()
    print(f"{'N':>8} {'run':>4} {'seconds':>8} {'queries':>8} {'batches':>8} "
          f"{'changed':>8} {'claimed':>8} {'resent':>8} {'peak MB':>8}")  # fmt: skip
    for n in sizes:
        seed_seconds = seed(n)
        child = subprocess.run(
            [sys.executable, __file__, "--run"], capture_output=True, text=True, env=os.environ
        )
        if child.returncode:
            sys.exit(f"the sweep failed:\n{child.stderr}")
        data = json.loads(child.stdout.strip().splitlines()[-1])
        for i, run in enumerate(data["runs"], start=1):
            print(
                f"{n:>8} {i:>4} {run['seconds']:>8} {run['queries']:>8} {run['batches']:>8} "
                f"{run['statuses_changed']:>8} {run['reminders_claimed']:>8} "
                f"{run['pending_sent_again']:>8} {data['peak_rss_mb']:>8}"
            )
        print(f"{'':>8} (seeding {n} credentials took {seed_seconds:.0f} s)")


if __name__ == "__main__":
    if sys.argv[1:] == ["--run"]:
        setup()
        run_sweep()
    else:
        main([int(a) for a in sys.argv[1:]] or [10_000, 100_000])
