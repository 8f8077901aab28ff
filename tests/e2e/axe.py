"""axe-core accessibility checks for the browser tests: axe-core is pinned in
tests/a11y/package.json (npm ci, as bin/test does) and evaluated in the page through the
DevTools protocol, which the page's strict CSP does not govern."""

from functools import cache
from pathlib import Path

from tests.node_packages import require

AXE = Path(__file__).resolve().parents[1] / "a11y" / "node_modules" / "axe-core" / "axe.min.js"
SERIOUS = {"serious", "critical"}


@cache
def _source():
    return AXE.read_text(encoding="utf-8")


def serious_violations(page):
    """[(rule id, impact, help, first target)] of serious or critical axe violations."""
    require("the accessibility checks (axe-core)", AXE)
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
