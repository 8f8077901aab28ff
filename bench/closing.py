"""Benchmark closing a course on PostgreSQL (200 attendees in at most 1 s).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cspo_close python bench/closing.py [20 200]

It makes a fresh database `<name of DATABASE_URL's database>_bench` on the same server
(dropped and created again, then migrated) and, for each N, closes CSM courses of N
attendees who all met the attendance rule: once when nobody holds a credential yet, once
when every attendee already holds a CSPO expiring in four months (the closing renews it
to the new CSM's expiry). An organisation webhook subscribed to every event exists, so
each credential issued or renewed records its event and delivery. Everything is seeded
through the services (enroll, record_attendance, issue_credentials_bulk); only
`close_course` is timed, its commit included, best of `--repeat` fresh courses (3).
The hand-off of the welcome emails' and deliveries' ids to the broker after the commit is
not timed (the ids are only collected), as in bench/sweep.py. It prints wall seconds,
the closing's CPU seconds and its SQL queries.
"""

import datetime
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from _support import counting_statements, fresh_database  # noqa: E402  (bench/ is the script's directory)

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
NOTE = (
    "Wall seconds include waiting for a core when the machine is busy: compare the load "
    "average printed here, and the CPU column (this process) for the work itself."
)


class Seeder:
    """Courses, attendees and held credentials made through the services."""

    def __init__(self):
        from certifications.models import Program, Trainer, User
        from webhooks import guard, services
        from webhooks.models import EVENT_NAMES

        self.today = datetime.date.today()
        self.csm = Program.objects.get(code="CSM")
        self.cspo = Program.objects.get(code="CSPO")
        user = User.objects.create_user(email="cst@example.com", first_name="Cee", last_name="Est")
        self.trainer = Trainer.objects.create(user=user)
        self.trainer.programs.add(self.csm)
        staff = User.objects.create_user(email="staff@example.com", is_staff=True)
        guard.resolver = lambda host, port: ["93.184.216.34"]  # a public address, no DNS
        services.create_subscription(
            owner=staff,
            url="https://hooks.example.com/in",
            events=EVENT_NAMES,
            scope="organisation",
        )
        self.courses = 0

    def course(self, size, *, holding):
        """A CSM course that ended two days ago, `size` attendees present at every
        session; with `holding`, each holds a CSPO expiring in four months."""
        from certifications.courses.services import (
            Attendee,
            create_course,
            enroll,
            record_attendance,
        )
        from certifications.dates import add_months
        from certifications.issuing.services import ToIssue, issue_credentials_bulk

        self.courses += 1
        n = self.courses
        course = create_course(
            program=self.csm,
            trainer=self.trainer,
            title=f"Bench course {n}",
            starts_on=self.today - datetime.timedelta(days=3),
            ends_on=self.today - datetime.timedelta(days=2),
            is_online=True,
            capacity=size,
        )
        attendees = [
            Attendee(f"c{n}-p{i}@example.com", f"First{i}", f"Last{i}") for i in range(size)
        ]
        enrollments = enroll(course=course, attendees=attendees)
        sessions = list(course.sessions.all())
        record_attendance(
            course=course,
            hours={(e.pk, s.pk): "p" for e in enrollments for s in sessions},
            by=self.trainer.user,
        )
        if holding:
            issued_on = add_months(add_months(self.today, 4), -self.cspo.validity_months)
            issue_credentials_bulk(
                items=[
                    ToIssue(holder_id=e.practitioner_id, program=self.cspo, issued_on=issued_on)
                    for e in enrollments
                ]
            )
        return course


def close(course):
    """Close `course`; returns (result, wall seconds, CPU seconds, queries)."""
    from certifications.courses.services import close_course

    cpu = time.process_time()
    started = time.perf_counter()
    with counting_statements() as counted:
        result = close_course(course=course)
    seconds = time.perf_counter() - started
    return result, seconds, time.process_time() - cpu, counted.statements


def main(sizes, repeat):
    url = fresh_database("closing.py")
    os.environ["DATABASE_URL"] = url
    import django

    django.setup()
    from cspo_tracker import publishing

    published = []
    publishing.publish = lambda task_name, ids: published.extend(ids) or True

    seeder = Seeder()
    close(seeder.course(2, holding=True))  # warm the per-process caches
    print(NOTE)
    print(f"{os.cpu_count()} CPUs; load average {os.getloadavg()[0]:.1f} at the start")
    print(f"{'attendees':>9}  {'each holds a CSPO':<17} {'issued':>6} {'renewed':>7} "
          f"{'seconds':>8} {'CPU s':>6} {'queries':>7}  (best of {repeat})")  # fmt: skip
    for size in sizes:
        for holding in (False, True):
            runs = [close(seeder.course(size, holding=holding)) for _ in range(repeat)]
            result, seconds, cpu, queries = min(runs, key=lambda run: run[1])
            print(
                f"{size:>9}  {'yes' if holding else 'no':<17} {len(result.issued):>6} "
                f"{len(result.renewed):>7} {seconds:>8.3f} {cpu:>6.3f} {queries:>7}"
            )
    print(f"load average {os.getloadavg()[0]:.1f} at the end")


if __name__ == "__main__":
    args = sys.argv[1:]
    repeat = 3
    if "--repeat" in args:
        at = args.index("--repeat")
        repeat = int(args[at + 1])
        del args[at : at + 2]
    main([int(a) for a in args] or [20, 200], repeat)
