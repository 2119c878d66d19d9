"""The homepage screenshot of a municipality page, with the evidence elements outlined.

Boxes are in CSS pixels of the first screen the crawler captured (1366x768 by default). They
are turned into percentages of that screen, so an SVG laid over the image scales with it at
any width and no image processing is needed. Each distinct element gets one number, shared
by every criterion that relied on it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from audit.models import Box, Evidence, SiteResult
from audit.report.i18n import Strings
from audit.report.safety import asset_href, clean_text
from audit.report.view import Run

BoxKey = tuple[int, int, int, int]


@dataclass(frozen=True)
class ShotBox:
    """An outline over the screenshot, in percent of the screen so it scales with the image."""

    number: int
    x: str
    y: str
    width: str
    height: str
    label_y: str
    label_dy: str
    caption: str


@dataclass(frozen=True)
class Shot:
    """The screenshot as an image link with its alt text, pixel size and boxes."""

    src: str
    alt: str
    width: int
    height: int
    boxes: tuple[ShotBox, ...]


def box_key(box: Box) -> BoxKey:
    """The box rounded to whole pixels: evidence for several criteria often names one element."""
    return (round(box.x), round(box.y), round(box.width), round(box.height))


def on_homepage(site: SiteResult, ev: Evidence) -> bool:
    """True when ``ev`` has a box that belongs on the homepage screenshot."""
    # A box is in pixels of the screen its screenshot shows; draw it only over the homepage's.
    if ev.box is None:
        return False
    return ev.screenshot == site.screenshot if ev.screenshot else ev.depth == 0


def number_boxes(site: SiteResult, screen: tuple[int, int]) -> dict[BoxKey, int]:
    """Number the distinct evidence boxes 1, 2, ... in criterion order (one number per element).

    Only boxes that can be drawn on the first screen get a number, so no evidence says "box 2"
    while the screenshot shows none."""
    numbers: dict[BoxKey, int] = {}
    for outcome in site.outcomes:
        for ev in outcome.evidence:
            if ev.box is not None and on_homepage(site, ev) and _visible_part(box_key(ev.box), screen):
                numbers.setdefault(box_key(ev.box), len(numbers) + 1)
    return numbers


def _visible_part(key: BoxKey, screen: tuple[int, int]) -> tuple[int, int, int, int] | None:
    """The part of the box inside the first screen (left, top, right, bottom), or None."""
    x, y, w, h = key
    left, top = max(x, 0), max(y, 0)
    right, bottom = min(x + w, screen[0]), min(y + h, screen[1])
    return (left, top, right, bottom) if right > left and bottom > top else None


def build_shot(
    site: SiteResult,
    run: Run,
    t: Strings,
    exists: Callable[[str], bool],
    numbers: Mapping[BoxKey, int],
    name: str,
) -> Shot | None:
    """The homepage screenshot with its numbered boxes, or None when there is no usable image
    (no path, an unsafe path, or ``exists(path)`` says the file is missing)."""
    src = asset_href(site.screenshot, "../")
    if src is None or not exists(site.screenshot):
        return None
    width, height = run.viewport
    boxes: list[ShotBox] = []
    captions = _box_captions(site, t)
    for key, number in numbers.items():
        box = _scaled(key, number, (width, height), captions.get(key, ""), t)
        if box is not None:
            boxes.append(box)
    alt = t("screenshot_alt", name=name, width=width, height=height)
    return Shot(src, alt, width, height, tuple(boxes))


def _box_captions(site: SiteResult, t: Strings) -> dict[BoxKey, str]:
    """Each box's text: the element's words and the criteria it is evidence for."""
    texts: dict[BoxKey, str] = {}
    crits: dict[BoxKey, list[str]] = {}
    for outcome in site.outcomes:
        for ev in outcome.evidence:
            if ev.box is None or not on_homepage(site, ev):
                continue
            key = box_key(ev.box)
            texts.setdefault(key, clean_text(ev.text, 120))
            names = crits.setdefault(key, [])
            short = t.get(f"crit_{outcome.criterion}", clean_text(outcome.criterion, 64))
            if short not in names:
                names.append(short)
    return {k: t("box_caption", text=texts[k] or "\u2013", criteria=", ".join(v)) for k, v in crits.items()}


def _scaled(key: BoxKey, number: int, screen: tuple[int, int], caption: str, t: Strings) -> ShotBox | None:
    sw, sh = screen
    # Clip to the first screen; a box entirely outside it cannot be drawn on the screenshot.
    part = _visible_part(key, screen)
    if part is None:
        return None
    left, top, right, bottom = part
    below = top < 18  # no room above the box for its number: put the number under it

    def pct(value: float, whole: int) -> str:
        return f"{100 * value / whole:.3f}%"

    return ShotBox(
        number=number,
        x=pct(left, sw),
        y=pct(top, sh),
        width=pct(right - left, sw),
        height=pct(bottom - top, sh),
        label_y=pct(bottom if below else top, sh),
        label_dy="16" if below else "-5",
        caption=t("box_item", n=number, caption=caption),
    )
