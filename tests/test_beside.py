"""Beside the score, in a real browser against sites on 127.0.0.1: the axe-core WCAG scan, the
accessibility statement, and whether the service entry needs JavaScript."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from audit.cli import app

SITES = Path(__file__).parent / "sites_a11y"
pytestmark = pytest.mark.browser


def _run(out: Path, *extra: str) -> dict[str, dict[str, Any]]:
    from audit.demo import materialise_list
    from audit.demo.server import DemoServer, free_closed_port

    with DemoServer(SITES) as server:
        listing = materialise_list(SITES / "municipalities.csv", out / "list.csv", server.port, free_closed_port())
        args = ["run", str(listing), "--out", str(out / "run"), "--allow-private-network", "--quiet", *extra]
        result = CliRunner().invoke(app, args, catch_exceptions=False)
        assert result.exit_code == 0, result.output
    document = json.loads((out / "run" / "results.json").read_text(encoding="utf-8"))
    return {r["municipality"]["id"]: r for r in document["results"]} | {"_run": document["run"], "_dir": out / "run"}


@pytest.fixture(scope="module")
def scanned(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, Any]]:
    return _run(tmp_path_factory.mktemp("wcag"), "--wcag")


def _rules(result: dict[str, Any], role: str) -> set[str]:
    page = next(p for p in result["wcag"] if p["role"] == role)
    assert page["error"] == ""
    return {v["rule"] for v in page["violations"]}


def _beside(result: dict[str, Any], name: str) -> dict[str, Any]:
    return next(o for o in result["beside"] if o["criterion"] == name)


def test_a_page_with_known_violations_reports_exactly_those_rules(scanned: dict[str, Any]) -> None:
    assert _rules(scanned["9201"], "homepage") == {"html-has-lang", "image-alt", "color-contrast", "label"}
    impacts = {v["rule"]: v["impact"] for p in scanned["9201"]["wcag"] for v in p["violations"]}
    assert impacts["image-alt"] == "critical" and impacts["html-has-lang"] == "serious"
    first = next(v for v in scanned["9201"]["wcag"][0]["violations"] if v["rule"] == "image-alt")
    assert first["count"] == 1 and first["nodes"][0]["target"] == "img" and first["help_url"].startswith("https://")


def test_clean_pages_report_none_and_the_service_page_is_scanned_too(scanned: dict[str, Any]) -> None:
    assert _rules(scanned["9202"], "homepage") == set()
    assert _rules(scanned["9202"], "service") == set()
    assert scanned["_run"]["axe_version"].count(".") == 2  # recorded from the package that ships axe-core


def test_the_statement_link_is_flagged_when_missing_and_passes_with_evidence(scanned: dict[str, Any]) -> None:
    missing = _beside(scanned["9201"], "accessibility_statement")
    assert missing["verdict"] == "fail" and missing["reason"]["code"] == "beside.no_statement_link"
    found = _beside(scanned["9202"], "accessibility_statement")
    assert found["verdict"] == "pass" and found["reason"]["code"] == "beside.statement_complete"
    assert found["evidence"][0]["text"] == "Tillgänglighetsredogörelse"
    assert found["evidence"][1]["url"].endswith("/tillganglighet/")


def test_an_entry_built_by_script_needs_javascript_and_a_static_one_does_not(scanned: dict[str, Any]) -> None:
    scripted = _beside(scanned["9203"], "entry_without_javascript")
    assert scripted["verdict"] == "fail" and scripted["reason"]["code"] == "beside.entry_needs_js"
    assert scanned["9203"]["score"] == scanned["9202"]["score"]  # beside the score, never part of it
    static = _beside(scanned["9202"], "entry_without_javascript")
    assert static["verdict"] == "pass" and static["evidence"][1]["url"].endswith("/kundtjanst/")


def test_the_report_shows_the_scan_and_the_overview_charts(scanned: dict[str, Any]) -> None:
    run = scanned["_dir"]
    page = (run / "municipalities" / "9201.html").read_text(encoding="utf-8")
    assert 'id="beside"' in page and "image-alt" in page and "html-has-lang" in page
    index = (run / "index.html").read_text(encoding="utf-8")
    assert (
        'id="accessibility"' in index and 'id="chart-wcag-sites-cap"' in index and 'id="chart-wcag-rules-cap"' in index
    )


def test_without_wcag_nothing_is_scanned_and_the_statement_is_only_linked(tmp_path: Path) -> None:
    plain = _run(tmp_path)
    assert plain["9202"]["wcag"] == [] and plain["_run"]["axe_version"] is None
    linked = _beside(plain["9202"], "accessibility_statement")
    assert linked["verdict"] == "pass" and linked["reason"]["code"] == "beside.statement_linked"
