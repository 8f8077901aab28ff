"""The translation catalogs are complete, current with the code, and compiled.

A catalog fails when an entry is untranslated or fuzzy, or when makemessages run on
today's code (into a temporary copy) would add or drop a msgid. The compiled .mo files
are committed (docs/decisions/0030-compiled-catalogs-are-committed.md): each must say what
its .po says. The checks themselves are shown passing and failing on small catalogs.
"""

import io
import shutil
import subprocess
from pathlib import Path

import pytest
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po
from django.conf import settings
from django.core.management import call_command

ROOT = Path(settings.BASE_DIR)
LOCALE = ROOT / "locale"
CATALOG_LANGUAGES = ["de", "es", "pt_BR", "ja"]
MAKEMESSAGES = {
    "extensions": ["html", "txt", "py"],
    "no_location": True,
    "ignore_patterns": [".venv", "node_modules", "tests", "bench", "var"],
    "verbosity": 0,
}

needs_gettext = pytest.mark.skipif(
    shutil.which("xgettext") is None or shutil.which("msgfmt") is None,
    reason="GNU gettext is not installed (bin/test installs Debian's gettext)",
)


def _read(text, locale="de"):
    return read_po(io.StringIO(text), locale=locale)


def _key(message):
    ids = tuple(message.id) if isinstance(message.id, (tuple, list)) else (message.id,)
    return (message.context or "", *ids)


def _strings(message):
    """A message's translation(s) as a tuple: read_po gives plurals as a tuple, read_mo as
    a list."""
    return tuple(message.string) if isinstance(message.string, (tuple, list)) else (message.string,)


def problems(catalog):
    """Untranslated and fuzzy entries of a catalog, as readable lines."""
    found = []
    for message in catalog:
        if not message.id:
            continue  # the header
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.fuzzy:
            found.append(f"fuzzy: {message.id!r}")
        elif not all(strings):
            found.append(f"untranslated: {message.id!r}")
    return found


def drift(catalog, fresh):
    """msgids the code has and the catalog lacks, and the other way round."""
    have = {_key(m) for m in catalog if m.id}
    want = {_key(m) for m in fresh if m.id}
    return [f"missing: {k!r}" for k in sorted(want - have)] + [
        f"obsolete: {k!r}" for k in sorted(have - want)
    ]


HEADER = 'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
GOOD = HEADER + 'msgid "Log in"\nmsgstr "Anmelden"\n'


# --- The checks, on small catalogs ----------------------------------------------------


def test_a_complete_catalog_passes():
    assert problems(_read(GOOD)) == []
    assert drift(_read(GOOD), _read(HEADER + 'msgid "Log in"\nmsgstr ""\n')) == []


def test_an_untranslated_or_fuzzy_entry_fails():
    untranslated = GOOD + '\nmsgid "Log out"\nmsgstr ""\n'
    fuzzy = GOOD + '\n#, fuzzy\nmsgid "Log out"\nmsgstr "Abmelden"\n'
    plural = GOOD + '\nmsgid "%(n)s day"\nmsgid_plural "%(n)s days"\nmsgstr[0] "x"\nmsgstr[1] ""\n'
    assert problems(_read(untranslated)) == ["untranslated: 'Log out'"]
    assert problems(_read(fuzzy)) == ["fuzzy: 'Log out'"]
    assert problems(_read(plural)) == ["untranslated: ('%(n)s day', '%(n)s days')"]


def test_a_catalog_older_than_the_code_fails():
    fresh = _read(HEADER + 'msgid "Log in"\nmsgstr ""\n\nmsgid "Verify"\nmsgstr ""\n')
    assert drift(_read(GOOD + '\nmsgid "Gone"\nmsgstr "Weg"\n'), fresh) == [
        "missing: ('', 'Verify')",
        "obsolete: ('', 'Gone')",
    ]


# --- The real catalogs ------------------------------------------------------------------


@pytest.mark.parametrize("language", CATALOG_LANGUAGES)
def test_each_language_has_a_catalog_and_its_compiled_copy_matches(language, tmp_path):
    po_path = LOCALE / language / "LC_MESSAGES" / "django.po"
    mo_path = po_path.with_suffix(".mo")
    assert po_path.exists() and mo_path.exists(), f"run makemessages/compilemessages for {language}"
    with po_path.open("rb") as po, mo_path.open("rb") as mo:
        source, compiled = read_po(po, locale=language), read_mo(mo)
    translated = {
        _key(m): _strings(m)
        for m in source
        if m.id and not m.fuzzy and all(m.string if isinstance(m.string, tuple) else (m.string,))
    }
    in_mo = {_key(m): _strings(m) for m in compiled if m.id}
    assert in_mo == translated, f"{mo_path} is stale: run manage.py compilemessages"


@needs_gettext
@pytest.mark.parametrize("language", CATALOG_LANGUAGES)
def test_every_catalog_is_fully_translated(language):
    with (LOCALE / language / "LC_MESSAGES" / "django.po").open("rb") as po:
        assert problems(read_po(po, locale=language)) == []


@pytest.fixture(scope="module")
def fresh_catalogs(tmp_path_factory):
    """makemessages on today's code, run in a copy of the project (makemessages writes
    next to the code it reads, so the real catalogs stay untouched)."""
    copy = tmp_path_factory.mktemp("project") / "project"
    shutil.copytree(
        ROOT,
        copy,
        ignore=shutil.ignore_patterns(
            ".git", ".venv*", "node_modules", "var", "__pycache__", "*.mo", "static", "media"
        ),
    )
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(copy)
        patch.setattr(settings, "LOCALE_PATHS", [copy / "locale"])
        call_command("makemessages", locale=CATALOG_LANGUAGES, **MAKEMESSAGES)
    return copy / "locale"


@needs_gettext
@pytest.mark.parametrize("language", CATALOG_LANGUAGES)
def test_every_catalog_is_as_new_as_the_code(language, fresh_catalogs):
    relative = Path(language) / "LC_MESSAGES" / "django.po"
    with (LOCALE / relative).open("rb") as po, (fresh_catalogs / relative).open("rb") as new:
        assert drift(read_po(po, locale=language), read_po(new, locale=language)) == []


@needs_gettext
def test_msgfmt_accepts_every_catalog():
    for language in CATALOG_LANGUAGES:
        po = LOCALE / language / "LC_MESSAGES" / "django.po"
        result = subprocess.run(
            ["msgfmt", "--check-format", "-o", "/dev/null", str(po)],
            capture_output=True,
            text=True,
            check=False,
        )
        assert result.returncode == 0, result.stderr
