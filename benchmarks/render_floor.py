"""The physical floor: open exactly the pages a tool run opened, and do nothing else.

Reads a run folder written by ``audit run``/``audit crawl``: ``municipalities.json`` for the
homepage URLs (as given in the municipality list) and ``snapshots/<id>/site.json`` for the pages
the crawler followed (``record.pages[*].via_url``). Every URL is opened once, with the tool's
concurrency (sites at once), in one Chromium launched with the tool's own flags (imported from
the tool: ``audit.crawler.pool.CHROMIUM_ARGS``), a fresh
1366x768 context per site, ``wait_until="domcontentloaded"``, and nothing more: no robots.txt,
no settle, no cookie banner, no collection, no screenshots, no archive.

    python benchmarks/render_floor.py RUN_DIR [--concurrency 4] [--json]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

from playwright.async_api import Error as PlaywrightError
from playwright.async_api import async_playwright

from audit.crawler.pool import CHROMIUM_ARGS, find_chromium  # the tool's own launch flags and Chromium

PAGE_TIMEOUT_MS = 15_000  # the tool's page_timeout_s


def page_plan(run_dir: Path) -> list[tuple[str, list[str]]]:
    """[(municipality id, [homepage URL, followed URL, ...])] in list order."""
    munis = json.loads((run_dir / "municipalities.json").read_text(encoding="utf-8"))
    plan = []
    for m in munis:
        urls = [m["url"]]
        site_file = run_dir / "snapshots" / m["id"] / "site.json"
        if site_file.exists():
            data = json.loads(site_file.read_text(encoding="utf-8"))
            if data.get("kind") == "snapshot":
                urls += [p["via_url"] for p in data["record"]["pages"] if p.get("depth", 0) > 0 and p.get("via_url")]
        plan.append((m["id"], urls))
    return plan


async def render_floor(plan: list[tuple[str, list[str]]], concurrency: int) -> dict[str, Any]:
    opened = errors = 0
    semaphore = asyncio.Semaphore(max(1, concurrency))
    async with async_playwright() as pw:
        launched = time.monotonic()
        sandbox = hasattr(os, "geteuid") and os.geteuid() != 0  # as the tool decides
        browser = await pw.chromium.launch(
            executable_path=find_chromium(), headless=True, args=CHROMIUM_ARGS, chromium_sandbox=sandbox
        )
        started = time.monotonic()

        async def one(urls: list[str]) -> None:
            nonlocal opened, errors
            async with semaphore:
                context = await browser.new_context(viewport={"width": 1366, "height": 768})
                try:
                    page = await context.new_page()
                    for url in urls:
                        opened += 1
                        try:
                            await page.goto(url, wait_until="domcontentloaded", timeout=PAGE_TIMEOUT_MS)
                        except PlaywrightError:
                            errors += 1
                finally:
                    await context.close()

        await asyncio.gather(*(one(urls) for _, urls in plan))
        finished = time.monotonic()
        await browser.close()
    return {
        "sites": len(plan),
        "pages_opened": opened,
        "navigation_errors": errors,
        "browser_launch_s": round(started - launched, 3),
        "pages_s": round(finished - started, 3),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("run_dir", type=Path)
    ap.add_argument("--concurrency", type=int, default=4)
    ap.add_argument("--json", action="store_true", help="print the figures as one JSON line")
    args = ap.parse_args()
    plan = page_plan(args.run_dir)
    t0 = time.monotonic()
    result = asyncio.run(render_floor(plan, args.concurrency))
    result["wall_s"] = round(time.monotonic() - t0, 3)
    if args.json:
        sys.stdout.write(json.dumps(result) + "\n")
    else:
        for k, v in result.items():
            sys.stdout.write(f"{k}: {v}\n")


if __name__ == "__main__":
    main()
