"""What is kept of a rendered page: its DOM, the HTTP response, screenshots, and the typed snapshot.

The homepage also gets a first-screen PNG (the evidence screenshot, with elements outlined in the
report), a full-page JPEG capped in height and drawn at a reduced scale, and the same links
collected at a phone's 390x844 as informational evidence. Followed pages are read for their text
and links only.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import json
from typing import Any

from playwright.async_api import CDPSession, Page, Response
from playwright.async_api import Error as PlaywrightError

from audit.crawl_types import Captured, CrawlOptions, WarcEntry
from audit.crawler.collect import _COLLECT_JS, collect, collector_args, to_element, to_heading, to_overlay
from audit.crawler.serverhtml import static_links
from audit.criteria import Criteria
from audit.models import ConsentAction, Element, PageSnapshot


class Recorder:
    """Turns rendered pages into snapshots and the files the archive will write."""

    def __init__(self, captured: Captured, prefix: str, criteria: Criteria, options: CrawlOptions) -> None:
        self.captured, self.prefix, self.criteria, self.options = captured, prefix, criteria, options
        self.flags: list[str] = []
        self._index = 0

    async def snapshot(
        self,
        page: Page,
        resp: Response | None,
        *,
        depth: int,
        url: str,
        via: tuple[str, str] = ("", ""),
        chain: tuple[str, ...] = (),
        consent: ConsentAction | None = None,
        parent: str = "",
    ) -> PageSnapshot:
        name = f"{self.prefix}/page-{self._index}"
        self._index += 1
        vocab = self.criteria.vocabulary
        data = await collect(page, vocab)
        html = (await page.content()).encode("utf-8")
        self.captured.blobs[f"{name}.html"] = html
        headers, body = await self._keep_response(resp)
        self.captured.warc.append(WarcEntry(page.url, "resource", "text/html; charset=utf-8", html))
        shot = full = ""
        mobile: tuple[Element, ...] = ()
        if depth == 0:
            shot, full = await self._screenshots(page, name, data)
            if self.options.mobile:
                mobile = await self._mobile_elements(page)
        return PageSnapshot(
            url=via[1] or url, final_url=page.url, depth=depth, status=resp.status if resp else 0,
            via_text=via[0], via_url=via[1], parent_url=parent, redirect_chain=chain, consent=consent,
            content_type=headers.get("content-type", ""), html_file=f"{name}.html", screenshot=shot,
            full_screenshot=full, mobile_elements=mobile, viewport=self.criteria.settings.viewport,
            server_links=static_links(body, resp.url if resp else page.url, headers.get("content-type", "")),
            **_collected(data),
        )  # fmt: skip

    async def _keep_response(self, resp: Response | None) -> tuple[dict[str, str], bytes]:
        if resp is None:
            return {}, b""
        headers = await resp.all_headers()
        body = b""
        with contextlib.suppress(PlaywrightError):
            body = await resp.body()
        self.captured.warc.append(
            WarcEntry(resp.url, "response", headers.get("content-type", ""), body, resp.status, tuple(headers.items()))
        )
        return headers, body

    async def _screenshots(self, page: Page, name: str, data: dict[str, Any]) -> tuple[str, str]:
        width, _ = self.criteria.settings.viewport
        shot, full = f"{name}.png", f"{name}-full.jpg"
        height = min(int(data.get("scrollHeight") or 0) or 768, self.options.full_page_max_px)
        session: CDPSession | None = None
        try:
            await page.evaluate("() => window.scrollTo(0, 0)")
            session = await page.context.new_cdp_session(page)
            png = await capture(session, {"format": "png"})
            self.captured.blobs[shot] = png
            self.captured.warc.append(WarcEntry(f"urn:screenshot:{page.url}", "resource", "image/png", png))
            self.captured.blobs[full] = await capture(
                session, whole_page_params(width, height, self.options.full_page_scale)
            )
        except (PlaywrightError, TimeoutError):
            self.flags.append("screenshot_failed")
            return (shot if shot in self.captured.blobs else ""), ""
        finally:
            if session is not None:
                with contextlib.suppress(PlaywrightError):
                    await session.detach()
        return shot, full

    async def _mobile_elements(self, page: Page) -> tuple[Element, ...]:
        """Informational: the same links at a 390x844 phone size."""
        try:
            return await phone_links(page, self.criteria)
        except PlaywrightError:
            return ()


def whole_page_params(width: int, height: int, scale: float) -> dict[str, Any]:
    """The whole page (``height`` already capped) as a JPEG. Drawing it costs in proportion to its
    pixels: ``scale`` trades its size against that cost (benchmarks/capture_cost.py)."""
    clip = {"x": 0, "y": 0, "width": width, "height": height, "scale": scale}
    return {"format": "jpeg", "quality": 45, "clip": clip, "captureBeyondViewport": True}


async def phone_links(page: Page, criteria: Criteria) -> tuple[Element, ...]:
    """The page's links laid out at a phone's size; the desktop size is restored afterwards."""
    w, h = criteria.settings.mobile_viewport
    dw, dh = criteria.settings.viewport
    try:
        await page.set_viewport_size({"width": w, "height": h})
        await page.wait_for_timeout(150)
        data = json.loads(await page.evaluate(_COLLECT_JS, collector_args(criteria.vocabulary, links_only=True)))
        return tuple(to_element(e) for e in data["elements"])
    finally:
        with contextlib.suppress(PlaywrightError):
            await page.set_viewport_size({"width": dw, "height": dh})


async def capture(session: CDPSession, params: dict[str, Any]) -> bytes:
    """One screenshot straight from Chromium: no caret hiding or font wait (the page has settled),
    and the image crosses the driver once, as the protocol sends it."""
    reply = await asyncio.wait_for(session.send("Page.captureScreenshot", {**params, "optimizeForSpeed": True}), 15)
    return base64.b64decode(reply["data"])


def _collected(data: dict[str, Any]) -> dict[str, Any]:
    """The snapshot's fields read from what the collector returned."""
    return {
        "title": data["title"][:500], "lang": data["lang"][:20], "text": data["text"],
        "main_text": data.get("main_text", ""),
        "headings": tuple(to_heading(h) for h in data["headings"]),
        "news_signals": tuple(data.get("news_signals", ())),
        "overlays": tuple(to_overlay(o) for o in data.get("overlays", ())),
        "elements": tuple(to_element(e) for e in data["elements"]),
        "flags": ("frameset",) if data.get("frameset") else (),
    }  # fmt: skip
