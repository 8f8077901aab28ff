"""No string a person reads is left outside a translation call.

Templates: any word left in a template once the translation tags, template variables,
HTML tags, scripts and styles are taken out is a literal a reader would see in English.
The attributes a reader sees or hears (title, alt, placeholder, aria-label) count too.
Python: the strings in the places Django shows to people (labels, help texts, verbose
names, choices' labels, validation errors, messages, the API's problem titles and
details, email subjects) must come from a gettext call.

What must stay English (codes, names of programs and of the product, the API's `type`
URIs) is allowed by the word list and the allow-list below, each entry with its reason.
"""

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
APPS = [
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
]

# Words that read the same in every language: the product's and the certifying body's
# names, program codes, and technical abbreviations.
KEPT_WORDS = {
    "CSPO",
    "CSM",
    "CSD",
    "CSP",
    "PSPO",
    "SEU",
    "SEUs",
    "CST",
    "Tracker",
    "Scrum",
    "Alliance",
    "API",
    "CSV",
    "PDF",
    "JSON",
    "LD",
    "PNG",
    "QR",
    "TOTP",
    "URL",
    "ID",
    "DID",
    "OB",
    "VC",
    "HTTP",
    "HTTPS",
    "UTC",
    "Stripe",
    "WebAuthn",
    "OpenAPI",
    "Swagger",
    "ReDoc",
    "cURL",
    "curl",
    "GitHub",
    "Bearer",
    "Idempotency",
    "Key",
}

# (path relative to the repository, the literal) pairs that stay English, with why.
ALLOWED = {
    # Demo data: the sample course of the staff's email previews, a course's own name.
    ("staff/emails/previews.py", "title=: 'Product Ownership in Practice'"),
    # Brand and protocol names in the page title and the API docs' headings.
    # A button style passed to allauth's element tag, never shown.
    ("templates/mfa/recovery_codes/generate.html", "danger"),
    # The DID document's well-known path, shown as the link's text.
    ("templates/certifications/vc/issuer.html", "/.well-known/did.json"),
    # Demo data: the seeded course's title is a record in the database, like a trainer's.
    ("demo/seed.py", "title=: 'CSPO (demo cohort)'"),
}


def _readable_words(text):
    words = re.findall(r"[^\W\d_][^\W\d_'’-]*", text)
    return [w for w in words if w not in KEPT_WORDS and len(w) > 1]


# ---------------------------------------------------------------------------- templates


def _template_files():
    for base in [ROOT / "templates", *[ROOT / app for app in APPS]]:
        for path in sorted(base.rglob("*")):
            if path.suffix in {".html", ".txt"} and "templates" in path.parts:
                yield path


TRANSLATED_BLOCK = re.compile(
    r"{%\s*block(?:trans|translate)\b.*?%}.*?{%\s*endblock(?:trans|translate)\s*%}", re.S
)
COMMENT = re.compile(r"{%\s*comment\s*%}.*?{%\s*endcomment\s*%}|{#.*?#}", re.S)
SCRIPT_STYLE = re.compile(r"<(script|style)\b.*?</\1\s*>", re.S | re.I)
TAG_OR_VAR = re.compile(r"{%.*?%}|{{.*?}}", re.S)
HTML_TAG = re.compile(r"<[^>]*>", re.S)
ENTITY = re.compile(r"&[#\w]+;")
SEEN_ATTRIBUTE = re.compile(
    r"""\b(title|alt|placeholder|aria-label|aria-description)\s*=\s*(["'])(.*?)\2""", re.S
)


def template_literals(source):
    """The lines of a template that show a reader untranslated words."""
    found = []
    text = COMMENT.sub(lambda m: "\n" * m.group().count("\n"), source)
    text = TRANSLATED_BLOCK.sub(lambda m: "\n" * m.group().count("\n"), text)
    text = SCRIPT_STYLE.sub(lambda m: "\n" * m.group().count("\n"), text)
    for match in SEEN_ATTRIBUTE.finditer(text):
        value = TAG_OR_VAR.sub(" ", match.group(3))
        if _readable_words(value):
            line = text.count("\n", 0, match.start()) + 1
            found.append((line, f'{match.group(1)}="{match.group(3).strip()}"'))
    text = TAG_OR_VAR.sub(lambda m: "\n" * m.group().count("\n"), text)
    text = HTML_TAG.sub(lambda m: "\n" * m.group().count("\n"), text)
    text = ENTITY.sub(" ", text)
    for number, line in enumerate(text.splitlines(), start=1):
        if _readable_words(line):
            found.append((number, line.strip()))
    if "|pluralize" in source:
        found.append((0, "|pluralize only knows English plurals: use blocktranslate count"))
    return found


@pytest.mark.parametrize("path", list(_template_files()), ids=lambda p: str(p.relative_to(ROOT)))
def test_a_template_shows_no_untranslated_words(path):
    assert_nothing_untranslated(path, template_literals, "shows untranslated words")


def assert_nothing_untranslated(path, scanner, complaint):
    """Fails naming each line where `scanner` finds text outside a translation call,
    except the pairs ALLOWED keeps with their reasons."""
    relative = str(path.relative_to(ROOT))
    found = [
        (line, text)
        for line, text in scanner(path.read_text(encoding="utf-8"))
        if (relative, text) not in ALLOWED
    ]
    assert not found, f"{relative} {complaint}:\n" + "\n".join(
        f"  line {line}: {text}" for line, text in found
    )


# ------------------------------------------------------------------------------- python

# Keyword arguments whose string a person reads.
SEEN_KEYWORDS = {
    "label",
    "help_text",
    "verbose_name",
    "verbose_name_plural",
    "empty_label",
    "title",
    "detail",
    "message",
    "subject",
    "placeholder",
    "description",
}
# Calls whose first (or, for django.contrib.messages, second) argument a person reads.
SEEN_FIRST_ARGUMENT = {"ValidationError", "PermissionDenied", "Http404", "how_many"}
MESSAGE_CALLS = {"success", "error", "info", "warning", "debug"}
CHOICES_BASES = {"TextChoices", "IntegerChoices", "Choices"}
TRANSLATION_CALLS = {
    "_",
    "gettext",
    "gettext_lazy",
    "ngettext",
    "ngettext_lazy",
    "pgettext",
    "pgettext_lazy",
    "npgettext",
    "npgettext_lazy",
    "format_lazy",
}


def _python_files():
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            if "migrations" not in path.parts:
                yield path


def _call_name(node):
    func = node.func
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return None


def _looks_like_text(value):
    """A string a person reads, not a code, a key or a path."""
    if not isinstance(value, str):
        return False
    # A code, key, path or pattern: no space and no capital ("renewal_due", "a/b"); a
    # capitalised word ("Closed") is a label.
    if re.fullmatch(r"[\w.:/#{}%()\[\]*+-]*", value) and value == value.lower():
        return False
    return bool(_readable_words(value))


def _literal(node):
    """The text of a plain string or f-string node, None for anything else (including
    strings already inside a translation call)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(
            part.value if isinstance(part, ast.Constant) else "{…}" for part in node.values
        )
    return None


class LiteralFinder(ast.NodeVisitor):
    def __init__(self):
        self.found = []

    def _check(self, node, why):
        text = _literal(node)
        if text is not None and _looks_like_text(text):
            self.found.append((node.lineno, f"{why}: {text!r}"))

    def visit_Call(self, node):
        name = _call_name(node)
        if name in TRANSLATION_CALLS:
            return  # everything inside is translated (or is a plural/context argument)
        for keyword in node.keywords:
            if keyword.arg in SEEN_KEYWORDS:
                self._check(keyword.value, f"{keyword.arg}=")
            if keyword.arg == "error_messages" and isinstance(keyword.value, ast.Dict):
                for value in keyword.value.values:
                    self._check(value, "error_messages")
            if keyword.arg == "choices" and isinstance(keyword.value, (ast.List, ast.Tuple)):
                self._check_choice_pairs(keyword.value)
        if name in SEEN_FIRST_ARGUMENT:
            for arg in node.args[:3] if name == "how_many" else node.args[:1]:
                self._check(arg, name)
        if (
            name in MESSAGE_CALLS
            and isinstance(node.func, ast.Attribute)
            and isinstance(node.func.value, ast.Name)
            and node.func.value.id == "messages"
            and len(node.args) >= 2
        ):
            self._check(node.args[1], f"messages.{name}")
        self.generic_visit(node)

    def _check_choice_pairs(self, node):
        for element in node.elts:
            if isinstance(element, ast.Tuple) and len(element.elts) == 2:
                self._check(element.elts[1], "choice label")

    def visit_ClassDef(self, node):
        bases = {getattr(base, "id", getattr(base, "attr", None)) for base in node.bases}
        if bases & CHOICES_BASES:
            for statement in node.body:
                if isinstance(statement, ast.Assign) and isinstance(statement.value, ast.Tuple):
                    self._check(statement.value.elts[-1], "choice label")
        self.generic_visit(node)


def python_literals(source):
    finder = LiteralFinder()
    finder.visit(ast.parse(source))
    return sorted(finder.found)


@pytest.mark.parametrize("path", list(_python_files()), ids=lambda p: str(p.relative_to(ROOT)))
def test_python_shows_no_untranslated_strings(path):
    assert_nothing_untranslated(path, python_literals, "has user-facing strings outside gettext")


# ------------------------------------------------------------- the scanner itself can fail


def test_the_template_scanner_sees_a_bare_word_and_passes_a_translated_one():
    assert template_literals("<p>Renew now</p>")
    assert template_literals('<img alt="Badge of the holder">')
    assert template_literals("{{ n }} credential{{ n|pluralize }}")
    assert not template_literals('<p>{% translate "Renew now" %}</p>')
    assert not template_literals(
        "{% blocktranslate count n=n %}{{ n }} SEU{% plural %}{{ n }} SEUs{% endblocktranslate %}"
    )
    assert not template_literals("<script>const label = 'ignored';</script><p>CSPO</p>")


def test_the_python_scanner_sees_a_bare_label_and_passes_a_translated_one():
    assert python_literals('forms.CharField(label="Your name")')
    assert python_literals('raise ValidationError("Too many SEUs on one day")')
    assert python_literals('messages.success(request, f"Logged {n} SEUs")')
    assert python_literals('class S(models.TextChoices):\n    OPEN = "open", "Open renewal"')
    assert not python_literals('forms.CharField(label=_("Your name"))')
    assert not python_literals('raise ValidationError(_("Too many"), code="too_many")')
    assert not python_literals('problem(404, type="https://example/t/not-found")')
