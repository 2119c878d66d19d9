"""The rendered report in a real Chromium: axe-core finds no violations, the table is visible and
a phone-width window needs no horizontal scrolling. Screenshots go to tests/output/screenshots/."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from report_fixtures import build_previous, build_results, write_screenshots

from audit.report import render_report

pytestmark = pytest.mark.browser

import axe_playwright_python.sync_playwright as axe_api  # noqa: E402 - after the marker, on purpose
from browsers import sync_chromium  # noqa: E402

SCREENSHOTS = Path(__file__).resolve().parent / "output" / "screenshots"
SIZES = {"desktop": (1366, 768), "phone": (390, 844)}
PAGES = {
    "index": "index.html",
    "method": "method.html",
    "municipality": "municipalities/0114.html",
    "hostile": "municipalities/0123.html",
    "not-assessed": "municipalities/0127.html",
}


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("report")
    results = build_results()
    write_screenshots(folder)
    render_report(folder, results, lang="sv", compare=build_previous(results))
    return folder


@pytest.fixture(scope="module")
def browser(demo_run: Path) -> Iterator[Any]:
    # The demo is crawled (by asyncio) before this module's synchronous browser starts its loop.
    with sync_chromium() as instance:
        yield instance


def _open(browser: Any, run_dir: Path, page: str, size: tuple[int, int]) -> Any:
    context = browser.new_context(viewport={"width": size[0], "height": size[1]})
    tab = context.new_page()
    errors: list[str] = []
    tab.on("pageerror", lambda exc: errors.append(str(exc)))
    tab.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    tab.goto((run_dir / PAGES[page]).as_uri())
    tab.wait_for_load_state("load")
    tab.errors = errors
    return tab


@pytest.mark.parametrize("page", list(PAGES))
@pytest.mark.parametrize("size", list(SIZES))
def test_axe_finds_no_violations(browser: Any, run_dir: Path, page: str, size: str) -> None:
    tab = _open(browser, run_dir, page, SIZES[size])
    try:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        tab.screenshot(path=str(SCREENSHOTS / f"{page}-{size}.png"), full_page=True)
        # The CSP must not have blocked our own stylesheet or script, and nothing else may run.
        # (Checked before axe runs: axe fetches stylesheets itself, which the CSP rightly blocks.)
        assert tab.errors == []
        results = axe_api.Axe().run(tab)
        violations = results.response["violations"]
        if violations:
            print(results.generate_snapshot())
            for violation in violations:
                for node in violation["nodes"][:5]:
                    print(violation["id"], node["target"], node.get("failureSummary", ""))
        assert violations == []
        width = SIZES[size][0]
        assert tab.evaluate("document.scrollingElement.scrollWidth") <= width + 1
    finally:
        tab.context.close()


@pytest.mark.parametrize("size", list(SIZES))
def test_ranking_table_is_visible_and_styled(browser: Any, run_dir: Path, size: str) -> None:
    tab = _open(browser, run_dir, "index", SIZES[size])
    try:
        table = tab.locator("#ranking-table")
        assert table.is_visible()
        tab.locator("#ranking-table").scroll_into_view_if_needed()
        tab.screenshot(path=str(SCREENSHOTS / f"ranking-{size}.png"))
        # report.css loaded (file:// with style-src 'self'): the skip link is moved off screen.
        top = tab.evaluate("getComputedStyle(document.querySelector('.skip-link')).top")
        assert top.startswith("-")
    finally:
        tab.context.close()


def test_script_sorts_and_filters_the_table(browser: Any, run_dir: Path) -> None:
    tab = _open(browser, run_dir, "index", SIZES["desktop"])
    try:
        assert tab.locator("#filters").is_visible()  # report.js ran and revealed the controls
        names = (
            "Array.from(document.querySelectorAll('#ranking-table tbody tr:not([hidden]) th'))"
            ".map(th => th.textContent.trim())"
        )
        tab.locator("#ranking-table thead th:nth-child(2) button").click()
        assert tab.evaluate(names)[0].startswith("</title>")
        sort = "document.querySelector('#ranking-table th:nth-child(2)').getAttribute('aria-sort')"
        assert tab.evaluate(sort) == "ascending"
        tab.locator("#ranking-table thead th:nth-child(1) button").click()
        tab.select_option("#filter-min", "4")
        assert tab.evaluate(names) == ["Upplands Väsby", "Vallentuna", "Österåker"]
        tab.select_option("#filter-min", "0")
        tab.select_option("#filter-criterion", "responsible_person")
        tab.select_option("#filter-verdict", "awaiting")
        assert tab.evaluate(names) == ["Värmdö"]
        assert "1" in tab.locator("#table-status").inner_text()
        tab.locator("#filter-reset").click()
        assert len(tab.evaluate(names)) == 6
    finally:
        tab.context.close()


DEMO_PAGES = [
    "index.html",
    "method.html",
    "municipalities/2909.html",
    "municipalities/0903.html",
    "municipalities/2911.html",
    "municipalities/903.html",
]


@pytest.mark.parametrize("page", DEMO_PAGES)
def test_the_demo_report_itself_passes_axe(browser: Any, demo_run: Path, page: str) -> None:
    """The report of a real crawl (real screenshots, real evidence), not only the fixture."""
    context = browser.new_context(viewport={"width": 1366, "height": 768})
    tab = context.new_page()
    try:
        tab.goto((demo_run / page).as_uri())
        tab.wait_for_load_state("load")
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        tab.screenshot(path=str(SCREENSHOTS / f"demo-{page.replace('/', '-')}.png"), full_page=True)
        violations = axe_api.Axe().run(tab).response["violations"]
        assert violations == [], [(v["id"], [n["target"] for n in v["nodes"][:3]]) for v in violations]
    finally:
        context.close()


A4_PRINTABLE_PX = round((210 - 2 * 12) / 25.4 * 96)  # A4 portrait less 12 mm margins, in CSS pixels


def test_the_print_view_fits_the_ranking_on_a4(browser: Any, run_dir: Path) -> None:
    tab = _open(browser, run_dir, "index", (A4_PRINTABLE_PX, 1000))
    try:
        tab.emulate_media(media="print")
        table = tab.evaluate(
            "(() => { const t = document.querySelector('#ranking-table'); "
            "return [t.getBoundingClientRect().right, t.scrollWidth]; })()"
        )
        assert table[0] <= A4_PRINTABLE_PX + 1 and table[1] <= A4_PRINTABLE_PX + 1, table
        assert tab.evaluate("document.scrollingElement.scrollWidth") <= A4_PRINTABLE_PX + 1
        assert not tab.locator(".site-nav").is_visible() and not tab.locator("#filters").is_visible()
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        tab.pdf(path=str(SCREENSHOTS.parent / "report-a4.pdf"), format="A4")
    finally:
        tab.context.close()


def test_the_preliminary_banner_is_in_the_first_screen(browser: Any, run_dir: Path) -> None:
    tab = _open(browser, run_dir, "index", SIZES["desktop"])
    try:
        banner = tab.locator("#preliminary")
        assert banner.is_visible()
        box = banner.bounding_box()
        assert box is not None and box["y"] + box["height"] <= SIZES["desktop"][1]
        assert "Preliminära resultat" in banner.inner_text()
    finally:
        tab.context.close()
