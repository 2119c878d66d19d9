"""What a rendered page shows, read from the main document and every frame by ``collect.js``.

The script returns plain data (one JSON string: the driver would otherwise validate thousands of
nested objects one by one); this module turns it into typed records. Nothing is judged here.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from playwright.async_api import Error as PlaywrightError
from playwright.async_api import Page

from audit.crawler.pool import bounded
from audit.criteria import Vocabulary
from audit.models import Box, Element, Heading, Overlay

_COLLECT_JS = (Path(__file__).parents[1] / "collect.js").read_text(encoding="utf-8")


def collector_args(vocab: Vocabulary, *, links_only: bool) -> dict[str, Any]:
    """The collector's arguments: its vocabulary comes from criteria.yaml, like every word."""
    return {
        "linksOnly": links_only,
        "newsWords": list(vocab.news_heading),
        "newsClass": list(vocab.news_class),
        "notNewsClass": list(vocab.not_news_class),
        "months": list(vocab.month_name),
    }


async def collect(page: Page, vocab: Vocabulary, *, links_only: bool = False) -> dict[str, Any]:
    """Run the collector in the main frame and every frame, offsetting frame boxes."""
    args = collector_args(vocab, links_only=links_only)
    data: dict[str, Any] = json.loads(await page.evaluate(_COLLECT_JS, args))
    for frame in page.frames[1:]:
        if frame.url in ("", "about:blank") or not frame.url.startswith("http"):
            continue  # a frame whose navigation has not committed (or an ad slot) has nothing to read
        try:
            owner = await bounded(frame.frame_element(), 2.0)
            box = await owner.bounding_box() if owner else None
            raw = await bounded(frame.evaluate(_COLLECT_JS, args), 2.0)
            sub = json.loads(raw) if raw else None
        except PlaywrightError:
            continue  # detached frames are out of reach
        if sub:  # a frame still loading (or hung) has nothing to give
            _merge_frame(data, sub, frame.url, box, links_only=links_only)
    return data


def _merge_frame(
    data: dict[str, Any], sub: dict[str, Any], url: str, box: dict[str, float] | None, *, links_only: bool
) -> None:
    dx, dy = (box["x"], box["y"]) if box else (0.0, 0.0)
    for el in sub["elements"]:
        el["frame"] = url
        el["box"]["x"] += dx
        el["box"]["y"] += dy
        if el.get("covered_by", "").startswith("overlay:"):
            el["covered_by"] = f"a pop-up inside the frame {url}"  # the frame's own overlays are not kept
    data["elements"].extend(sub["elements"])
    if not links_only:
        data["headings"].extend(sub["headings"])
        data["text"] = f"{data['text']} {sub['text']}".strip()
        data["main_text"] = f"{data['main_text']} {sub['main_text']}".strip()


def to_element(raw: dict[str, Any]) -> Element:
    b = raw.get("box")
    return Element(
        kind=raw["kind"],
        text=raw["text"],
        name=raw.get("name", ""),
        href=raw.get("href", ""),
        landmark=raw.get("landmark", ""),
        box=Box(round(b["x"], 1), round(b["y"], 1), round(b["width"], 1), round(b["height"], 1)) if b else None,
        visible=bool(raw.get("visible")),
        hidden_container=bool(raw.get("hidden_container")),
        covered=bool(raw.get("covered")),
        font_size=float(raw.get("font_size") or 0),
        selector=raw.get("selector", ""),
        in_article=bool(raw.get("in_article")),
        frame=raw.get("frame", ""),
        article_main=bool(raw.get("article_main")),
        dated=bool(raw.get("dated")),
        news_region=bool(raw.get("news_region")),
        context=raw.get("context", ""),
        covered_by=raw.get("covered_by", ""),
    )


def to_overlay(raw: dict[str, Any]) -> Overlay:
    b = raw.get("box")
    box = Box(round(b["x"], 1), round(b["y"], 1), round(b["width"], 1), round(b["height"], 1)) if b else None
    return Overlay(selector=raw.get("selector", ""), text=raw.get("text", ""), box=box)


def to_heading(raw: dict[str, Any]) -> Heading:
    return Heading(
        raw["level"],
        raw["text"],
        in_article=bool(raw.get("in_article")),
        article_main=bool(raw.get("article_main")),
        dated=bool(raw.get("dated")),
        news_region=bool(raw.get("news_region")),
    )
