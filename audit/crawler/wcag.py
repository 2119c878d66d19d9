"""The automatic WCAG scan: axe-core, as shipped inside the axe-playwright-python package.

Nothing is downloaded at run time: the script is read from the installed package and run in
the page the crawler already has open, with the WCAG 2.0/2.1 level A and AA rule tags only.
What is kept per page is small and bounded: each violated rule with its impact, count, help
text and link, and its first few elements.
"""

from __future__ import annotations

import functools
import re
from importlib import resources
from typing import Any

from playwright.async_api import Error as PlaywrightError
from playwright.async_api import Page

from audit.models import WcagNode, WcagPage, WcagRule

WCAG_TAGS = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa")
IMPACTS = ("critical", "serious", "moderate", "minor")
_NODES_KEPT = 3
_SNIPPET = 300
_RUN_JS = """async ([tags, kept]) => {
  const r = await axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']});
  return r.violations.map(v => ({id: v.id, impact: v.impact || 'minor', help: v.help, helpUrl: v.helpUrl,
    count: v.nodes.length, nodes: v.nodes.slice(0, kept).map(n => ({target: n.target.join(' '), html: n.html}))}));
}"""


@functools.cache
def axe_script() -> str:
    return resources.files("axe_playwright_python").joinpath("axe.min.js").read_text(encoding="utf-8")


@functools.cache
def axe_version() -> str:
    """The axe-core version the installed package ships (from the script's own header)."""
    found = re.search(r"axe v(\d+\.\d+\.\d+)", axe_script()[:200])
    return found.group(1) if found else "unknown"


async def scan(page: Page, role: str) -> WcagPage:
    """axe-core on the page as it is now; a page that cannot be scanned says why."""
    try:
        await page.evaluate(axe_script())
        raw = await page.evaluate(_RUN_JS, [list(WCAG_TAGS), _NODES_KEPT])
    except PlaywrightError as exc:
        return WcagPage(page.url, role, error=str(exc).splitlines()[0][:300])
    rules = sorted((_rule(v) for v in raw), key=lambda r: (IMPACTS.index(r.impact), r.rule))
    return WcagPage(page.url, role, tuple(rules))


def _rule(raw: dict[str, Any]) -> WcagRule:
    impact = raw.get("impact") if raw.get("impact") in IMPACTS else "minor"
    nodes = tuple(WcagNode(str(n.get("target", ""))[:500], str(n.get("html", ""))[:_SNIPPET]) for n in raw["nodes"])
    return WcagRule(
        str(raw["id"]), str(impact), int(raw["count"]), str(raw.get("help", "")), str(raw.get("helpUrl", "")), nodes
    )
