"""Closing a cookie banner the way the rubric says: with its least-consent choice, never "accept all".

``consent.js`` finds the controls of fixed, sticky or dialog containers (also in open shadow roots)
and marks them so one can be clicked; the marks are removed again afterwards, so the DOM the run
keeps is the site's own.
"""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Any

from playwright.async_api import Error as PlaywrightError
from playwright.async_api import Frame, Page

from audit.crawler.pool import bounded
from audit.criteria import Vocabulary
from audit.models import ConsentAction
from audit.text import find_terms, fold

_CONSENT_JS = (Path(__file__).parents[1] / "consent.js").read_text(encoding="utf-8")
_MARK = "data-audit-consent"
_UNMARK_JS = f"""() => {{
  const roots = [document];
  for (let k = 0; k < roots.length && roots.length < 200; k++)
    for (const host of roots[k].querySelectorAll("*")) if (host.shadowRoot) roots.push(host.shadowRoot);
  for (const r of roots) for (const el of r.querySelectorAll("[{_MARK}]")) el.removeAttribute("{_MARK}");
}}"""


def least_consent_choice(candidates: list[dict[str, Any]], vocab: Vocabulary) -> dict[str, Any] | None | bool:
    """The control to click (pure): the first tier of least-consent words that a banner offers.

    False when no banner was found; None when a banner offers no least-consent choice.
    """
    banners = [c for c in candidates if find_terms(c["banner_text"], vocab.consent_banner)]
    if not banners:
        return False
    for tier in vocab.consent_least:
        for cand in banners:
            label = fold(cand["text"])
            # Never a control that gives consent ("Acceptera alla"), whatever else its label says.
            if find_terms(label, vocab.consent_accept, whole_word=True):
                continue
            if any(label == w or label.startswith(w + " ") or w in label for w in tier):
                return cand
    return None


async def close_consent(page: Page, vocab: Vocabulary) -> ConsentAction | None:
    """Close a cookie banner with its least-consent choice; None when there is none.

    The main document is searched first, then every frame: consent managers often live in an
    iframe of their own.
    """
    for frame in page.frames:
        try:
            candidates: list[dict[str, Any]] = (
                await bounded(frame.evaluate(_CONSENT_JS, {"markers": list(vocab.consent_marker)}), 3.0) or []
            )
        except PlaywrightError:
            continue  # a frame detached or still loading
        try:
            choice = least_consent_choice(candidates, vocab)
            if choice is None:
                return ConsentAction(
                    found=True, closed=False, detail="a cookie banner offered no least-consent choice; left open"
                )
            if isinstance(choice, dict):
                return await _click(page, frame, choice)
        finally:
            with contextlib.suppress(PlaywrightError):
                await bounded(frame.evaluate(_UNMARK_JS), 2.0)
    return None


async def _click(page: Page, frame: Frame, cand: dict[str, Any]) -> ConsentAction:
    selector = f"[{_MARK}='{int(cand['index'])}']"
    try:
        try:
            await frame.click(selector, timeout=3000)
        except PlaywrightError:
            # On a busy machine the button may not settle within the wait; a resident clicks it anyway.
            await frame.click(selector, timeout=3000, force=True)
        await page.wait_for_timeout(300)
    except PlaywrightError as exc:
        return ConsentAction(found=True, clicked=cand["text"], closed=False, detail=str(exc).splitlines()[0])
    still = False
    with contextlib.suppress(PlaywrightError):  # the locator pierces open shadow roots
        still = not frame.is_detached() and await frame.locator(selector).first.is_visible(timeout=1000)
    return ConsentAction(
        found=True,
        clicked=cand["text"],
        closed=not still,
        detail="" if not still else "the banner stayed visible after the click",
    )
