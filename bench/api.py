"""Benchmark the API's reads and writes against a bare view, under gunicorn, with wrk.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cspo_bench \\
        python bench/api.py [--port 8510] [--seconds 5]

It makes a fresh database `<name>_bench` beside the one named (never point it at
production), seeds one practitioner with 500 SEU entries and a personal token holding
every scope, and starts gunicorn (2 workers, DJANGO_DEBUG=false, persistent database
connections) with the web bench's URLconf (`bench/web_urls.py`: the site plus a bare view
behind the same middleware). Each call is measured with wrk (16 connections), the median
of 3 rounds, and compared with the bare view called the same way: the same `Bearer`
header, and for the write the same POST body and a fresh `Idempotency-Key` each request.

- GET /api/v1/me
- GET /api/v1/seus?page_size=50 (the first page of the 500 entries)
- GET /api/v1/credentials (the practitioner's 3 credentials)
- GET /api/v1/courses?page_size=50 (as a trainer with a second factor, 60 courses)
- POST /api/v1/seus with an Idempotency-Key (each request logs a new entry)

The goals (issue: API reads as fast as pages): lists at least 33 % of the bare view,
writes with an Idempotency-Key at least 15 %.
"""

import argparse
import datetime
import json
import os
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

CONNECTIONS = 16
ROUNDS = 3
ENTRIES = 500
GOALS = {
    "GET /api/v1/seus": 0.33,
    "GET /api/v1/credentials": 0.33,
    "GET /api/v1/courses": 0.33,
    "POST /api/v1/seus": 0.15,
}
COURSES = 60

# Each wrk thread sends its own keys: run prefix, thread number, request number.
POST_SCRIPT = """
wrk.method = "POST"
wrk.body = [[%(body)s]]
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer %(secret)s"
local made = 0
function setup(thread)
  made = made + 1
  thread:set("tid", made)
end
local n = 0
request = function()
  n = n + 1
  wrk.headers["Idempotency-Key"] = "%(run)s-" .. tostring(tid) .. "-" .. n
  return wrk.format(nil, nil, wrk.headers, wrk.body)
end
"""


def seed():
    """One practitioner with 3 credentials and 500 SEU entries, a trainer (second factor
    set up) with 60 courses, each with a token holding every scope; returns the two
    secrets and the category code the writes use (one without a cap per window)."""
    import django

    django.setup()
    from django.db import connection

    from api.scopes import SCOPES
    from api.tokens import create_token
    from certifications.issuing.services import issue_credential
    from certifications.models import Course, Practitioner, Program, Trainer, User
    from seus.models import SeuCategory, SeuEntry
    from tests.factories import activate_totp

    user = User.objects.create_user(
        "bench-api@example.com", password="bench", first_name="Api", last_name="Bench"
    )
    practitioner = Practitioner.objects.create(user=user)
    category = SeuCategory.objects.order_by("code").first()
    SeuCategory.objects.filter(pk=category.pk).update(cap=None)
    SeuEntry.objects.bulk_create(
        SeuEntry(
            practitioner=practitioner,
            earned_on=datetime.date(2025, 1, 1) - datetime.timedelta(days=i),
            category=category,
            activity=f"Bench activity {i}",
            provider="Bench Alliance",
            seus=Decimal("1.5"),
        )
        for i in range(ENTRIES)
    )
    today = datetime.date.today()
    cspo = Program.objects.get(code="CSPO")
    for code in ("CSPO", "A-CSPO", "CSM"):
        program = Program.objects.filter(code=code).first() or cspo
        issue_credential(holder=practitioner, program=program, issued_on=today.replace(year=2025))
    secret = create_token(name="bench", scopes=sorted(SCOPES), user=user).secret
    trainer_user = User.objects.create_user(
        "bench-api-trainer@example.com", password="bench", first_name="Tia", last_name="Trainer"
    )
    activate_totp(trainer_user)
    trainer = Trainer.objects.create(user=trainer_user)
    trainer.programs.set(Program.objects.all())
    Course.objects.bulk_create(
        Course(
            program=cspo,
            trainer=trainer,
            title=f"Bench course {i}",
            starts_on=today - datetime.timedelta(days=i * 7),
            ends_on=today - datetime.timedelta(days=i * 7 - 1),
            status=Course.Status.CLOSED if i else Course.Status.PLANNED,
            capacity=30,
        )
        for i in range(COURSES)
    )
    trainer_secret = create_token(name="bench", scopes=sorted(SCOPES), user=trainer_user).secret
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    connection.close()
    return secret, trainer_secret, category.code


def wrk(port, path, seconds, *, secret, script=None):
    """Requests per second, and the non-2xx answers, of one wrk run."""
    command = [
        shutil.which("wrk"),
        "-t2",
        f"-c{CONNECTIONS}",
        f"-d{max(1, round(seconds))}s",
        "-H",
        f"Authorization: Bearer {secret}",
    ]
    if script:
        command += ["-s", script]
    out = subprocess.run(
        [*command, f"http://127.0.0.1:{port}{path}"], capture_output=True, text=True, check=True
    ).stdout
    rate = float(next(line for line in out.splitlines() if "Requests/sec" in line).split()[1])
    bad = next((line for line in out.splitlines() if "Non-2xx" in line), None)
    return rate, bad


def post_script(directory, secret, body):
    path = Path(directory) / f"post-{secrets.token_hex(4)}.lua"
    path.write_text(POST_SCRIPT % {"body": body, "secret": secret, "run": secrets.token_hex(6)})
    return str(path)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8510)
    parser.add_argument("--seconds", type=float, default=5)
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("bench/api.py needs wrk (apt-get install wrk)")
    from _support import fresh_database
    from web import production_env, start_gunicorn

    os.environ["DATABASE_URL"] = fresh_database("api.py")
    os.environ.setdefault("DJANGO_SECRET_KEY", secrets.token_urlsafe(50))
    started = time.perf_counter()
    secret, trainer_secret, category = seed()
    seeded = time.perf_counter() - started
    env = production_env(args.port)
    # The bench measures the work of a call, not the rate limit or the daily SEU cap.
    env.update(API_RATE_LIMIT="100000000/minute", SEU_DAILY_CAP="1000000")
    body = json.dumps(
        {
            "earned_on": "2024-06-01",
            "category": category,
            "activity": "Bench write",
            "seus": "0.25",
            "allow_duplicate": True,
        }
    )
    calls = [
        ("bare view, GET", "/bench/bare/", None),
        ("GET /api/v1/me", "/api/v1/me", None),
        ("GET /api/v1/seus", "/api/v1/seus?page_size=50", None),
        ("GET /api/v1/credentials", "/api/v1/credentials", None),
        ("GET /api/v1/courses", "/api/v1/courses?page_size=50", "trainer"),
        ("bare view, POST", "/bench/bare/", "post"),
        ("POST /api/v1/seus", "/api/v1/seus", "post"),
    ]
    floor_of = {
        name: "bare view, POST" if how == "post" else "bare view, GET" for name, _, how in calls
    }
    process = start_gunicorn(args.port, env)
    results, problems = {}, []
    try:
        with tempfile.TemporaryDirectory() as directory:
            for name, path, how in calls:
                rounds = []
                for i in range(ROUNDS + 1):  # the first round warms both workers
                    script = post_script(directory, secret, body) if how == "post" else None
                    rate, bad = wrk(
                        args.port,
                        path,
                        1 if i == 0 else args.seconds,
                        secret=trainer_secret if how == "trainer" else secret,
                        script=script,
                    )
                    if bad and not name.startswith("bare"):
                        problems.append(f"{name}: {bad.strip()}")
                    if i:
                        rounds.append(rate)
                results[name] = statistics.median(rounds)
    finally:
        process.terminate()
        process.wait()
    print(
        f"\nAPI calls, one practitioner with {ENTRIES} SEU entries (seeded in {seeded:.1f} s), "
        f"median of {ROUNDS} rounds, {CONNECTIONS} connections, wrk, gunicorn 2 workers, "
        f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"
    )
    print(f"{'call':25} {'req/s':>8} {'of bare':>8} {'goal':>6}")
    for name, rate in results.items():
        ratio = rate / results[floor_of[name]]
        goal = f"{GOALS[name]:.0%}" if name in GOALS else ""
        print(f"{name:25} {rate:8.1f} {ratio:8.0%} {goal:>6}")
    for problem in problems:
        print(f"  ! {problem}", file=sys.stderr)
    print(json.dumps({name: round(rate, 1) for name, rate in results.items()}))


if __name__ == "__main__":
    main()
