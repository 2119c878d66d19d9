"""What each thing the tool does to a homepage costs in CPU, measured on the same pages in turn.

    /tmp/venv/bin/python benchmarks/capture_cost.py [--sites 12] [--json]

Serves a generated nation on 127.0.0.1 (benchmarks/nation.py), opens each homepage in one
Chromium launched with the tool's flags, lets it settle, then measures the CPU seconds of the whole
process tree (this Python, Playwright's driver, every Chromium process) spent by each step:

* ``collect``: the tool's collector (``collect.js``) on the main frame and its frames;
* ``content``: the rendered DOM (``page.content()``);
* ``first_screen_png``: the first-screen screenshot;
* ``whole_page_scale_1`` and ``whole_page_tool_scale``: the whole-page JPEG (capped at the tool's
  height) at full size and at the tool's ``full_page_scale``, in alternating order per site so
  neither always comes first (the first capture of a page also lays out the part below the fold);
* ``phone_relayout``: resize to 390x844, the tool's pause, collect the links, resize back.

Idle pages cost nothing measurable here, so what a step costs is what it adds to a crawl. Figures
vary between machines; compare steps within one run.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections import defaultdict
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import psutil
from playwright.async_api import Page, async_playwright

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from nation import NationServer  # noqa: E402

from audit.crawl_types import CrawlOptions  # noqa: E402
from audit.crawler.capture import capture, phone_links, whole_page_params  # noqa: E402
from audit.crawler.collect import collect  # noqa: E402
from audit.crawler.pool import CHROMIUM_ARGS, find_chromium  # noqa: E402
from audit.criteria import load_criteria  # noqa: E402

CRITERIA = load_criteria(Path(__file__).resolve().parents[1] / "criteria.yaml").for_country("SE")
OPTIONS = CrawlOptions()
_SEEN: dict[int, float] = {}  # pid -> last CPU seconds read (a process that ended keeps its share)


def tree_cpu() -> float:
    me = psutil.Process()
    for proc in [me, *me.children(recursive=True)]:
        try:
            _SEEN[proc.pid] = sum(proc.cpu_times()[:2])
        except psutil.Error:
            pass
    return sum(_SEEN.values())


async def _screenshot(page: Page, params: dict[str, Any]) -> int:
    """One capture with the tool's own call and parameters."""
    session = await page.context.new_cdp_session(page)
    try:
        return len(await capture(session, params))
    finally:
        await session.detach()


async def _whole_page(page: Page, scale: float) -> int:
    width, _ = CRITERIA.settings.viewport
    height = min(await page.evaluate("document.documentElement.scrollHeight"), OPTIONS.full_page_max_px)
    return await _screenshot(page, whole_page_params(width, height, scale))


def _steps(page: Page, order: int) -> list[tuple[str, Callable[[], Awaitable[Any]]]]:
    whole = [
        ("whole_page_scale_1", lambda: _whole_page(page, 1.0)),
        ("whole_page_tool_scale", lambda: _whole_page(page, OPTIONS.full_page_scale)),
    ]
    return [
        ("collect", lambda: collect(page, CRITERIA.vocabulary)),
        ("content", page.content),
        ("first_screen_png", lambda: _screenshot(page, {"format": "png"})),
        *(whole if order % 2 == 0 else whole[::-1]),
        ("phone_relayout", lambda: phone_links(page, CRITERIA)),
    ]


async def measure(sites: int) -> dict[str, Any]:
    spent: dict[str, list[float]] = defaultdict(list)
    with NationServer(n=sites, seed=1) as srv:
        srv.warm()
        async with async_playwright() as pw:
            browser = await pw.chromium.launch(
                executable_path=find_chromium(), headless=True, args=CHROMIUM_ARGS, chromium_sandbox=False
            )
            width, height = CRITERIA.settings.viewport
            for n, site in enumerate(srv.sites[:sites]):
                context = await browser.new_context(viewport={"width": width, "height": height})
                page = await context.new_page()
                try:
                    await page.goto(srv.url_for(site.slug), wait_until="load", timeout=15_000)
                except Exception:  # a failing site of the nation has no homepage to measure
                    await context.close()
                    continue
                await page.wait_for_timeout(1000)
                for name, step in _steps(page, n):
                    before = tree_cpu()
                    await step()
                    spent[name].append(tree_cpu() - before)
                await context.close()
            await browser.close()
    return {
        "homepages": len(spent["collect"]),
        "full_page_scale": OPTIONS.full_page_scale,
        "cpu_s_per_homepage": {k: round(sum(v) / len(v), 3) for k, v in spent.items()},
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sites", type=int, default=12)
    ap.add_argument("--json", action="store_true", help="print the figures as one JSON line")
    args = ap.parse_args()
    result = asyncio.run(measure(args.sites))
    if args.json:
        sys.stdout.write(json.dumps(result) + "\n")
        return
    sys.stdout.write(f"{result['homepages']} homepages; CPU seconds of the process tree per homepage:\n")
    for name, secs in result["cpu_s_per_homepage"].items():
        sys.stdout.write(f"  {name:24s} {secs:6.3f}\n")


if __name__ == "__main__":
    main()
