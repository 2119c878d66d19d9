"""Hostile pages end to end, and the private-network guard against a redirect."""

from __future__ import annotations

import asyncio
import csv
import json

import pytest
from bs4 import BeautifulSoup
from builders import CRITERIA
from hostile import HostileServer

from audit.archive import load_site
from audit.crawl_types import CrawlOptions
from audit.crawler.runner import crawl_sites
from audit.models import Municipality, SiteStatus
from audit.pipeline import crawl, prepare_run_dir, report, score

pytestmark = pytest.mark.browser


def test_crawled_strings_cannot_run_in_the_report_or_become_formulas(tmp_path):
    with HostileServer() as server:
        muni = Municipality("0001", "Evil", "SE", "Testlän", server.url("xss"))
        prepare_run_dir(tmp_path, [muni], {"settings": {}, "language": "sv"}, resume=False)
        crawl(tmp_path, [muni], CRITERIA, CrawlOptions(concurrency=1, allow_private_network=True, mobile=False))
    results = score(tmp_path, CRITERIA)
    report(tmp_path, results)
    for page in ("index.html", "municipalities/0001.html", "method.html"):
        soup = BeautifulSoup((tmp_path / page).read_text(encoding="utf-8"), "lxml")
        scripts = [s.get("src") for s in soup.find_all("script")]
        assert all(src and src.endswith("report.js") for src in scripts), (page, scripts)
        for tag in soup.find_all(True):
            assert not any(a.lower().startswith("on") for a in tag.attrs), (page, tag.name, tag.attrs)
            href = tag.get("href")
            if href and ":" in href.split("/")[0]:
                assert href.startswith(("http://", "https://")), (page, href)
    page_text = (tmp_path / "municipalities/0001.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(1)" in page_text or "alert(1)" not in page_text
    with (tmp_path / "verdicts.csv").open(encoding="utf-8") as fh:
        cells = [c for row in csv.reader(fh) for c in row]
    assert any("HYPERLINK" in c for c in cells)
    assert not any(c.startswith(("=", "+", "-", "@")) for c in cells)


def test_redirect_from_a_public_name_into_loopback_is_refused():
    # portal.test does not resolve here, so the pre-flight check lets it through; Chromium maps
    # it to 127.0.0.1 and the site redirects to a loopback address, which the guard must catch.
    results = []
    with HostileServer() as server:
        muni = Municipality("p", "p", "SE", "", f"http://portal.test:{server.port}/")
        options = CrawlOptions(
            concurrency=1,
            allow_private_network=False,
            mobile=False,
            obey_robots=False,
            chromium_args=("--host-resolver-rules=MAP portal.test 127.0.0.1",),
        )
        asyncio.run(crawl_sites([muni], CRITERIA, options, results.append))
    captured = results[0]
    assert captured.result.status is SiteStatus.PRIVATE_NETWORK
    assert "127.0.0.1" in captured.result.detail
    assert not captured.blobs  # nothing from the private address is archived


def test_redirect_of_a_followed_page_into_loopback_stores_nothing_from_it():
    # The homepage is public (portalfollow.test, which Chromium maps to 127.0.0.1 while the
    # pre-flight check cannot resolve it); its service link answers 302 -> http://127.0.0.1/.
    results = []
    with HostileServer() as server:
        muni = Municipality("pf", "Portalkommun", "SE", "", f"http://portalfollow.test:{server.port}/")
        options = CrawlOptions(
            concurrency=1,
            allow_private_network=False,
            mobile=False,
            obey_robots=False,
            chromium_args=("--host-resolver-rules=MAP portalfollow.test 127.0.0.1",),
        )
        asyncio.run(crawl_sites([muni], CRITERIA, options, results.append))
    captured = results[0]
    assert captured.result.status is SiteStatus.OK
    assert all(p.final_url.startswith("http://portalfollow.test:") for p in captured.result.pages)
    assert all("HEMLIG" not in p.text for p in captured.result.pages)
    assert not any(b"HEMLIG" in blob for blob in captured.blobs.values())
    assert not any(b"HEMLIG" in entry.body for entry in captured.warc)
    assert any(flag.startswith("private_redirect_refused") for flag in captured.result.flags)


def test_a_run_where_every_site_fails_ends_and_says_so(tmp_path):
    from typer.testing import CliRunner

    from audit.cli import app
    from audit.demo.server import free_closed_port

    listing = tmp_path / "list.csv"
    rows = [f"000{i},Stängd {i},SE,Testlän,http://closed{i}.localhost:{free_closed_port()}/" for i in range(3)]
    listing.write_text("id,name,country,region,url\n" + "\n".join(rows) + "\n", encoding="utf-8")
    out = tmp_path / "out"
    args = ["run", str(listing), "--out", str(out), "--allow-private-network", "--quiet"]
    assert CliRunner().invoke(app, args).exit_code == 0
    results = json.loads((out / "results.json").read_text(encoding="utf-8"))["results"]
    assert [r["status"] for r in results] == ["connect_error"] * 3
    assert all(r["score"] is None and r["rank"] is None for r in results)
    again = ["run", str(listing), "--out", str(tmp_path / "again"), "--allow-private-network", "--quiet", "--strict"]
    assert CliRunner().invoke(app, again).exit_code == 3
    assert load_site(out, "0001").status is SiteStatus.CONNECT_ERROR


def test_unwritable_output_fails_before_any_crawling(tmp_path):
    from typer.testing import CliRunner

    from audit.cli import app

    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    listing = tmp_path / "list.csv"
    listing.write_text("id,name,country,region,url\n0001,A,SE,L,https://a.example/\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["run", str(listing), "--out", str(blocker / "run")])
    assert result.exit_code == 1 and "cannot write" in result.output
