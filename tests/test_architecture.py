"""The apps depend one way (docs/architecture.md): cspo_tracker (the outbox) <-
certifications <- seus <- renewals <- api. A lower app never imports a higher one, and services
never import tasks. Read from the source with `ast`, so a wrong import fails here before
it becomes a circle."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LAYERS = ["cspo_tracker", "certifications", "seus", "renewals", "staff", "webhooks", "api"]
# The project package also holds settings and the root URLconf, which wire every app.
WIRING = {"cspo_tracker/settings.py", "cspo_tracker/urls.py", "cspo_tracker/celery.py"}


def imports_of(path):
    tree = ast.parse(path.read_text(), filename=str(path))
    package = ".".join(path.relative_to(ROOT).with_suffix("").parts[:-1])
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: resolve against the module's package
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                yield ".".join([*base, node.module] if node.module else base)
            else:
                yield node.module


def python_files(app):
    return [
        p
        for p in (ROOT / app).rglob("*.py")
        if "migrations" not in p.parts and str(p.relative_to(ROOT)) not in WIRING
    ]


def upward_imports(app):
    higher = LAYERS[LAYERS.index(app) + 1 :]
    return sorted(
        f"{path.relative_to(ROOT)} imports {name}"
        for path in python_files(app)
        for name in imports_of(path)
        if name and name.split(".")[0] in higher
    )


@pytest.mark.parametrize("app", LAYERS[:-1])
def test_a_lower_app_never_imports_a_higher_one(app):
    assert upward_imports(app) == []


@pytest.mark.parametrize("app", LAYERS)
def test_services_never_import_tasks(app):
    offenders = [
        f"{path.relative_to(ROOT)} imports {name}"
        for path in python_files(app)
        if path.name != "tasks.py" and path.parent.name != "management"
        for name in imports_of(path)
        if name and name.endswith(".tasks") and path.name != "outbox.py"
    ]
    assert offenders == []


def test_the_check_sees_an_upward_import(tmp_path, monkeypatch):
    """The check itself can fail: a module of certifications importing renewals is named."""
    bad = ROOT / "certifications" / "_layer_probe.py"
    bad.write_text("from renewals.selectors import credential_progress\n")
    try:
        assert upward_imports("certifications") == [
            "certifications/_layer_probe.py imports renewals.selectors"
        ]
    finally:
        bad.unlink()


def test_no_module_grows_past_five_hundred_lines():
    long = [
        f"{p.relative_to(ROOT)}: {n} lines"
        for app in LAYERS
        for p in python_files(app)
        if (n := len(p.read_text().splitlines())) > 500
    ]
    assert long == []
