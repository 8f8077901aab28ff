"""Benchmark the pages whose cost used to grow with the data, under gunicorn.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cspo_bench_web \\
        python bench/web.py 1000 100000 [--port 8500] [--seconds 5]

For each N it empties the practitioner data of that database (never point it at
production), seeds N credentials in bulk (with their cycles, 3 SEU entries each, one
course per 25 credentials with 20 attendees, one course in 20 still open, a share in
grace, failed and waiting reminders), a staff member and a trainer (one course in 50)
with a second factor, and a practitioner with 3 credentials and 500 SEU entries. It then starts gunicorn (2 workers, DJANGO_DEBUG=false, the
production settings as .ci/run uses them, persistent database connections) with this
bench's own URLconf, which adds a bare view behind the same middleware, and measures
each page with wrk (16 connections) when it is installed, else with a small threaded
client (16 connections): requests per second, the median of 3 rounds, and the ratio to
the bare view; then, for each page, the milliseconds of one view with nothing else
asking (median of 15 sequential views; of 3, and no load, for a page over a second) and
the SQL statements one view runs (counted in gunicorn: bench/web_urls.py). The pages:
the practitioner's, the staff console, reports, renewals, the admin changelist, the
course list (every course, and those ready to close), a course page, and the trainer's
home, course list and course page. --jit runs gunicorn with DATABASE_JIT=true. The dashboard and SEU log are measured as kept pages (a repeat view);
--render-own-pages measures them rendered at every view (OWN_PAGES_KEPT=false), as the
first view after a change is.
"""

import argparse
import datetime
import http.client
import json
import os
import secrets
import shutil
import statistics
import subprocess
import sys
import threading
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

CONNECTIONS = 16
ROUNDS = 3
LATENCY_VIEWS = 15
# A page slower than this is timed view by view only: 16 connections on 2 workers would
# queue past gunicorn's 30 s timeout and measure the queue, not the page.
SLOW_MS = 1000


def seed(n, *, reuse=False):
    """The sweep bench's population, plus courses, grace, reminders and two users.
    With `reuse`, credentials already seeded (at least N) are kept."""
    from sweep import NOW
    from sweep import seed as seed_credentials

    TODAY = NOW.date()  # noqa: N806 - the sweep bench's day, as its seeding uses it

    from certifications.models import Credential as Seeded
    from certifications.models import User as SeededUser

    first = Seeded.objects.order_by("pk").values_list("certificate_number", flat=True)
    if reuse and Seeded.objects.count() >= n:
        if SeededUser.objects.filter(email="bench-staff@example.com").exists():
            return 0.0, first[0]
        seconds = 0.0
    else:
        seconds = seed_credentials(n)
    started = time.perf_counter()
    from allauth.mfa.models import Authenticator
    from django.db import connection, transaction

    from certifications.models import (
        Course,
        CourseSession,
        Credential,
        Enrollment,
        Practitioner,
        Program,
        Trainer,
        User,
    )
    from renewals.models import Reminder, ReminderOffset, RenewalCycle
    from seus.models import SeuCategory, SeuEntry
    from tests.factories import activate_totp

    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE certifications_attendancechange, certifications_attendance, "
            "certifications_enrollment, certifications_coursesession, "
            "cspo_tracker_outboundemail, renewals_reminder"
        )
        # Not TRUNCATE ... CASCADE on courses: credentials reference them.
        cursor.execute("UPDATE certifications_credential SET course_id = NULL")
        cursor.execute("DELETE FROM certifications_course")
        # A share of the credentials past expiry are in grace, as the sweep leaves them.
        cursor.execute(
            "UPDATE certifications_credential SET status = 'grace' "
            "WHERE expires_on < %s AND expires_on >= %s",
            [TODAY, TODAY - datetime.timedelta(days=30)],
        )
    with transaction.atomic():
        staff = User.objects.create_user(
            "bench-staff@example.com",
            password="bench",
            is_staff=True,
            is_superuser=True,
            first_name="Sam",
            last_name="Staff",
        )
        activate_totp(staff)
        # The trainer of the trainer pages runs one course in 50; another trainer the rest.
        trainer_user = User.objects.create_user(
            "bench-trainer@example.com", password="bench", first_name="Tia", last_name="Trainer"
        )
        activate_totp(trainer_user)
        trainer = Trainer.objects.create(user=trainer_user)
        trainer.programs.set(Program.objects.all())
        other = Trainer.objects.create(
            user=User.objects.create_user("bench-other-trainer@example.com", password="bench")
        )
        cspo = Program.objects.get(code="CSPO")
        holders = list(Practitioner.objects.order_by("pk").values_list("pk", flat=True)[:n])
        # One course in 20 is still open (planned): from 30 days ago to 30 days ahead,
        # so some have ended with attendance missing; the rest are closed.
        courses = Course.objects.bulk_create(
            Course(
                program=cspo,
                trainer=trainer if i % 50 == 0 else other,
                title=f"Bench course {i}",
                starts_on=start,
                ends_on=start + datetime.timedelta(days=1),
                status=Course.Status.PLANNED if i % 20 == 0 else Course.Status.CLOSED,
                capacity=30,
            )
            for i in range(max(1, n // 25))
            for start in [
                TODAY + datetime.timedelta(days=i % 61 - 30)
                if i % 20 == 0
                else TODAY - datetime.timedelta(days=i % 700)
            ]
        )
        CourseSession.objects.bulk_create(
            CourseSession(course=c, position=p, held_on=c.starts_on, hours=Decimal(8))
            for c in courses
            for p in (1, 2)
        )
        Enrollment.objects.bulk_create(
            Enrollment(
                course=c,
                practitioner_id=holders[(i * 20 + j) % len(holders)],
                completed=j % 5 != 0,
            )
            for i, c in enumerate(courses)
            for j in range(20)
        )
        # Credentials issued by the courses: one in 20 seeded credentials.
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE certifications_credential c SET course_id = e.course_id "
                "FROM certifications_enrollment e WHERE e.practitioner_id = c.holder_id "
                "AND c.id % 20 = 0"
            )
        offsets = list(ReminderOffset.objects.all())
        cycles = list(RenewalCycle.objects.order_by("pk").values_list("pk", flat=True)[: n // 10])
        Reminder.objects.bulk_create(
            Reminder(
                cycle_id=cycle,
                offset=offsets[i % len(offsets)],
                due_on=TODAY - datetime.timedelta(days=i % 90),
                status=("sent", "failed", "pending", "skipped")[i % 4],
                attempts=i % 4,
            )
            for i, cycle in enumerate(cycles)
        )
        # The practitioner of the one-row pages: 3 credentials, 500 SEU entries.
        user = User.objects.create_user(
            "bench-holder@example.com", password="bench", first_name="Bea", last_name="Bench"
        )
        holder = Practitioner.objects.create(user=user, calendar_token="bench-holder")
        from certifications.issuing.services import issue_credential

        for code in ("CSPO", "A-CSPO", "CSM"):
            program = Program.objects.filter(code=code).first() or cspo
            issue_credential(holder=holder, program=program, issued_on=TODAY.replace(year=2025))
        categories = list(SeuCategory.objects.all())
        SeuEntry.objects.bulk_create(
            SeuEntry(
                practitioner=holder,
                earned_on=TODAY - datetime.timedelta(days=i % 700),
                category=categories[i % len(categories)],
                activity=f"Bench activity {i}",
                seus=Decimal("1.5"),
            )
            for i in range(500)
        )
    assert Authenticator.objects.filter(user=staff).exists()
    assert Credential.objects.count() >= n, "the seeded credentials are gone"
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    number = Credential.objects.order_by("pk").values_list("certificate_number", flat=True)[0]
    return seconds + time.perf_counter() - started, number


def session_cookie(email):
    """A logged-in session for `email`, as django.contrib.auth stores it."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    from certifications.models import User

    user = User.objects.get(email=email)
    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    return store.session_key


def production_env(port):
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from certifications.vc.keys import private_key_multibase

    env = dict(os.environ)
    env.update(
        DJANGO_DEBUG="false",
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
        DJANGO_SECURE_SSL_REDIRECT="false",
        DJANGO_SECURE_COOKIES="false",
        DJANGO_SETTINGS_MODULE="bench.web_settings",
        SITE_URL=f"http://127.0.0.1:{port}",
        CREDENTIAL_SIGNING_KEY=private_key_multibase(Ed25519PrivateKey.generate()),
    )
    env.setdefault("CELERY_BROKER_URL", "redis://127.0.0.1:6379/3")
    return env


def start_gunicorn(port, env):
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    process = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "bench.web_wsgi",
            "--chdir",
            str(ROOT),
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
            "--access-logfile",
            "/dev/null",
            "--log-level",
            "warning",
        ],
        env=env,
    )
    for _ in range(60):
        try:
            status, _ = fetch(port, "/bench/bare/", None)
            if status == 200:
                return process
        except OSError:
            pass
        if process.poll() is not None:
            sys.exit("gunicorn exited")
        time.sleep(0.5)
    process.terminate()
    sys.exit("gunicorn did not answer")


def fetch(port, path, cookie, headers=None, response_headers=False):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    headers = {**({"Cookie": f"sessionid={cookie}"} if cookie else {}), **(headers or {})}
    connection.request("GET", path, headers=headers)
    response = connection.getresponse()
    body = response.read()
    connection.close()
    if response_headers:
        return response.status, body, response
    return response.status, body


def statements(port, path, cookie):
    """The SQL statements one view of `path` runs, middleware included, as counted by
    gunicorn's own process (bench/web_urls.py: CountStatements)."""
    status, _, response = fetch(port, path, cookie, {"X-Bench-Count": "1"}, response_headers=True)
    return int(response.getheader("X-Bench-Statements", "-1"))


def latency(port, path, cookie, views=LATENCY_VIEWS):
    """Milliseconds for one view with nothing else asking: the median of `views`
    sequential requests (what one person waits, where req/s is what the server bears);
    of 3 when a view takes longer than SLOW_MS."""
    times = []
    while len(times) < (3 if times and times[0] > SLOW_MS else views):
        started = time.perf_counter()
        try:
            status, _ = fetch(port, path, cookie)
        except OSError:  # gunicorn killed the worker at its timeout
            status = None
        if status != 200:
            return float("inf")
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def load(port, path, cookie, seconds):
    """Requests per second over `seconds` with CONNECTIONS clients: wrk when installed,
    else threads (gunicorn's sync workers close each connection, as wrk sees too)."""
    wrk = shutil.which("wrk")
    if wrk:
        header = ["-H", f"Cookie: sessionid={cookie}"] if cookie else []
        out = subprocess.run(
            [
                wrk,
                "-t2",
                f"-c{CONNECTIONS}",
                f"-d{max(1, round(seconds))}s",  # wrk takes whole seconds
                *header,
                f"http://127.0.0.1:{port}{path}",
            ],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        return float(next(line for line in out.splitlines() if "Requests/sec" in line).split()[1])
    done, errors, stop = [0] * CONNECTIONS, [0] * CONNECTIONS, time.perf_counter() + seconds

    def client(i):
        while time.perf_counter() < stop:
            try:
                status, _ = fetch(port, path, cookie)
            except OSError:  # a timeout or a reset: counted, the round goes on
                status = None
            if status == 200:
                done[i] += 1
            else:
                errors[i] += 1

    started = time.perf_counter()
    threads = [threading.Thread(target=client, args=(i,)) for i in range(CONNECTIONS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if sum(errors):
        print(f"  ! {path}: {sum(errors)} non-200 answers", file=sys.stderr)
    return sum(done) / (time.perf_counter() - started)


def measure(n, port, seconds, reuse=False, only=(), kept=True, jit=False):
    import django

    django.setup()
    from django.db import connection

    if connection.vendor != "postgresql":
        sys.exit("bench/web.py needs DATABASE_URL pointing at a PostgreSQL database")
    seeded, number = seed(n, reuse=reuse)
    staff = session_cookie("bench-staff@example.com")
    holder = session_cookie("bench-holder@example.com")
    trainer = session_cookie("bench-trainer@example.com")
    from certifications.models import Course

    # The trainer's first course: 20 attendees, closed, credentials issued by it.
    course = (
        Course.objects.filter(trainer__user__email="bench-trainer@example.com")
        .order_by("pk")
        .values_list("pk", flat=True)[0]
    )
    connection.close()
    pages = [
        ("bare view", "/bench/bare/", None),
        ("bare view, logged in", "/bench/bare/", holder),
        ("static file", "/static/css/app.css", None),
        ("/staff/reports/", "/staff/reports/", staff),
        ("/renewals/staff/", "/renewals/staff/", staff),
        ("admin credential changelist", "/admin/certifications/credential/", staff),
        ("/verify/<number>/", f"/verify/{number}/", None),
        ("dashboard (3 credentials)", "/", holder),
        ("SEU list (500 entries)", "/seus/", holder),
        ("/staff/ console", "/staff/", staff),
        ("/courses/ as staff (every course)", "/courses/", staff),
        ("/courses/?show=ready as staff", "/courses/?show=ready", staff),
        ("/courses/<pk>/ (20 attendees)", f"/courses/{course}/", staff),
        ("/trainer/ (trainer home)", "/trainer/", trainer),
        ("/courses/ as the trainer", "/courses/", trainer),
        ("/courses/<pk>/ as the trainer", f"/courses/{course}/", trainer),
    ]
    if only:  # the bare views always, for the ratios
        pages = [p for p in pages if p[0].startswith("bare") or any(o in p[0] for o in only)]
    env = production_env(port)
    # The practitioner's own pages are kept once rendered (certifications/own_pages.py);
    # with --render-own-pages every view renders, as the first view after a change does.
    env["OWN_PAGES_KEPT"] = "true" if kept else "false"
    # The app runs PostgreSQL without JIT (decision 0024); --jit measures the server's
    # default instead, to show what that costs.
    env["DATABASE_JIT"] = "true" if jit else "false"
    process = start_gunicorn(port, env)
    results, waits, counts = {}, {}, {}
    try:
        for name, path, cookie in pages:
            try:
                status, _ = fetch(port, path, cookie)
            except OSError:  # past gunicorn's timeout: the worker was killed
                status = None
            if status == 500:  # gunicorn's timeout aborted the worker mid-page
                status = None
            if status not in (200, None):
                raise SystemExit(f"{path} answered {status}")
            counts[name] = statements(port, path, cookie) if status else -1
            waits[name] = latency(port, path, cookie) if status else float("inf")
            print(f"  {name}: {waits[name]:.1f} ms a view, {counts[name]} statements", flush=True)
            if waits[name] > SLOW_MS:
                results[name] = float("nan")  # too slow to load; its milliseconds say it
                continue
            load(port, path, cookie, 1)  # warm both workers
            rounds = [load(port, path, cookie, seconds) for _ in range(ROUNDS)]
            results[name] = statistics.median(rounds)
    finally:
        process.terminate()
        process.wait()
    # A page is compared with the bare view as the same visitor: anonymous pages with the
    # anonymous bare view, logged-in pages with the bare view behind the same session
    # (the session and user look-ups and the sign-in checks are middleware work).
    logged_in = {name for name, _path, cookie in pages if cookie}
    print(
        f"\n{n:,} credentials (seeded in {seeded:.0f} s), median of {ROUNDS} rounds, "
        f"{CONNECTIONS} connections, {'wrk' if shutil.which('wrk') else 'threaded client'}, "
        f"load average {os.getloadavg()[0]:.1f}"
        + ("" if kept else ", own pages rendered at every view")
        + (", PostgreSQL JIT on" if jit else "")
    )
    print(
        f"{'page':36} {'req/s':>8} {'of bare':>8} {'of anon. bare':>14} "
        f"{'ms a view':>10} {'queries':>8}"
    )
    for name, rate in results.items():
        bare = results["bare view, logged in" if name in logged_in else "bare view"]
        print(
            f"{name:36} {rate:8.1f} {rate / bare:8.0%} {rate / results['bare view']:14.0%} "
            f"{waits[name]:10.1f} {counts[name]:8d}"
        )
    return {name: {"req/s": rate, "ms": waits[name], "queries": counts[name]}
            for name, rate in results.items()}  # fmt: skip


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sizes", nargs="*", type=int, default=[1000, 100_000])
    parser.add_argument("--port", type=int, default=8500)
    parser.add_argument("--seconds", type=float, default=5)
    parser.add_argument(
        "--reuse", action="store_true", help="keep credentials a previous run seeded"
    )
    parser.add_argument(
        "--only", action="append", default=[], help="measure only pages whose name has this"
    )
    parser.add_argument(
        "--render-own-pages",
        action="store_true",
        help="OWN_PAGES_KEPT=false: the dashboard and SEU log render at every view",
    )
    parser.add_argument(
        "--jit",
        action="store_true",
        help="DATABASE_JIT=true: PostgreSQL's JIT as the server has it (the app turns it off)",
    )
    args = parser.parse_args()
    # One key for this process (which writes the sessions) and gunicorn (which reads them).
    os.environ.setdefault("DJANGO_SECRET_KEY", secrets.token_urlsafe(50))
    figures = {
        n: measure(
            n,
            args.port,
            args.seconds,
            args.reuse,
            args.only,
            not args.render_own_pages,
            args.jit,
        )
        for n in args.sizes
    }
    print(
        json.dumps(
            {
                str(n): {
                    page: {k: round(v, 1) if v == v else None for k, v in row.items()}
                    for page, row in r.items()
                }
                for n, r in figures.items()
            }
        )
    )


if __name__ == "__main__":
    main()
