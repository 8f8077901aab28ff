"""Project-level behaviour: health check, settings from the environment, migrations."""

import os
import re
import subprocess
import sys
from pathlib import Path
from unittest import mock

import pytest
from django.core.management import call_command
from django.db import DatabaseError

ROOT = Path(__file__).resolve().parents[2]


def test_healthz_reports_ok_when_database_and_broker_answer(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"]["ok"] and body["broker"]["ok"]


def test_healthz_is_503_when_the_database_is_down(client, db, monkeypatch):
    broken = mock.Mock()
    broken.cursor.side_effect = DatabaseError("connection refused")
    monkeypatch.setattr("cspo_tracker.observability.health.connection", broken)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == {"ok": False, "detail": "unreachable"}


def test_healthz_is_503_when_the_broker_is_down(client, db, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["broker"]["ok"] is False


def _settings_import(env):
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=ROOT,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", **env},
        capture_output=True,
        text=True,
    )


def test_production_settings_refuse_to_start_without_a_secret_key():
    env = {"DJANGO_DEBUG": "false", "DJANGO_SECRET_KEY": ""}
    result = _settings_import(env)
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr


def test_production_settings_start_with_a_secret_key():
    result = _settings_import({"DJANGO_DEBUG": "false", "DJANGO_SECRET_KEY": "x" * 50})
    assert result.returncode == 0, result.stderr


def test_smtp_is_used_whenever_email_host_is_set():
    code = "from django.conf import settings as s; print(s.EMAIL_BACKEND)"
    result = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=ROOT,
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "EMAIL_HOST": "127.0.0.1",
        },
        capture_output=True,
        text=True,
    )
    assert result.stdout.strip() == "django.core.mail.backends.smtp.EmailBackend"


def test_models_and_migrations_agree(db):
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


def test_healthz_reports_the_real_broker_when_one_is_configured(client, db, settings):
    import pytest

    url = os.environ.get("CELERY_BROKER_URL")
    if not url:
        pytest.skip("no CELERY_BROKER_URL: the embedded default runs tasks in-process")
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = url
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["broker"]["ok"] is True


def test_production_redirects_to_https_but_not_the_health_check():
    code = (
        "from django.test import Client; c = Client();"
        "print(c.get('/healthz').status_code, c.get('/').status_code)"
    )
    result = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=ROOT,
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DJANGO_DEBUG": "false",
            "DJANGO_SECRET_KEY": "x" * 50,
            "DJANGO_ALLOWED_HOSTS": "testserver",
        },
        capture_output=True,
        text=True,
    )
    health, home = result.stdout.split()
    assert home == "301"
    assert health in {"200", "503"}


def _variables_settings_read():
    source = (ROOT / "config" / "settings.py").read_text(encoding="utf-8")
    return set(re.findall(r"\benv(?:\(\))?\.\w+\(\s*\"([A-Z][A-Z0-9_]*)\"", source))


def _variables_in_the_configuration_tables():
    """Names in the first column of docs/configuration.md's tables."""
    text = (ROOT / "docs" / "configuration.md").read_text(encoding="utf-8")
    first_cells = re.findall(r"^\|([^|\n]*)\|", text, flags=re.MULTILINE)
    return {name for cell in first_cells for name in re.findall(r"`([A-Z][A-Z0-9_]*)`", cell)}


def test_every_environment_variable_settings_reads_is_in_the_configuration_table():
    read = _variables_settings_read()
    assert len(read) > 60
    assert {"EVIDENCE_S3_BUCKET", "DATABASE_URL", "EMAIL_BACKEND"} <= read
    assert read - _variables_in_the_configuration_tables() == set()


def test_every_variable_in_the_configuration_table_is_read_somewhere():
    """A variable the settings no longer read leaves the table with it (the scripts' and
    tests' own variables are read under bin/, .ci/ or tests/)."""
    scripts = [*(ROOT / "bin").iterdir(), ROOT / ".ci" / "run", *(ROOT / "tests").rglob("*.py")]
    here = Path(__file__).resolve()
    script_text = "\n".join(
        path.read_text(encoding="utf-8") for path in scripts if path.is_file() and path != here
    )
    unread = {
        name
        for name in _variables_in_the_configuration_tables() - _variables_settings_read()
        if name not in script_text
    }
    assert unread == set()


def test_a_redis_cache_url_gets_the_cache_that_survives_a_redis_outage():
    code = (
        "from django.conf import settings as s; c = s.CACHES['default'];"
        "print(c['BACKEND'], c['OPTIONS']['socket_timeout'])"
    )
    result = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=ROOT,
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "CACHE_URL": "redis://127.0.0.1:6379/2",
        },
        capture_output=True,
        text=True,
    )
    assert result.stdout.split() == ["cspo_tracker.cache.FailoverRedisCache", "0.5"], result.stderr


@pytest.mark.parametrize(("jit", "expected"), [({}, "-c jit=off"), ({"DATABASE_JIT": "true"}, "")])
def test_postgresql_connections_run_without_jit_unless_asked(jit, expected):
    code = "from django.conf import settings as s; print(s.DATABASES['default']['OPTIONS'])"
    result = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=ROOT,
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/cspo_seams",
            **jit,
        },
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert (expected in result.stdout) if expected else "jit" not in result.stdout


def test_the_connection_itself_has_jit_off_on_postgresql(db):
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("JIT is PostgreSQL's (DATABASE_URL=postgres://...)")
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"
