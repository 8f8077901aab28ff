"""The house's rules (docs/architecture.md), read from the source with `ast`, so a wrong
import fails here before it becomes a circle:

- the apps are layered one way, config -> demo -> api -> {webhooks, staff, practitioners}
  -> renewals -> seus -> certifications -> cspo_tracker: a module imports only its own app
  and the apps below it (config, the wiring, may import any);
- inside an app, a feature package (renewals/claims/, certifications/courses/, ...) never
  uses a sibling feature's views or URLs;
- three modules sharing a file-name prefix in one folder are a package instead;
- services never import tasks: work after a commit goes through cspo_tracker.publishing.

Each rule is shown failing on a probe module below.
"""

import ast
from collections import defaultdict
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# Lowest first; apps in one tuple are siblings and may not import each other.
LAYERS = [
    ("cspo_tracker",),
    ("certifications",),
    ("seus",),
    ("renewals",),
    ("webhooks", "staff", "practitioners"),
    ("api",),
    ("demo",),
    ("config",),
]
LEVEL = {app: level for level, apps in enumerate(LAYERS) for app in apps}
APPS = list(LEVEL)
VIEW_MODULES = {"views", "urls"}


def module_name(path):
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path):
    tree = ast.parse(path.read_text(), filename=str(path))
    package = module_name(path).split(".")
    if path.name != "__init__.py":
        package = package[:-1]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: resolve against the module's package
                base = package[: len(package) - node.level + 1]
                module = ".".join([*base, node.module] if node.module else base)
            else:
                module = node.module
            yield module
            # `from renewals.claims import views` names a module too
            yield from (f"{module}.{alias.name}" for alias in node.names)


def python_files(app):
    return sorted(p for p in (ROOT / app).rglob("*.py") if "migrations" not in p.parts)


def layer_breaches(app):
    """Imports from `app` of an app on its own level (a sibling) or above it."""
    if app == "config":
        return []
    return sorted(
        {
            f"{path.relative_to(ROOT)} imports {name}"
            for path in python_files(app)
            for name in imports_of(path)
            if (top := name.split(".")[0]) in LEVEL and top != app and LEVEL[top] >= LEVEL[app]
        }
    )


def feature_of(module):
    """'renewals.claims.views' -> ('renewals', 'claims'); a module at the app's top -> None."""
    parts = module.split(".")
    if len(parts) >= 3 and parts[0] in LEVEL and (ROOT / parts[0] / parts[1]).is_dir():
        return parts[0], parts[1]
    return None


def sibling_view_uses(app):
    """Modules of a feature package that import another feature's views or URLs."""
    found = set()
    for path in python_files(app):
        own = feature_of(module_name(path))
        if own is None:
            continue
        for name in imports_of(path):
            other = feature_of(name)
            if other and other[0] == app and other != own and name.split(".")[2] in VIEW_MODULES:
                found.add(f"{path.relative_to(ROOT)} imports {name}")
    return sorted(found)


def crowded_prefixes(app):
    """Folders holding three or more modules named `<prefix>_...` or `<prefix>.py`."""
    crowds = []
    folders = {p.parent for p in python_files(app)}
    for folder in sorted(folders):
        groups = defaultdict(list)
        for path in folder.glob("*.py"):
            if path.name != "__init__.py":
                groups[path.stem.split("_")[0]].append(path.name)
        crowds += [
            f"{folder.relative_to(ROOT)}/: {prefix}_* ({', '.join(sorted(names))})"
            for prefix, names in sorted(groups.items())
            if len(names) >= 3
        ]
    return crowds


def task_imports(app):
    return sorted(
        f"{path.relative_to(ROOT)} imports {name}"
        for path in python_files(app)
        if path.name != "tasks.py" and "management" not in path.parts
        for name in imports_of(path)
        if name and name.split(".")[-1] == "tasks" and name.split(".")[0] in LEVEL
    )


@pytest.mark.parametrize("app", APPS)
def test_an_app_imports_only_the_apps_below_it(app):
    assert layer_breaches(app) == []


@pytest.mark.parametrize("app", APPS)
def test_a_feature_never_uses_a_sibling_features_views_or_urls(app):
    assert sibling_view_uses(app) == []


@pytest.mark.parametrize("app", APPS)
def test_three_modules_with_one_prefix_are_a_package(app):
    assert crowded_prefixes(app) == []


@pytest.mark.parametrize("app", APPS)
def test_services_never_import_tasks(app):
    assert task_imports(app) == []


def test_every_app_of_ours_has_a_layer():
    """A new app must be placed in LAYERS (and in docs/architecture.md) to be checked."""
    ours = {p.parent.name for p in ROOT.glob("*/apps.py")} | {"config"}
    assert ours == set(APPS)


@pytest.fixture
def probe():
    """Write a module into the tree for one test, and remove it (and its folder) after."""
    made = []

    def write(relative, source):
        path = ROOT / relative
        for folder in reversed(path.relative_to(ROOT).parents[:-1]):
            if not (ROOT / folder).exists():
                (ROOT / folder).mkdir()
                made.append(ROOT / folder)
        path.write_text(source)
        made.append(path)
        return path

    yield write
    for path in reversed(made):
        path.rmdir() if path.is_dir() else path.unlink()


def test_the_layer_check_sees_an_upward_and_a_sideways_import(probe):
    probe("certifications/_probe_up.py", "from renewals.selectors import credential_progress\n")
    probe("staff/_probe_side.py", "from practitioners import dashboard\n")
    probe("cspo_tracker/_probe_wiring.py", "from config.celery import app\n")
    assert layer_breaches("certifications") == [
        "certifications/_probe_up.py imports renewals.selectors",
        "certifications/_probe_up.py imports renewals.selectors.credential_progress",
    ]
    assert "staff/_probe_side.py imports practitioners" in layer_breaches("staff")
    assert "cspo_tracker/_probe_wiring.py imports config.celery" in layer_breaches("cspo_tracker")


def test_the_feature_check_sees_a_sibling_features_views(probe):
    probe("renewals/claims/_probe.py", "from ..audits import views\n")
    probe("renewals/claims/_probe_ok.py", "from ..audits import services\nfrom .. import models\n")
    assert sibling_view_uses("renewals") == [
        "renewals/claims/_probe.py imports renewals.audits.views"
    ]


def test_the_prefix_check_sees_three_modules_named_alike(probe):
    probe("seus/_probe_pkg/entry.py", "")
    probe("seus/_probe_pkg/entry_forms.py", "")
    probe("seus/_probe_pkg/entry_views.py", "")
    assert crowded_prefixes("seus") == [
        "seus/_probe_pkg/: entry_* (entry.py, entry_forms.py, entry_views.py)"
    ]


def test_the_task_check_sees_a_service_importing_tasks(probe):
    probe("seus/_probe_service.py", "from renewals import tasks\n")
    assert task_imports("seus") == [
        "seus/_probe_service.py imports renewals.tasks",
    ]
