"""Menus whose links are fetched when they are opened: the homepage's links a resident reaches by
one click on the menu button, which no collection of the page as loaded can see.

A menu button (``aria-expanded="false"`` with ``aria-controls``) whose panel is empty (no link, no
form, a few words at most such as "Loading…") is clicked once, after the homepage was recorded as it first appears (screenshots and the first
sight are never touched). The page's collector then reads the links again, and those it did not
have before are added to the homepage's links as hidden behind a click: on the front page, not at
first sight.
"""

from __future__ import annotations

import contextlib
from dataclasses import replace

from playwright.async_api import Error as PlaywrightError
from playwright.async_api import Page

from audit.crawler.collect import collect, to_element
from audit.crawler.pool import bounded
from audit.criteria import Vocabulary
from audit.models import Element, PageSnapshot

_MAX_MENUS = 3
_LOAD_MS = 1500
# More text than this in a closed panel is content of its own (a search box's help, a language list).
_EMPTY_TEXT = 40

# A menu button: a button (never a submit) or an element with the button role, closed, naming its panel.
_MENU_BUTTON = (
    'button[aria-expanded="false"][aria-controls]:not([type=submit]), '
    '[role=button][aria-expanded="false"][aria-controls]:not(a)'
)

_EMPTY_MENUS_JS = """([most, selector]) => {
  const out = [];
  const buttons = document.querySelectorAll(selector);
  for (const b of buttons) {
    // A link dressed as a button navigates; only a button that stays on the page is clicked.
    if (b.closest("a[href]")) continue;
    const id = b.getAttribute("aria-controls");
    const panel = id && document.getElementById(id);
    if (!panel || panel.querySelector("a[href], input, select, textarea") || (panel.textContent || "").trim().length > most) continue;
    // A submit button in a form would send the form rather than open a menu.
    if (b.tagName === "BUTTON" && b.closest("form") && !b.getAttribute("type")) continue;
    if (!out.includes(id)) out.push(id);
  }
  return out;
}"""


async def open_empty_menus(page: Page, home: PageSnapshot, vocab: Vocabulary, flags: list[str]) -> PageSnapshot:
    """The homepage with the links of its on-demand menus added (unchanged when it has none)."""
    try:
        ids = (await bounded(page.evaluate(_EMPTY_MENUS_JS, [_EMPTY_TEXT, _MENU_BUTTON]), 3)) or []
    except PlaywrightError:
        return home
    for menu in ids[:_MAX_MENUS]:
        if page.url != home.final_url:
            break  # a click took the tab elsewhere: what it shows now is not the homepage
        await _open(page, menu)
    known = {e.href for e in home.elements if e.kind == "link"}
    added: list[Element] = []
    if ids and page.url == home.final_url:
        # The page's own collector reads what the clicks revealed (landmarks, names, boxes as
        # everywhere else); the links it did not have before stand behind a click.
        with contextlib.suppress(PlaywrightError, KeyError):
            for el in (await collect(page, vocab, links_only=True))["elements"]:
                link = to_element(el)
                if link.kind == "link" and link.href and link.href not in known:
                    known.add(link.href)
                    added.append(replace(link, visible=False, hidden_container=True))
    if not added:
        return home
    flags.append(f"menu_links_loaded:{len(added)}")
    return replace(home, elements=(*home.elements, *added))


async def _open(page: Page, menu: str) -> None:
    """Click the button of one menu and wait for its panel to fill."""
    button = page.locator(_MENU_BUTTON).and_(page.locator(f'[aria-controls="{_css_string(menu)}"]'))
    with contextlib.suppress(PlaywrightError):
        await button.filter(visible=True).first.click(timeout=2000)
        await page.wait_for_function(
            "(id) => { const p = document.getElementById(id); return !!p && !!p.querySelector('a[href]'); }",
            arg=menu,
            timeout=_LOAD_MS,
        )


def _css_string(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"')
