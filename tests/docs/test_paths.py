"""The docs name only what exists. In README.md, docs/**/*.md and bench/README.md:

- a relative link must reach a file (and a `#heading` in it, when it names one);
- a path of this repository in backticks (`renewals/sweep/sets.py`), in prose or in a
  command, must exist, and the names after it (`renewals/plans.py: entries_to_use`) must
  be defined in that module;
- a dotted module in backticks (`renewals.sweep.sets`, `renewals.tasks.daily_sweep`) must
  be a module, or a name defined in one.

Code moves; a handbook that still names the old place sends a newcomer to a file that is
not there. `problems_in(files)` lists what the given markdown files name that does not
exist, so the same check runs on the real docs and on a probe that must fail.
"""

import ast
import functools
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# A backticked word starting with one of these is a path of this repository.
TOP_LEVEL = (
    ".ci",
    "api",
    "bench",
    "bin",
    "certifications",
    "config",
    "cspo_tracker",
    "demo",
    "docs",
    "practitioners",
    "renewals",
    "seus",
    "static",
    "staff",
    "templates",
    "tests",
    "webhooks",
)
# A backticked dotted name starting with one of these is a module (or a name in one).
PACKAGES = (
    "api",
    "certifications",
    "config",
    "cspo_tracker",
    "demo",
    "practitioners",
    "renewals",
    "seus",
    "staff",
    "webhooks",
)

FENCE = re.compile(r"^\s*(```|~~~)")
CODE_SPAN = re.compile(r"`([^`]+)`")
LINK = re.compile(r"!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*\s*$")
REPO_PATH = re.compile(rf"^(?:{'|'.join(re.escape(top) for top in TOP_LEVEL)})(?:/[\w.@-]*)*$")
# `renewals/plans.py: entries_to_use, renewal_plan` names functions or classes in a module.
NAMES_IN_MODULE = re.compile(
    r"^([\w/.-]+\.py):\s*([A-Za-z_]\w*(?:\.\w+)?(?:,\s*[A-Za-z_]\w*(?:\.\w+)?)*)$"
)
DOTTED = re.compile(rf"^(?:{'|'.join(PACKAGES)})(?:\.[A-Za-z_]\w*)+(?:\(\))?$")
# Placeholders and globs name no single file: `tests/<app>/test_<topic>.py`, `*.md`.
PATTERN_CHARS = set("<>*?{}[]…")


def documentation_files():
    """The handbook: the README, everything under docs/, and the bench results."""
    return [
        ROOT / "README.md",
        *sorted((ROOT / "docs").rglob("*.md")),
        ROOT / "bench" / "README.md",
    ]


def problems_in(files):
    """Every dead link, missing path, name or module the files name, one line each."""
    problems = []
    for file in files:
        prose, fenced = _split_fences(file.read_text(encoding="utf-8"))
        where = _display(file)
        for number, line in enumerate(prose, start=1):
            for span in CODE_SPAN.findall(line):
                problems += [f"{where}:{number}: {problem}" for problem in _span_problems(span)]
            for target in LINK.findall(CODE_SPAN.sub("", line)):
                problem = _dead_link(file, target)
                if problem:
                    problems.append(f"{where}:{number}: {problem}")
        for number, line in fenced:
            problems += [
                f"{where}:{number}: no such path `{path}`"
                for path in _repository_paths(line)
                if not (ROOT / path).exists()
            ]
    return problems


def _span_problems(span):
    """What one code span names that does not exist: paths, names in a module, modules."""
    span = span.strip()
    problems = [
        f"no such path `{path}`" for path in _repository_paths(span) if not (ROOT / path).exists()
    ]
    problems += [f"no `{name}` in `{module}`" for module, name in _names_missing_from_modules(span)]
    dotted = span.removesuffix("()")
    if DOTTED.match(span) and not _module_name_exists(dotted):
        problems.append(f"no such module or name `{dotted}`")
    return problems


def _display(file):
    try:
        return str(file.relative_to(ROOT))
    except ValueError:
        return file.name


def _split_fences(text):
    """The prose lines (fenced lines blanked, so line numbers hold) and the fenced lines."""
    prose, fenced, inside = [], [], False
    for number, line in enumerate(text.splitlines(), start=1):
        if FENCE.match(line):
            inside = not inside
            prose.append("")
        elif inside:
            prose.append("")
            fenced.append((number, line))
        else:
            prose.append(line)
    return prose, fenced


def _repository_paths(code):
    """Words of a code span or command that are paths of this repository.

    `renewals/plans.py: entries_to_use` and `renewals/plans.py:entries_to_use` name the
    file; a word with a placeholder or a glob names no single file and is skipped.
    """
    for word in code.split():
        word = word.strip("\"'(),;").split(":", 1)[0].rstrip(".")
        if PATTERN_CHARS & set(word) or not REPO_PATH.match(word):
            continue
        yield word


def _names_missing_from_modules(span):
    """(module, name) for each name a `path.py: name, name` span gives that the module lacks."""
    match = NAMES_IN_MODULE.match(span.strip())
    if not match or not (ROOT / match.group(1)).is_file():
        return []
    module = ROOT / match.group(1)
    names = [name.strip().split(".")[0] for name in match.group(2).split(",")]
    return [(match.group(1), name) for name in names if name not in _top_level_names(module)]


def _dead_link(file, target):
    if re.match(r"^(?:https?:|mailto:)", target):
        return None
    path, _, anchor = target.partition("#")
    resolved = (file.parent / path).resolve() if path else file
    if not resolved.exists():
        return f"dead link {target}"
    if anchor and resolved.suffix == ".md" and anchor not in _anchors(resolved):
        return f"dead anchor {target}"
    return None


@functools.cache
def _anchors(markdown):
    """GitHub's heading anchors: lower case, punctuation dropped, spaces become hyphens."""
    prose, _ = _split_fences(markdown.read_text(encoding="utf-8"))
    seen, anchors = {}, set()
    for line in prose:
        heading = HEADING.match(line)
        if not heading:
            continue
        text = re.sub(r"[`*_]|\[([^\]]*)\]\([^)]*\)", r"\1", heading.group(2)).strip().lower()
        slug = re.sub(r"[^\w\- ]", "", text).replace(" ", "-")
        count = seen.get(slug, 0)
        seen[slug] = count + 1
        anchors.add(slug if count == 0 else f"{slug}-{count}")
    return anchors


def _module_name_exists(dotted):
    """`renewals.sweep.sets` is a module file; `renewals.tasks.daily_sweep` a name in one."""
    parts = dotted.split(".")
    folder = ROOT
    for index, part in enumerate(parts):
        if (folder / part / "__init__.py").exists():
            folder = folder / part
            continue
        module = folder / f"{part}.py"
        if module.exists():
            rest = parts[index + 1 :]
            return not rest or rest[0] in _top_level_names(module)
        return part in _top_level_names(folder / "__init__.py")
    return True


@functools.cache
def _top_level_names(module):
    names = set()
    for node in ast.parse(module.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names.update(target.id for target in targets if isinstance(target, ast.Name))
        elif isinstance(node, ast.Import | ast.ImportFrom):
            names.update((alias.asname or alias.name).split(".")[0] for alias in node.names)
    return names


def test_the_handbook_is_every_markdown_file_under_docs_plus_the_two_readmes():
    files = documentation_files()
    assert all(file.exists() for file in files), [f for f in files if not f.exists()]
    assert ROOT / "docs" / "architecture.md" in files
    assert len(files) > 10


def test_every_link_path_and_module_the_docs_name_exists():
    problems = problems_in(documentation_files())
    assert problems == [], "\n".join(problems)


def test_a_dead_link_a_missing_path_name_and_module_are_each_reported(tmp_path):
    probe = tmp_path / "probe.md"
    probe.write_text(
        "# Probe\n"
        "See [the guide](guide.md) and [below](#nowhere).\n"
        "Rules live in `renewals/claims.py: approve_claim` and `renewals/plans.py: gone`.\n"
        "The sweep is `renewals.sweep.sets_of_rows`.\n"
        "```bash\n"
        "python bench/nothing_here.py 1000\n"
        "```\n"
    )
    problems = problems_in([probe])
    assert problems == [
        "probe.md:2: dead link guide.md",
        "probe.md:2: dead anchor #nowhere",
        "probe.md:3: no such path `renewals/claims.py`",
        "probe.md:3: no `gone` in `renewals/plans.py`",
        "probe.md:4: no such module or name `renewals.sweep.sets_of_rows`",
        "probe.md:6: no such path `bench/nothing_here.py`",
    ]


def test_what_exists_placeholders_urls_and_names_after_a_path_pass(tmp_path):
    (tmp_path / "guide.md").write_text("# The guide\n\n## Two words\n")
    probe = tmp_path / "probe.md"
    probe.write_text(
        "# Probe\n"
        "[Guide](guide.md#two-words), [up](#probe), [site](https://example.org/x.md), "
        "[mail](mailto:a@example.org).\n"
        "`renewals/plans.py: entries_to_use, renewal_plan`, `renewals/plans.py:entries_to_use`, "
        "`tests/<app>/test_<topic>.py`, `templates/emails/*.txt`, `/renewals/staff/`.\n"
        "`renewals.sweep.sets`, `renewals.tasks.daily_sweep`, `django.db.models`.\n"
        "`bin/manage demo_totp_code`, `.ci/run`, `docs/`.\n"
    )
    assert problems_in([probe]) == []
