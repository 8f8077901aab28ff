import datetime
import os

import pytest
import time_machine
from django.test import Client

from config.celery import app as celery_app
from cspo_tracker.reference_data import restore_reference_data

from . import factories


def pytest_addoption(parser):
    parser.addoption(
        "--clock-ahead",
        type=int,
        default=int(os.environ.get("CSPO_TEST_CLOCK_AHEAD_DAYS") or 0),
        metavar="DAYS",
        help="run the suite with the real clock this many days ahead (default: "
        "$CSPO_TEST_CLOCK_AHEAD_DAYS or 0); a test that reads the real date fails then",
    )


@pytest.fixture(scope="session", autouse=True)
def _clock_ahead(request):
    """The whole run at a later real date (the clock still ticks): tests freeze their own
    dates with time-machine, and one that forgot reads the moved clock and shows up."""
    days = request.config.getoption("clock_ahead")
    if not days:
        yield
        return
    later = datetime.datetime.now(datetime.UTC) + datetime.timedelta(days=days)
    with time_machine.travel(later, tick=True):
        yield


@pytest.fixture(autouse=True)
def _reference_data(request):
    """Programs, categories and offsets from the data migrations, also after a flush."""
    names = request.fixturenames
    marker = request.node.get_closest_marker("django_db")
    if {"live_server", "transactional_db"} & set(names) or (
        marker and marker.kwargs.get("transaction")
    ):
        request.getfixturevalue("transactional_db")
    elif "db" in names or marker:
        request.getfixturevalue("db")
    else:
        return
    restore_reference_data()


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"


@pytest.fixture(scope="session")
def _credential_signing_key():
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from certifications.vc.keys import private_key_multibase

    return private_key_multibase(Ed25519PrivateKey.generate())


@pytest.fixture(autouse=True)
def _credential_signing(settings, _credential_signing_key):
    """Tests run with DEBUG off, where signing needs a configured key: give every test one,
    so any code path that signs a credential works as in production."""
    settings.CREDENTIAL_SIGNING_KEY = _credential_signing_key


@pytest.fixture(autouse=True)
def _empty_cache():
    """allauth keeps used TOTP codes and rate limits in the cache, kept pages theirs
    (cspo_tracker/kept_pages/pages.py); each test starts clean."""
    from django.core.cache import caches

    for cache in caches.all():
        cache.clear()


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Production hashes with Argon2 (tests/test_production.py checks it); here each
    user made costs ~0.3 s with it: tests/seus plus the header tests took 39 s instead
    of 8 s (measured on the 2-core CI machine)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _celery_in_process(settings):
    """Tasks run in-process in tests unless a test asks for a real worker."""
    settings.CELERY_TASK_ALWAYS_EAGER = True
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = previous


@pytest.fixture
def cspo(db):
    return factories.ProgramFactory(code="CSPO")


@pytest.fixture
def practitioner(db):
    return factories.PractitionerFactory()


@pytest.fixture
def practitioner_client(client, practitioner):
    client.force_login(practitioner.user)
    client.practitioner = practitioner
    return client


@pytest.fixture
def admin_user(db):
    """pytest-django's admin (and admin_client), with the second factor staff must have."""
    return factories.StaffFactory(email="admin@example.com")


@pytest.fixture
def staff_client(client, db):
    client.force_login(factories.StaffFactory())
    return client


# --- Clients for each role (staff and trainer pages, a staff login beside a practitioner) ---


@pytest.fixture
def staff_browser(db):
    """A staff login in its own client, so a test can act as practitioner and staff."""
    browser = Client()
    browser.force_login(factories.StaffFactory())
    return browser


@pytest.fixture
def today():
    with time_machine.travel(datetime.datetime(2026, 6, 1, 12, tzinfo=datetime.UTC), tick=False):
        yield datetime.date(2026, 6, 1)


@pytest.fixture
def staff_user(db):
    return factories.StaffFactory(first_name="Sam", last_name="Staff")


@pytest.fixture
def staff(staff_user):
    client = Client()
    client.force_login(staff_user)
    client.user = staff_user
    return client


@pytest.fixture
def trainer(db):
    return factories.TrainerFactory(user__first_name="Tess", user__last_name="Trainer")


@pytest.fixture
def trainer_client(trainer):
    client = Client()
    client.force_login(trainer.user)
    client.user = trainer.user
    return client


def pytest_report_header(config):
    from django.conf import settings

    db = settings.DATABASES["default"]
    broker = settings.CELERY_BROKER_URL or "none (tasks in-process)"
    lines = [f"database: {db['ENGINE'].rsplit('.', 1)[-1]} {db.get('NAME')}", f"broker: {broker}"]
    if days := config.getoption("clock_ahead"):
        lines.append(f"clock: {days} days ahead of the real date")
    return lines


@pytest.fixture(autouse=True)
def _broker_backoff_reset():
    """Each test starts with the outbox's memory of a broker outage cleared."""
    from cspo_tracker import publishing

    publishing._broker_down_until = 0.0


def pytest_terminal_summary(terminalreporter):
    """End every run by naming each skipped test and why: a green run on SQLite (or
    without a browser) skips the PostgreSQL-only proofs, and must not pass for them."""
    skipped = terminalreporter.stats.get("skipped", [])
    if not skipped:
        return
    count = f"{len(skipped)} test{'s' if len(skipped) != 1 else ''}"
    terminalreporter.write_sep(
        "!", f"{count} SKIPPED — this run is not the whole proof:", red=True, bold=True
    )
    for report in skipped:
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else report.longrepr
        reason = str(reason).removeprefix("Skipped: ")
        terminalreporter.write_line(f"SKIPPED {report.nodeid}: {reason}", yellow=True, bold=True)
