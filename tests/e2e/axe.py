"""axe-core accessibility checks for the browser tests: axe-core is pinned in
tests/a11y/package.json (npm ci, as bin/test does) and evaluated in the page through the
DevTools protocol, which the page's strict CSP does not govern."""

import os
from functools import cache
from pathlib import Path

import pytest

AXE = Path(__file__).resolve().parents[1] / "a11y" / "node_modules" / "axe-core" / "axe.min.js"
SKIP_NODE_TESTS = "CSPO_SKIP_NODE_TESTS"
SERIOUS = {"serious", "critical"}


@cache
def _source():
    return AXE.read_text(encoding="utf-8")


def serious_violations(page):
    """[(rule id, impact, help, first target)] of serious or critical axe violations."""
    if not AXE.is_file():
        if os.environ.get(SKIP_NODE_TESTS) == "1" and not os.environ.get("CI"):
            pytest.skip(f"{SKIP_NODE_TESTS}=1 and axe-core is not installed in tests/a11y")
        pytest.fail(
            "axe-core is needed in tests/a11y/node_modules: run bin/test (npm ci there), "
            f"or set {SKIP_NODE_TESTS}=1 to skip it knowingly",
            pytrace=False,
        )
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(_source())
    violations = page.evaluate(
        """async () => {
            const result = await axe.run(document, {resultTypes: ['violations']});
            return result.violations.map(v => [v.id, v.impact, v.help,
                                               v.nodes.length ? v.nodes[0].target.join(' ') : '']);
        }"""
    )
    return [tuple(v) for v in violations if v[1] in SERIOUS]
