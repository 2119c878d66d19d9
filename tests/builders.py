"""Small builders for snapshots, so check tests read like the page they describe."""

from __future__ import annotations

from pathlib import Path

from audit.criteria import Criteria, load_criteria
from audit.models import Box, ConsentAction, Element, Heading, Municipality, PageSnapshot, SiteSnapshot

BASE = "http://solby.example/"
CRITERIA: Criteria = load_criteria(Path(__file__).resolve().parents[1] / "criteria.yaml")


def link(
    text: str,
    href: str = "",
    *,
    landmark: str = "header",
    y: float = 20,
    name: str = "",
    font: float = 16,
    hidden: bool = False,
    covered: bool = False,
    visible: bool = True,
    width: float = 120,
    height: float = 24,
    kind: str = "link",
    in_article: bool = False,
    dated: bool = False,
    news_region: bool = False,
) -> Element:
    return Element(
        kind=kind,
        text=text,
        name=name,
        href=href if href.startswith("http") or not href else BASE + href.lstrip("/"),
        landmark=landmark,
        box=Box(100, y, width, height),
        visible=visible,
        hidden_container=hidden,
        covered=covered,
        font_size=font,
        selector=f"a.{text[:8]}",
        in_article=in_article,
        dated=dated,
        news_region=news_region,
    )


def block(text: str, *, landmark: str = "main", y: float = 400) -> Element:
    return Element(kind="block", text=text, landmark=landmark, box=Box(40, y, 600, 40))


def page(
    path: str = "",
    *,
    depth: int = 0,
    title: str = "Solby kommun",
    headings: tuple[str, ...] = (),
    elements: tuple[Element, ...] = (),
    text: str = "",
    via_text: str = "",
    parent: str = "",
) -> PageSnapshot:
    url = BASE + path.lstrip("/")
    body = text or " ".join(e.text for e in elements)
    return PageSnapshot(
        url=url,
        final_url=url,
        depth=depth,
        status=200,
        title=title,
        headings=tuple(Heading(1 if i == 0 else 2, h) for i, h in enumerate(headings)),
        elements=elements,
        text=body,
        main_text=body,
        via_text=via_text,
        via_url=url if depth else "",
        parent_url=parent,
        screenshot="snapshots/x/page-0.png" if depth == 0 else "",
        consent=ConsentAction(found=False) if depth == 0 else None,
    )


def site(*pages: PageSnapshot, name: str = "Solby", country: str = "SE") -> SiteSnapshot:
    return SiteSnapshot(
        municipality=Municipality("0001", name, country, "Testlän", BASE),
        pages=pages,
        started_at="2026-11-01T00:00:00+00:00",
        finished_at="2026-11-01T00:00:05+00:00",
    )


def without_clock(results: list[dict]) -> list[dict]:
    """Results with the wall-clock fields removed, so two crawls of the same sites compare equal."""
    timeless = []
    for result in results:
        attempts = [{k: v for k, v in a.items() if k not in ("started_at", "finished_at")} for a in result["attempts"]]
        timeless.append({**{k: v for k, v in result.items() if k != "crawled_at"}, "attempts": attempts})
    return timeless
