"""Benchmark `POST /api/v1/provider/seus` with its documented maximum of 500 rows, on
PostgreSQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cspo_provider python bench/provider_report.py

It makes a fresh database `<name of DATABASE_URL's database>_bench` (dropped, created,
migrated), 100 practitioners with passwords and an organisation token, then sends one
report of 500 rows (the 100 members and 400 addresses never seen, each invited) and the
same report again, through Django's WSGI handler. It prints wall seconds, SQL statements
and the answer's counts for each.
"""

import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from _support import counting_statements, fresh_database  # noqa: E402

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")


def main():
    os.environ["DATABASE_URL"] = fresh_database("provider_report.py")
    os.environ.setdefault("CELERY_TASK_ALWAYS_EAGER", "false")
    import django

    django.setup()
    from rest_framework.test import APIClient

    from api.tokens import create_token
    from certifications.models import Organisation, Practitioner, User
    from seus.models import SeuCategory

    SeuCategory.objects.get_or_create(code="B", defaults={"name": "Events"})
    organisation = Organisation.objects.create(name="Agile Conf", slug="agile-conf-bench")
    members = []
    for i in range(100):
        user = User.objects.create_user(email=f"member{i}@example.com", password="x" * 12)
        members.append(Practitioner.objects.create(user=user))
    secret = create_token(organisation=organisation, name="bench", scopes=["seus:write"]).secret
    emails = [m.user.email for m in members] + [f"new{i}@example.com" for i in range(400)]
    report = {
        "entries": [
            {
                "reference": "bench-2026",
                "email": email,
                "earned_on": "2026-02-10",
                "category": "B",
                "activity": "Agile Conf 2026",
                "seus": "6",
            }
            for email in emails
        ]
    }
    client = APIClient(SERVER_NAME="localhost")
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    print("rows  run     seconds  statements  created  exists  rejected")
    for run in ("first", "again"):
        with counting_statements() as counted:
            started = time.perf_counter()
            response = client.post("/api/v1/provider/seus", report, format="json")
            seconds = time.perf_counter() - started
        body = response.json()
        print(
            f"{len(emails):4}  {run:6} {seconds:8.2f}  {counted.statements:10}  "
            f"{body['created']:7}  {body['exists']:6}  {body['rejected']:8}"
        )
    print(f"load average: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
