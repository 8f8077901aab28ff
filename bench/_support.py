"""What the benches share: the scratch database a bench makes beside the one
DATABASE_URL names (`<name>_bench`, dropped and created again, then migrated; never point
DATABASE_URL at production), and counting the SQL statements a timed step runs."""

import contextlib
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]


def bench_url(script):
    """(scratch name, its URL, the server's maintenance database URL)."""
    parts = urlsplit(os.environ.get("DATABASE_URL", ""))
    if not parts.scheme.startswith("postgres"):
        sys.exit(f"bench/{script} needs DATABASE_URL pointing at a PostgreSQL server")
    name = parts.path.lstrip("/") + "_bench"
    return (
        name,
        urlunsplit(parts._replace(path="/" + name)),
        urlunsplit(parts._replace(path="/postgres")),
    )


def fresh_database(script):
    """Drop and create the scratch database, migrate it, and return its URL."""
    import psycopg2

    name, url, admin_url = bench_url(script)
    admin = psycopg2.connect(admin_url)
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        cursor.execute(f'CREATE DATABASE "{name}"')
    admin.close()
    env = {**os.environ, "DATABASE_URL": url}
    subprocess.run([sys.executable, str(ROOT / "manage.py"), "migrate", "-v0"], check=True, env=env)
    return url


class StatementCount:
    statements = 0


@contextlib.contextmanager
def counting_statements():
    """`with counting_statements() as counted: ...` then `counted.statements`: every
    statement run inside on the default connection (a COPY counts as one)."""
    from django.db import connection

    counted = StatementCount()

    def count(execute, sql, params, many, context):
        counted.statements += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        yield counted


def start_workers(count, env, *, name, queue=None):
    """`count` real Celery worker processes (solo pool, no gossip, mingle or heartbeat),
    named `<name><i>@host`, reading `queue` (the default queue when None); they are
    given six seconds to import Django and connect to the broker."""
    import time

    command = [sys.executable, "-m", "celery", "-A", "config", "worker"]
    command += ["-Q", queue] if queue else []
    command += ["--pool=solo", "--without-gossip", "--without-mingle", "--without-heartbeat",
                "-l", "WARNING"]  # fmt: skip
    workers = [
        subprocess.Popen(
            [*command, "-n", f"{name}{i}@%h"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for i in range(count)
    ]
    time.sleep(6)
    return workers


def stop(workers):
    for worker in workers:
        worker.terminate()
    for worker in workers:
        try:
            worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            worker.kill()
