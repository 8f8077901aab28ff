"""The production path: static files collect with the manifest storage, the
Site follows SITE_URL, Argon2 hashes passwords, and commands say "database unavailable"
in one line."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.sites.models import Site
from django.core import mail
from django.core.management import call_command

from cspo_tracker.site import sync_site_from_settings
from tests.factories import UserFactory

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize(
    "backend",
    [
        "django.contrib.staticfiles.storage.ManifestStaticFilesStorage",
        "whitenoise.storage.CompressedManifestStaticFilesStorage",  # what production uses
    ],
)
def test_collectstatic_succeeds_with_the_manifest_storage(settings, tmp_path, backend):
    """Every file a stylesheet or script refers to (source maps included) must exist, or
    the manifest storage refuses to collect and every page answers 500."""
    settings.STATIC_ROOT = tmp_path / "static"
    settings.STORAGES = {**settings.STORAGES, "staticfiles": {"BACKEND": backend}}
    call_command("collectstatic", interactive=False, verbosity=0)
    manifest = (tmp_path / "static" / "staticfiles.json").read_text()
    assert "vendor/bootstrap/bootstrap.bundle.min.js" in manifest
    assert "css/app.css" in manifest


def test_the_site_takes_its_domain_and_name_from_site_url(settings, db):
    settings.SITE_URL = "https://cspo.example.org"
    sync_site_from_settings()
    site = Site.objects.get_current()
    assert (site.domain, site.name) == ("cspo.example.org", "CSPO Tracker")


def test_migrate_sets_the_site_so_account_emails_do_not_say_example_com(
    settings, client, db, django_capture_on_commit_callbacks
):
    settings.SITE_URL = "http://127.0.0.1:8101"
    call_command("migrate", interactive=False, verbosity=0)  # nothing to apply: post_migrate
    user = UserFactory(email="forgetful@example.org")
    with django_capture_on_commit_callbacks(execute=True):  # the outbox sends after commit
        client.post("/accounts/password/reset/", {"email": user.email})
    (message,) = mail.outbox
    assert message.subject.startswith("[CSPO Tracker] ")
    assert "example.com" not in message.subject + message.body
    assert "CSPO Tracker" in message.body


def test_passwords_are_hashed_with_argon2_in_production():
    code = (
        "from django.contrib.auth.hashers import make_password;"
        "print(make_password('correct horse battery staple').split('$')[0])"
    )
    result = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=ROOT,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings"},
        capture_output=True,
        text=True,
    )
    assert result.stdout.strip() == "argon2", result.stderr


def test_a_command_with_the_database_unreachable_prints_one_line_and_exits_1():
    result = subprocess.run(
        [sys.executable, "manage.py", "showmigrations"],
        cwd=ROOT,
        # Nothing listens on port 1.
        env={**os.environ, "DATABASE_URL": "postgres://cspo@127.0.0.1:1/cspo"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("Database unavailable: ")
    assert "127.0.0.1" in lines[0]
    assert "Traceback" not in result.stderr


def test_the_readme_refers_to_nothing_outside_the_repository():
    """A newcomer has only the clone: every path the README names must be in it."""
    import re

    readme = (ROOT / "README.md").read_text()
    assert "../" not in readme
    assert "shared/" not in readme
    for path in re.findall(r"\]\(((?:docs|bin|tests|static|templates)/[^)#]+)\)", readme):
        assert (ROOT / path).exists(), path
    assert (ROOT / "docs" / "domain.md").exists()
    # the newcomer's two commands come first
    assert readme.index("## The two commands") < readme.index("## Configuration")
    assert readme.index("bin/run") < readme.index("## What it does")
