"""The HTML report: content, ranking, languages, comparison and resistance to hostile page text."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup, Tag
from report_fixtures import (
    FORMULA,
    IMG_ATTR,
    JS_URL,
    RLO,
    SCRIPT_TITLE,
    build_previous,
    build_results,
    write_screenshots,
)

from audit.errors import AuditError, InputError
from audit.exports import write_exports
from audit.report import render_report, safe_href
from audit.report.i18n import LANGUAGES, check_strings, load_strings
from audit.report.safety import asset_href, clean_text, is_safe_id

CSP = (
    "default-src 'none'; img-src 'self' data:; style-src 'self'; script-src 'self'; base-uri 'none'; form-action 'none'"
)
EXTERNAL_REL = {"noopener", "noreferrer", "nofollow"}


@pytest.fixture
def results() -> dict[str, Any]:
    return build_results()


def _render(tmp_path: Path, results: dict[str, Any], **kwargs: Any) -> Path:
    write_screenshots(tmp_path)
    return render_report(tmp_path, results, **kwargs)


def _soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "lxml")


def _all_pages(run_dir: Path) -> list[Path]:
    return [
        run_dir / "index.html",
        run_dir / "method.html",
        *sorted(run_dir.glob("municipalities/*.html")),
    ]


def _ranking_rows(soup: BeautifulSoup) -> list[Tag]:
    table = soup.find("table", id="ranking-table")
    assert isinstance(table, Tag)
    return list(table.select("tbody tr"))


def _names(rows: list[Tag]) -> list[str]:
    return [row.select_one("th[scope=row]").get_text(" ", strip=True) for row in rows]  # type: ignore[union-attr]


# --- the ranked table ---------------------------------------------------------------------------


def test_ranked_table_is_in_rank_order_with_shared_ranks(tmp_path: Path, results: dict[str, Any]) -> None:
    soup = _soup(_render(tmp_path, results, lang="en"))
    rows = _ranking_rows(soup)
    ranks = [row.select_one("td.rank").contents[0].get_text(strip=True) for row in rows]  # type: ignore[union-attr]
    assert ranks == ["1", "=2", "=2", "4", "5", "6"]
    # While a phone check or a review is pending, the ranks a municipality can still reach.
    ranges = [r.select_one(".rank-range") for r in rows]
    assert [x.get_text(strip=True) if x else "" for x in ranges] == ["", "", "", "may end 2–4", "may end 4–5", ""]
    names = _names(rows)
    assert names[:4] == ["Upplands Väsby", "Vallentuna", "Österåker", "Värmdö"]
    scores = [row.select_one(".score-value").get_text(strip=True) for row in rows]  # type: ignore[union-attr]
    assert scores == ["5", "4", "4", "3", "2", "0"]


def test_table_is_accessible_and_sortable_without_inline_code(tmp_path: Path, results: dict[str, Any]) -> None:
    soup = _soup(_render(tmp_path, results, lang="en"))
    table = soup.find("table", id="ranking-table")
    assert isinstance(table, Tag)
    assert table.caption is not None and table.caption.get_text(strip=True)
    heads = table.select("thead th")
    assert all(th.get("scope") == "col" for th in heads)
    assert all(th.find("button", attrs={"type": "button"}) for th in heads)
    assert [th.get("aria-sort") for th in heads if th.get("aria-sort")] == ["ascending"]
    for control in ("filter-region", "filter-min", "filter-criterion", "filter-verdict"):
        assert soup.find("label", attrs={"for": control}), control
        assert soup.find(id=control).name == "select"  # type: ignore[union-attr]


def test_marks_carry_words_not_just_colour(tmp_path: Path, results: dict[str, Any]) -> None:
    soup = _soup(_render(tmp_path, results, lang="en"))
    cells = soup.select("#ranking-table td[data-criterion]")
    assert len(cells) == 6 * 5
    words = {cell.get_text(" ", strip=True) for cell in cells}
    assert {"✓ Yes", "✗ No", "? Review", "☎ Awaiting call"} <= words


def test_not_assessed_are_listed_with_reason_and_never_ranked(tmp_path: Path, results: dict[str, Any]) -> None:
    soup = _soup(_render(tmp_path, results, lang="en"))
    ranked = " ".join(_names(_ranking_rows(soup)))
    table = soup.find("table", id="not-assessed-table")
    assert isinstance(table, Tag)
    rows = {r.th.get_text(" ", strip=True).split(" ")[0]: r for r in table.select("tbody tr")}  # type: ignore[union-attr]
    assert set(rows) == {"Huddinge", "Botkyrka", "Salem"}
    for name in rows:
        assert name not in ranked
    assert "DNS lookup failed" in rows["Huddinge"].get_text()
    assert "Domain name not found" in rows["Huddinge"].get_text()
    assert "Check the address in the municipality list" in rows["Huddinge"].get_text()
    assert "Blocked by the site" in rows["Botkyrka"].get_text()
    assert "Timed out" in rows["Salem"].get_text()


def test_provisional_and_needs_review_are_flagged(tmp_path: Path, results: dict[str, Any]) -> None:
    soup = _soup(_render(tmp_path, results, lang="en"))
    rows = dict(zip(_names(_ranking_rows(soup)), _ranking_rows(soup), strict=True))
    varmdo = rows["Värmdö"]
    assert varmdo.select_one(".flag-provisional").get_text(strip=True) == "provisional"  # type: ignore[union-attr]
    assert sum(1 for r in rows.values() if r.select_one(".flag-provisional")) == 1
    hostile = next(r for n, r in rows.items() if n.startswith("</title>"))
    assert hostile.select_one(".flag-review") is not None
    page = _soup(tmp_path / "municipalities" / "0120.html")
    assert "This score is provisional" in page.get_text()


def test_call_list_has_awaiting_municipalities_with_switchboard(tmp_path: Path, results: dict[str, Any]) -> None:
    index = _soup(_render(tmp_path, results, lang="en"))
    # The call list is for the research team: its own page, out of the public menu and overview.
    assert not index.select("#call-list-table") and not index.select('a[href*="calls"]')
    rows = _soup(tmp_path / "calls.html").select("#call-list-table tbody tr")
    assert len(rows) == 1
    assert "Värmdö" in rows[0].get_text() and "08-570 470 00" in rows[0].get_text()


def test_overview_charts_are_accessible_svg_with_table_fallback(tmp_path: Path, results: dict[str, Any]) -> None:
    soup = _soup(_render(tmp_path, results, lang="en"))
    charts = soup.select("svg.chart")
    assert len(charts) == 3
    for svg in charts:
        assert svg.get("role") == "img"
        assert svg.find("title") is not None and svg.get("aria-labelledby")
        assert svg.get("style") is None and not svg.select("[style]")
        figure = svg.find_parent("figure")
        assert figure is not None and figure.find("table") is not None
    hist = soup.select_one("#chart-hist-cap").find_parent("figure").find("table")  # type: ignore[union-attr]
    counts = [row.select("td")[0].get_text() for row in hist.select("tbody tr")]  # type: ignore[union-attr]
    assert counts == ["1", "0", "1", "1", "2", "1"]
    region = soup.select_one("#chart-region-cap").find_parent("figure").get_text()  # type: ignore[union-attr]
    assert "Stockholms län" in region and "Uppsala län" in region


# --- municipality pages -------------------------------------------------------------------------


def test_municipality_page_shows_verdicts_sources_and_evidence(tmp_path: Path, results: dict[str, Any]) -> None:
    _render(tmp_path, results, lang="en")
    page = _soup(tmp_path / "municipalities" / "0114.html")
    text = page.get_text(" ", strip=True)
    assert page.h1.get_text(strip=True) == "Upplands Väsby"  # type: ignore[union-attr]
    assert "Phone check" in text and "2025-03-04" in text and "K. Lind" in text
    assert "Anna Berg, enhetschef" in text
    assert "“Kontaktcenter”" in text and "header" in text and "1110, 20 pixels" in text
    assert "hjalp med, telefon, e-post, oppet" in text
    img = page.select_one(".shot img")
    assert img is not None and img["src"] == "../snapshots/0114/home.png" and img["alt"]
    rect = page.select(".shot-overlay rect")[-1]
    assert rect["x"] == "81.259%" and str(rect["width"]).endswith("%")
    assert "Box 1:" in page.select_one(".box-list").get_text()  # type: ignore[union-attr]
    link = page.find("a", href="https://www.upplandsvasby.se/kontaktcenter")
    assert link is not None


def test_override_is_shown_with_who_when_why(tmp_path: Path, results: dict[str, Any]) -> None:
    _render(tmp_path, results, lang="en")
    article = _soup(tmp_path / "municipalities" / "0117.html").find(id="criterion-easy_to_find")
    text = article.get_text(" ", strip=True)  # type: ignore[union-attr]
    assert "A researcher's decision" in text and "M. Researcher" in text and "2025-03-06" in text
    assert "sticky banner" in text and "The tool's own verdict Needs review" in text


def test_advice_is_shown_for_failed_criteria_in_the_chosen_language(tmp_path: Path, results: dict[str, Any]) -> None:
    _render(tmp_path, results, lang="sv")
    page = _soup(tmp_path / "municipalities" / "0115.html")
    advice: dict[str, str] = {}
    for box in page.select(".advice"):
        article = box.find_parent("article")
        assert article is not None
        advice[str(article["id"])] = box.get_text(" ", strip=True)
    assert list(advice) == ["criterion-easy_to_find"]
    sv = next(c for c in results["criteria"] if c["id"] == "easy_to_find")["advice"]["sv"]
    assert sv in advice["criterion-easy_to_find"]
    assert page.html["lang"] == "sv"  # type: ignore[index]
    all_failed = _soup(tmp_path / "municipalities" / "0125.html").select(".advice")
    assert len(all_failed) == 5


def test_not_assessed_page_explains_status(tmp_path: Path, results: dict[str, Any]) -> None:
    _render(tmp_path, results, lang="en")
    text = _soup(tmp_path / "municipalities" / "0126.html").get_text(" ", strip=True)
    assert "could not be assessed" in text and "DNS lookup failed" in text
    assert "The five criteria" not in text


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_language_renders_completely(tmp_path: Path, results: dict[str, Any], lang: str) -> None:
    _render(tmp_path, results, lang=lang)
    for path in _all_pages(tmp_path):
        soup = _soup(path)
        assert soup.html["lang"] == lang  # type: ignore[index]
        assert len(soup.find_all("h1")) == 1
        assert "{" not in soup.get_text().replace(IMG_ATTR, ""), path.name


def test_language_defaults_to_run_language_then_english(tmp_path: Path, results: dict[str, Any]) -> None:
    assert _soup(_render(tmp_path, results)).html["lang"] == "sv"  # type: ignore[index]
    results["run"]["language"] = "xx"
    assert _soup(render_report(tmp_path, results)).html["lang"] == "en"  # type: ignore[index]
    with pytest.raises(AuditError):
        render_report(tmp_path, results, lang="de")


def test_i18n_has_every_key_in_every_language() -> None:
    strings = load_strings()
    keys = set(strings["en"])
    assert all(set(strings[lang]) == keys for lang in LANGUAGES)
    broken = {lang: dict(strings[lang]) for lang in LANGUAGES}
    del broken["fi"]["ranking_title"]
    broken["da"]["rank_of"] = "{rank}"
    with pytest.raises(AuditError, match="da: 'rank_of' has placeholders.*fi: missing key 'ranking_title'"):
        check_strings(
            {
                "en": broken["en"],
                "sv": broken["sv"],
                "nb": broken["nb"],
                "da": broken["da"],
                "fi": broken["fi"],
            }
        )


def test_comparison_shows_rank_and_score_change_and_criteria(tmp_path: Path, results: dict[str, Any]) -> None:
    soup = _soup(_render(tmp_path, results, lang="en", compare=build_previous(results)))
    rows = dict(zip(_names(_ranking_rows(soup)), _ranking_rows(soup), strict=True))
    vasby = rows["Upplands Väsby"].select_one(".change-cell").get_text(" ", strip=True)  # type: ignore[union-attr]
    assert "up 1 (was 2)" in vasby and "score +1" in vasby and "Gained: Responsible person" in vasby
    valle = rows["Vallentuna"].select_one(".change-cell").get_text(" ", strip=True)  # type: ignore[union-attr]
    assert "down 1 (was 1)" in valle and "Lost: Easy to find" in valle
    assert "2024-03-01" in soup.get_text()
    page = _soup(tmp_path / "municipalities" / "0114.html").get_text(" ", strip=True)
    assert "Change since the previous run" in page and "up 1 (was 2)" in page


def test_without_comparison_there_is_no_change_column(tmp_path: Path, results: dict[str, Any]) -> None:
    soup = _soup(_render(tmp_path, results, lang="en"))
    assert not soup.select(".change-cell")
    assert "Change" not in [th.get_text(strip=True) for th in soup.select("#ranking-table thead th")]


def test_method_page_comes_from_criteria_and_run_metadata(tmp_path: Path, results: dict[str, Any]) -> None:
    _render(tmp_path, results, lang="en")
    text = _soup(tmp_path / "method.html").get_text(" ", strip=True)
    for criterion in results["criteria"]:
        assert criterion["question"]["en"] in text
        assert criterion["passes_when"]["en"] in text
    assert "Checklist version 1.0" in text and "Tool version 0.1.0" in text
    assert "2025-03-01 08:00 UTC" in text and "2025-03-01 09:12 UTC" in text
    assert "c" * 64 in text and "Chromium 131.0.6778.85" in text and "run-0001" in text
    assert "Accessibility engine (axe-core) not used in this run" in text
    assert "1366 × 768" in text and "Each page had 15 s" in text
    # The words behind "or similar", as the rubric writes them, and how to object.
    assert "kundtjänst" in text and "Comments and objections" in text
    assert "/tmp" not in text and "/home" not in text


def test_output_is_deterministic(tmp_path: Path, results: dict[str, Any]) -> None:
    first, second = tmp_path / "a", tmp_path / "b"
    _render(first, results, lang="en")
    _render(second, results, lang="en")
    for path in [*_all_pages(first), first / "report.css", first / "report.js"]:
        assert path.read_bytes() == (second / path.relative_to(first)).read_bytes()


# --- hostile input ------------------------------------------------------------------------------


def test_only_the_report_script_and_no_event_handlers(tmp_path: Path, results: dict[str, Any]) -> None:
    _render(tmp_path, results, lang="en")
    for path in _all_pages(tmp_path):
        soup = _soup(path)
        scripts = soup.find_all("script")
        assert [s.get("src") for s in scripts] in (["report.js"], ["../report.js"]), path.name
        assert all(not s.string for s in scripts)
        for tag in soup.find_all(True):
            assert not [a for a in tag.attrs if a.lower().startswith("on")], (path.name, tag.name)
            assert "style" not in tag.attrs, (path.name, tag.name)
        assert not soup.find("style")
        assert not soup.find("img", src="x")


def test_csp_meta_and_links_are_safe(tmp_path: Path, results: dict[str, Any]) -> None:
    _render(tmp_path, results, lang="en")
    for path in _all_pages(tmp_path):
        soup = _soup(path)
        meta = soup.find("meta", attrs={"http-equiv": "Content-Security-Policy"})
        assert meta is not None and meta["content"] == CSP
        for a in soup.find_all("a", href=True):
            href = str(a["href"])
            scheme = re.match(r"^([a-zA-Z][a-zA-Z0-9+.-]*):", href)
            assert scheme is None or scheme.group(1) in ("http", "https"), (path.name, href)
            if scheme:
                assert set(a.get_attribute_list("rel")) == EXTERNAL_REL, (path.name, href)
        for tag in soup.find_all(src=True):
            assert not re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", str(tag["src"])), tag["src"]


def test_hostile_payloads_appear_only_as_text(tmp_path: Path, results: dict[str, Any]) -> None:
    _render(tmp_path, results, lang="en")
    index = (tmp_path / "index.html").read_text(encoding="utf-8")
    page_path = tmp_path / "municipalities" / "0123.html"
    page = page_path.read_text(encoding="utf-8")
    assert "<script>alert" not in index + page
    assert "<img src=x" not in page
    soup = _soup(page_path)
    assert soup.title.get_text().startswith(SCRIPT_TITLE)  # type: ignore[union-attr]
    assert soup.h1.get_text() == SCRIPT_TITLE  # type: ignore[union-attr]
    assert "“" + IMG_ATTR + "”" in soup.get_text()
    assert JS_URL in soup.get_text() and not soup.find("a", href=JS_URL)
    assert "data:text/html,x" in soup.get_text() and not soup.find("a", href=re.compile("^data:"))
    assert FORMULA in _soup(tmp_path / "index.html").get_text()


def test_bidi_controls_stripped_and_long_text_truncated(tmp_path: Path, results: dict[str, Any]) -> None:
    _render(tmp_path, results, lang="en")
    for path in _all_pages(tmp_path):
        text = path.read_text(encoding="utf-8")
        assert RLO not in text and "\x00" not in text
    page = _soup(tmp_path / "municipalities" / "0123.html")
    longest = max((len(s) for s in page.stripped_strings), default=0)
    assert longest <= 502
    assert any(s.endswith("…") for s in page.stripped_strings)
    assert "Uppsala län" in page.get_text()


def test_unsafe_ids_get_no_page_and_a_recorded_problem(tmp_path: Path, results: dict[str, Any]) -> None:
    results["results"][1]["municipality"]["id"] = "../../evil"
    results["results"][2]["municipality"]["id"] = "0114"
    _render(tmp_path, results, lang="en")
    pages = sorted(p.name for p in (tmp_path / "municipalities").iterdir())
    assert "0114.html" in pages and not any("evil" in p for p in pages)
    assert not (tmp_path.parent / "evil.html").exists()
    assert len(pages) == 7
    method = _soup(tmp_path / "method.html").get_text(" ", strip=True)
    assert "unsafe municipality id '../../evil'" in method and "duplicate municipality id '0114'" in method
    rows = dict(
        zip(
            _names(_ranking_rows(_soup(tmp_path / "index.html"))),
            _ranking_rows(_soup(tmp_path / "index.html")),
            strict=True,
        )
    )
    assert rows["Vallentuna"].find("a") is None


def test_undecodable_results_raise_input_error(tmp_path: Path, results: dict[str, Any]) -> None:
    results["results"][0]["status"] = "exploded"
    with pytest.raises(InputError, match="result 0"):
        render_report(tmp_path, results)


# --- helpers ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://www.solna.se/kontakt", "https://www.solna.se/kontakt"),
        ("http://example.org", "http://example.org"),
        ("HTTPS://EXAMPLE.ORG/a?b=c#d", "HTTPS://EXAMPLE.ORG/a?b=c#d"),
        (JS_URL, None),
        (" javascript:alert(1)", None),
        ("java\tscript:alert(1)", None),
        ("JaVaScRiPt:alert(1)", None),
        ("data:text/html,<script>alert(1)</script>", None),
        ("vbscript:msgbox", None),
        ("//evil.example/x", None),
        ("/relative/path", None),
        ("https://", None),
        ("https://exa mple.org", None),
        ("https://example.org/\u202egpj.exe", None),
        ("https://example.org/" + "a" * 3000, None),
        ("", None),
    ],
)
def test_safe_href(url: str, expected: str | None) -> None:
    assert safe_href(url) == expected


def test_clean_text_and_ids_and_assets() -> None:
    assert clean_text("a\u202eb\u2066c\x00d\x07e\n f") == "abcde f"
    assert clean_text("x" * 600) == "x" * 499 + "…"
    assert clean_text(None) == ""
    assert is_safe_id("0114") and is_safe_id("K-01_a")
    assert not is_safe_id("../x") and not is_safe_id("a" * 33) and not is_safe_id("0114\n")
    assert asset_href("snapshots/0114/home.png", "../") == "../snapshots/0114/home.png"
    for bad in (
        "/etc/passwd",
        "../x.png",
        "snapshots/../../x.png",
        "javascript:alert(1)",
        "a\\b.png",
        "",
    ):
        assert asset_href(bad) is None, bad


# --- publication: fairness, the press, the web editor ---------------------------------------------


def test_a_preliminary_report_says_so_and_averages_only_settled_results(
    tmp_path: Path, results: dict[str, Any]
) -> None:
    soup = _soup(_render(tmp_path, results, lang="en"))
    banner = soup.select_one("#preliminary")
    assert banner is not None and "Preliminary results" in banner.get_text()
    assert "2 of 6 results are not final" in banner.get_text()
    figures = {
        dt.get_text(strip=True): dd.get_text(strip=True)
        for dt, dd in zip(soup.select(".figures dt"), soup.select(".figures dd"), strict=True)
    }
    # Settled: 5, 4, 4, 0 -> 3.25; the pending 3 and 2 are left out until decided.
    assert figures["Average score"] == "3.2" and figures["All 5 criteria met"] == "1"
    assert "settled results only (4 of 6 municipalities)" in soup.get_text()


def test_a_settled_report_has_no_preliminary_banner(tmp_path: Path, results: dict[str, Any]) -> None:
    settled = [e for e in results["results"] if e["municipality"]["id"] not in ("0120", "0123")]
    soup = _soup(_render(tmp_path, {**results, "results": settled}, lang="en"))
    assert soup.select_one("#preliminary") is None and ".rank-range" not in str(soup.select(".ranking"))


def test_regional_averages_of_fewer_than_three_are_marked(tmp_path: Path, results: dict[str, Any]) -> None:
    text = _soup(_render(tmp_path, results, lang="en")).get_text(" ", strip=True)
    assert "too few to compare" in text


def test_title_names_the_publisher_and_date_and_a_press_summary_is_ready(
    tmp_path: Path, results: dict[str, Any]
) -> None:
    results["run"]["publisher"] = "Konsumentrådet"
    write_exports(tmp_path, results)
    soup = _soup(_render(tmp_path, results, lang="en"))
    assert "Konsumentrådet" in soup.title.get_text() and "2025-03-01" in soup.title.get_text()  # type: ignore[union-attr]
    summary = soup.select_one("#summary").get_text(" ", strip=True)  # type: ignore[union-attr]
    assert "Highest score: Upplands Väsby (5 of 5)." in summary
    assert "6 of 9 municipalities were assessed" in summary and "Preliminary: 2 results" in summary
    downloads = [a["href"] for a in soup.select("#downloads a")]
    assert "results.csv" in downloads and "CODEBOOK.md" in downloads


def test_a_not_assessed_page_shows_every_attempt_with_times(tmp_path: Path, results: dict[str, Any]) -> None:
    _render(tmp_path, results, lang="en")
    rows = _soup(tmp_path / "municipalities" / "0127.html").select("#attempts-table tbody tr")
    assert len(rows) == 2
    assert "2025-03-01 08:10 UTC" in rows[0].get_text() and "2025-03-01 09:05 UTC" in rows[1].get_text()


def test_evidence_names_the_page_selector_and_position_in_words(tmp_path: Path, results: dict[str, Any]) -> None:
    _render(tmp_path, results, lang="en")
    text = _soup(tmp_path / "municipalities" / "0114.html").get_text(" ", strip=True)
    assert "Element (CSS selector) header nav a.kontaktcenter" in text
    assert "Found on the page https://www.upplandsvasby.se/" in text
    assert "in the first screen" in text or "below the first screen" in text


def test_no_evidence_claims_a_box_the_screenshot_does_not_show(tmp_path: Path, results: dict[str, Any]) -> None:
    _render(tmp_path, results, lang="en")
    for page in sorted((tmp_path / "municipalities").glob("*.html")):
        soup = _soup(page)
        drawn = len(soup.select(".box-list li"))
        claimed = {n.get_text() for n in soup.select(".box-note")}
        assert drawn or not claimed, page.name
