"""Benchmark the spreadsheet imports on PostgreSQL, against a COPY floor.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cspo_imports python bench/imports.py 10000 100000

For each N it makes a fresh database `<name of DATABASE_URL's database>_bench` on the same
server (dropped and created again, then migrated), writes a credentials CSV of N rows
(N * 0.8 people, some holding two credentials) and an SEU CSV of N rows for those people,
and runs in a fresh process each: `import_credentials`, the same file again (re-import),
`import_seus`, the same file again. It prints wall seconds, peak RSS of that process
(VmHWM, Django included), rows per second, SQL queries, and the ratio to the floor: psql-
style COPY (psycopg2 copy_expert) of the same file into a scratch table of text and date
columns on the same database, i.e. the time PostgreSQL needs just to take the rows in. "CPU s" is the import process's CPU
time, "DB CPU" its PostgreSQL backend's (read from /proc): on a busy machine the wall
time is mostly waiting for a core, and the two CPU figures show the work itself.
"""

import datetime
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from _support import counting_statements, fresh_database  # noqa: E402  (bench/ is the script's directory)

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
TODAY = datetime.date(2026, 6, 1)
NOTE = (
    "Wall seconds include waiting for a core when the machine is busy: compare the load "
    "average printed here, and the CPU columns (the import process, its PostgreSQL backend) "
    "for the work itself."
)


def write_files(n, folder):
    rng = random.Random(n)
    people = max(1, int(n * 0.8))
    programs = ["CSM", "CSPO", "CSD", "A-CSM", "A-CSPO", "CSP-SM", "CSP-PO"]
    credentials = folder / f"credentials-{n}.csv"
    with credentials.open("w") as out:
        out.write("email,first_name,last_name,program,certificate_number,issued_on,expires_on\n")
        for i in range(n):
            person = i % people
            issued = TODAY - datetime.timedelta(days=rng.randint(30, 700))
            program = programs[i % len(programs)] if i < people else "CSPO"
            if i >= people:  # the second credential of a person: another program
                program = programs[(person + 3) % len(programs)]
            out.write(
                f"p{person}@example.com,First{person},Last{person},{program},"
                f"IMP-{i:09d},{issued:%Y-%m-%d},\n"
            )
    seus = folder / f"seus-{n}.csv"
    with seus.open("w") as out:
        out.write("email,earned_on,category,seus,activity\n")
        for i in range(n):
            person = rng.randrange(people)
            earned = TODAY - datetime.timedelta(days=1 + i % 600)
            category = "ABCDEF"[i % 6]
            out.write(
                f"p{person}@example.com,{earned:%Y-%m-%d},{category},"
                f"{rng.choice(['0.25', '1', '1.5', '2'])},Bench activity {i % 97}\n"
            )
    return credentials, seus


def copy_floor(url, path, columns):
    """Seconds COPY takes to load the same CSV into a scratch table."""
    import psycopg2

    conn = psycopg2.connect(url)
    with conn, conn.cursor() as cursor:
        cursor.execute(f"CREATE TEMP TABLE scratch ({columns})")
        started = time.perf_counter()
        with path.open() as data:
            cursor.copy_expert("COPY scratch FROM STDIN WITH (FORMAT csv, HEADER true)", data)
        seconds = time.perf_counter() - started
    conn.close()
    return seconds


def run_command(url, command, path):
    child = subprocess.run(
        [sys.executable, __file__, "--run", command, str(path)],
        capture_output=True,
        text=True,
        env={**os.environ, "DATABASE_URL": url},
    )
    if child.returncode:
        sys.exit(f"{command} failed:\n{child.stderr[-3000:]}")
    return json.loads(child.stdout.strip().splitlines()[-1])


def child(command, path):
    """In a fresh process, so the peak RSS is the import's."""
    import io

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    out = io.StringIO()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        backend = cursor.fetchone()[0]
    db_cpu = backend_cpu_seconds(backend)
    cpu = time.process_time()
    started = time.perf_counter()
    with counting_statements() as counted:
        call_command(command, path, stdout=out)
    seconds = time.perf_counter() - started
    cpu = time.process_time() - cpu
    db_cpu = backend_cpu_seconds(backend) - db_cpu
    summary = out.getvalue().strip().splitlines()[-1]
    print(
        json.dumps(
            {
                "seconds": seconds,
                "cpu": cpu,
                "db_cpu": db_cpu,
                "rss": peak_rss_mb(),
                "q": counted.statements,
                "out": summary,
            }
        )
    )


def backend_cpu_seconds(pid):
    """CPU seconds of this connection's PostgreSQL backend (same machine: /proc)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return float("nan")
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def peak_rss_mb():
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


CREDENTIAL_COLUMNS = (
    "email text, first_name text, last_name text, program text, "
    "certificate_number text, issued_on date, expires_on date"
)
SEU_COLUMNS = "email text, earned_on date, category text, seus numeric, activity text"


def main(sizes):
    print(NOTE)
    print(f"{os.cpu_count()} CPUs; load average {os.getloadavg()[0]:.1f} at the start")
    print(f"{'rows':>7} {'import':<22} {'seconds':>8} {'CPU s':>6} {'DB CPU':>6} {'peak MB':>8} {'rows/s':>8} "
          f"{'queries':>8} {'COPY s':>7} {'x COPY':>7}  result")  # fmt: skip
    with tempfile.TemporaryDirectory() as folder:
        for n in sizes:
            url = fresh_database("imports.py")
            credentials, seus = write_files(n, Path(folder))
            floors = {
                credentials: copy_floor(url, credentials, CREDENTIAL_COLUMNS),
                seus: copy_floor(url, seus, SEU_COLUMNS),
            }
            for label, command, path in [
                ("import_credentials", "import_credentials", credentials),
                ("  again (re-import)", "import_credentials", credentials),
                ("import_seus", "import_seus", seus),
                ("  again (re-import)", "import_seus", seus),
            ]:
                run = run_command(url, command, path)
                floor = floors[path]
                print(
                    f"{n:>7} {label:<22} {run['seconds']:>8.1f} {run['cpu']:>6.1f} {run['db_cpu']:>6.1f} {run['rss']:>8.0f} "
                    f"{n / run['seconds']:>8.0f} {run['q']:>8} {floor:>7.2f} "
                    f"{run['seconds'] / floor:>7.0f}  {run['out']}"
                )


if __name__ == "__main__":
    if sys.argv[1:2] == ["--run"]:
        child(sys.argv[2], sys.argv[3])
    else:
        main([int(a) for a in sys.argv[1:]] or [10_000, 100_000])
