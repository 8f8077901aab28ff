"""bin/test ends with a loud list of skipped tests (tests/conftest.py), and says
nothing extra when none were skipped."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

TINY_TESTS = """
import pytest

def test_runs():
    pass

@pytest.mark.skip(reason="needs PostgreSQL row locks")
def test_on_postgres_only():
    pass

def test_skips_itself():
    pytest.skip("no Chromium")
"""


def run_pytest(tmp_path, *args):
    (tmp_path / "conftest.py").write_text(
        "from tests.conftest import pytest_terminal_summary  # noqa: F401\n"
    )
    (tmp_path / "test_tiny.py").write_text(TINY_TESTS)
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "DJANGO_SETTINGS_MODULE": "config.settings",
    }
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", *args],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def test_the_run_ends_by_naming_each_skipped_test_and_why(tmp_path):
    out = run_pytest(tmp_path)
    banner = out.index("2 tests SKIPPED — this run is not the whole proof:")
    assert "SKIPPED test_tiny.py::test_on_postgres_only: needs PostgreSQL row locks" in out
    assert "SKIPPED test_tiny.py::test_skips_itself: no Chromium" in out
    assert out.index("test_tiny.py::test_on_postgres_only: needs") > banner


def test_a_run_without_skips_prints_no_banner(tmp_path):
    out = run_pytest(tmp_path, "-k", "test_runs")
    assert "1 passed" in out
    assert "SKIPPED" not in out
