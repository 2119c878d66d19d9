"""The crawler against misbehaving servers on 127.0.0.1: every site ends with the right status.

One crawl covers every mode at once (as a real run would meet them), with short limits so the
whole matrix takes well under a minute.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import time
from pathlib import Path

import pytest
from builders import CRITERIA
from hostile import HostileServer

from audit.checks import run_checks
from audit.crawl_types import Captured, CrawlOptions
from audit.crawler.runner import crawl_sites
from audit.models import CrawlFailure, Municipality, SiteSnapshot, SiteStatus, Verdict

pytestmark = pytest.mark.browser

MODES = [
    "ok",
    "hang",
    "trickle",
    "hanging-iframe",
    "loop",
    "challenge",
    "ratelimit",
    "always429",
    "flaky",
    "e500",
    "e404",
    "empty",
    "pdf",
    "huge",
    "latin1",
    "frames",
    "spin",
    "spin-once",
    "metarefresh",
    "jsredirect",
    "jsmenu",
    "robots-deny",
    "robots-down",
    "shadow",
    "carousel",
    "metaloop",
]
OPTIONS = CrawlOptions(
    concurrency=4,
    page_timeout_s=7,
    site_timeout_s=40,
    settle_ms=300,
    retries=2,
    retry_after_cap_s=2,
    allow_private_network=True,
    max_pages=3,
    mobile=False,
)


@pytest.fixture(scope="module")
def crawled():
    results: dict[str, Captured] = {}
    with HostileServer() as server:
        munis = [Municipality(m.replace("-", "_"), m, "SE", "", server.url(m)) for m in MODES]
        munis.append(Municipality("dns", "dns", "SE", "", "http://nothing-here.invalid/"))
        started = time.monotonic()
        asyncio.run(crawl_sites(munis, CRITERIA, OPTIONS, lambda c: results.__setitem__(c.result.municipality.name, c)))
        elapsed = time.monotonic() - started
        yield results, server, elapsed


def status(crawled, mode):
    return crawled[0][mode].result.status


@pytest.mark.parametrize(
    ("mode", "expected"),
    [
        ("ok", SiteStatus.OK),
        ("hang", SiteStatus.TIMEOUT),
        ("loop", SiteStatus.REDIRECT_LOOP),
        ("metaloop", SiteStatus.REDIRECT_LOOP),
        ("challenge", SiteStatus.BLOCKED),
        ("always429", SiteStatus.RATE_LIMITED),
        ("e500", SiteStatus.HTTP_ERROR),
        ("e404", SiteStatus.HTTP_ERROR),
        ("empty", SiteStatus.EMPTY_PAGE),
        ("pdf", SiteStatus.NON_HTML),
        ("huge", SiteStatus.TOO_LARGE),
        ("spin", SiteStatus.PAGE_HUNG),
        ("robots-deny", SiteStatus.ROBOTS_DISALLOWED),
        ("robots-down", SiteStatus.ROBOTS_DISALLOWED),
        ("dns", SiteStatus.DNS_ERROR),
    ],
)
def test_each_failure_gets_its_status(crawled, mode, expected):
    result = crawled[0][mode].result
    assert result.status is expected, getattr(result, "detail", "")
    if expected is not SiteStatus.OK:
        assert isinstance(result, CrawlFailure) and result.detail


def test_a_site_out_of_time_is_tried_once_more_at_the_end_and_only_that_try_is_recorded(crawled):
    results, server, _ = crawled
    again = results["spin-once"].result
    assert again.status is SiteStatus.OK and "retried_after_time_limit" in again.flags
    assert server.hits["spin-once/"] == 2
    spun = results["spin"].result
    assert isinstance(spun, CrawlFailure) and spun.attempts == 2 and server.hits["spin/"] == 2


def test_http_error_keeps_the_code(crawled):
    assert crawled[0]["e404"].result.http_status == 404
    assert "404" in crawled[0]["e404"].result.detail


def test_no_retry_for_permanent_errors(crawled):
    _, server, _ = crawled
    assert server.hits["loop/"] == 1
    assert server.hits["challenge/"] == 1
    assert crawled[0]["e404"].result.attempts == 1


def test_retry_after_is_honoured_then_succeeds(crawled):
    results, server, _ = crawled
    assert results["ratelimit"].result.status is SiteStatus.OK
    first, second = server.times["ratelimit/"][:2]
    assert second - first >= 0.9  # Retry-After: 1


def test_transient_503_is_retried_until_ok(crawled):
    results, server, _ = crawled
    assert results["flaky"].result.status is SiteStatus.OK
    assert server.hits["flaky/"] == 3
    assert "attempts:3" in results["flaky"].result.flags


def test_hanging_iframe_does_not_block(crawled):
    assert status(crawled, "hanging-iframe") is SiteStatus.OK


def test_trickling_body_is_assessed_from_the_partial_dom_and_flagged(crawled):
    result = crawled[0]["trickle"].result
    assert isinstance(result, SiteSnapshot)
    assert "partial" in result.flags
    assert any(e.text == "Kontaktcenter" for e in result.homepage.elements)


def test_latin1_without_charset_header_is_decoded(crawled):
    result = crawled[0]["latin1"].result
    assert isinstance(result, SiteSnapshot)
    assert "Välkommen till Åby" in result.homepage.text
    assert result.homepage.title == "Åby kommun"


def test_frames_are_read(crawled):
    result = crawled[0]["frames"].result
    assert isinstance(result, SiteSnapshot)
    assert "frameset" in result.homepage.flags
    links = [e for e in result.homepage.elements if e.text == "Kontaktcenter"]
    assert links and links[0].frame.endswith("/top")
    assert run_checks(result, CRITERIA)["on_front_page"].verdict is Verdict.PASS


def test_meta_refresh_and_script_redirect_land_on_the_target(crawled):
    for mode in ("metarefresh", "jsredirect"):
        result = crawled[0][mode].result
        assert isinstance(result, SiteSnapshot), mode
        assert result.homepage.final_url.endswith("/ny/"), mode
        assert result.homepage.title == "Ny adress"
        assert result.homepage.redirect_chain[-1].endswith("/ny/")


def test_script_built_menu_is_seen(crawled):
    result = crawled[0]["jsmenu"].result
    assert isinstance(result, SiteSnapshot)
    assert run_checks(result, CRITERIA)["easy_to_find"].verdict is Verdict.PASS


def test_web_component_menu_and_shadow_consent_banner(crawled):
    result = crawled[0]["shadow"].result
    assert isinstance(result, SiteSnapshot)
    assert result.homepage.consent.clicked == "Endast nödvändiga" and result.homepage.consent.closed
    link = next(e for e in result.homepage.elements if e.text == "Kontaktcenter")
    assert link.landmark == "nav" and not link.covered
    assert run_checks(result, CRITERIA)["easy_to_find"].verdict is Verdict.PASS


def test_entry_clipped_by_a_carousel_is_not_visible(crawled):
    result = crawled[0]["carousel"].result
    link = next(e for e in result.homepage.elements if e.text == "Kontaktcenter")
    assert link.box.x < 1366 and link.hidden_container  # inside the window, but clipped away
    verdicts = run_checks(result, CRITERIA)
    assert verdicts["on_front_page"].verdict is Verdict.PASS
    assert verdicts["easy_to_find"].verdict is Verdict.FAIL


def test_service_page_is_followed_and_archived(crawled):
    captured = crawled[0]["ok"]
    result = captured.result
    assert [p.depth for p in result.pages][:2] == [0, 1]
    assert result.pages[1].title == "Kontaktcenter"
    assert any(k.endswith("page-0.png") for k in captured.blobs)
    assert {w.kind for w in captured.warc} == {"response", "resource"}


def test_homepage_screenshots_are_the_first_screen_and_the_page_capped_in_height(crawled):
    import struct

    captured = crawled[0]["ok"]
    home = captured.result.pages[0]
    png, jpg = captured.blobs[home.screenshot], captured.blobs[home.full_screenshot]
    assert png.startswith(b"\x89PNG") and struct.unpack(">II", png[16:24]) == tuple(CRITERIA.settings.viewport)
    assert jpg.startswith(b"\xff\xd8") and home.full_screenshot.endswith("-full.jpg")
    # The JPEG's frame header (SOF0) holds its height and width.
    sof = jpg.index(b"\xff\xc0")
    height, width = struct.unpack(">HH", jpg[sof + 5 : sof + 9])
    # Drawn at a reduced scale: the page's width, and at most the height cap, times that scale.
    assert abs(width - CRITERIA.settings.viewport[0] * OPTIONS.full_page_scale) <= 1  # Chromium rounds
    assert 0 < height <= OPTIONS.full_page_max_px * OPTIONS.full_page_scale + 1


def test_one_bad_site_cannot_stall_the_run(crawled):
    from datetime import datetime

    hang = crawled[0]["hang"].result
    took = (datetime.fromisoformat(hang.finished_at) - datetime.fromisoformat(hang.started_at)).total_seconds()
    # The server would hold the connection for 60 s; the page limit (7 s) ends the site long
    # before that, even on a loaded machine (context, robots.txt and classification included).
    assert took < 30
    assert len(crawled[0]) == len(MODES) + 1


def test_private_addresses_are_refused_without_the_flag():
    results: list[Captured] = []
    with HostileServer() as server:
        muni = Municipality("p", "p", "SE", "", server.url("ok"))
        options = CrawlOptions(concurrency=1, page_timeout_s=3, allow_private_network=False, mobile=False)
        asyncio.run(crawl_sites([muni], CRITERIA, options, results.append))
        assert server.hits["ok/"] == 0  # refused before any request
    assert results[0].result.status is SiteStatus.PRIVATE_NETWORK


def test_blocked_sites_get_a_recheck_pass_reported_separately(tmp_path):
    import json

    from audit.archive import load_site
    from audit.pipeline import crawl, prepare_run_dir

    with HostileServer() as server:
        munis = [
            Municipality("once", "once", "SE", "", server.url("challenge_once")),
            Municipality("always", "always", "SE", "", server.url("challenge")),
        ]
        prepare_run_dir(tmp_path, munis, {"settings": {}}, resume=False)
        crawl(tmp_path, munis, CRITERIA, OPTIONS)
    recovered, still = load_site(tmp_path, "once"), load_site(tmp_path, "always")
    assert recovered.status is SiteStatus.OK and "rechecked" in recovered.flags
    assert still.status is SiteStatus.BLOCKED
    recheck = json.loads((tmp_path / "run.json").read_text(encoding="utf-8"))["recheck"]
    assert recheck[0]["sites"] == {"once": "ok", "always": "blocked"}


def _children_environments() -> dict[str, str]:
    """Each direct child process's command name and NODE_OPTIONS, read from /proc."""
    found = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError):
            fields = stat.read_text().rsplit(")", 1)[1].split()
            if int(fields[1]) == os.getpid():
                env = dict(
                    item.split("=", 1)
                    for item in (stat.parent / "environ").read_bytes().decode("utf-8", "replace").split("\0")
                    if "=" in item
                )
                found[stat.parent.joinpath("comm").read_text().strip()] = env.get("NODE_OPTIONS", "")
    return found


def test_the_driver_starts_with_bounded_heap_settings_and_the_environment_is_restored(monkeypatch):
    """Node's heap bounds reach Playwright's driver (a user's own options after them), and only it."""
    from audit.crawler.pool import DRIVER_NODE_OPTIONS, BrowserPool

    monkeypatch.setenv("NODE_OPTIONS", "--trace-warnings")

    async def driver_environment() -> dict[str, str]:
        async with BrowserPool():
            return _children_environments()

    found = asyncio.run(driver_environment())
    drivers = [options for name, options in found.items() if name.startswith("node")]
    assert drivers == [f"{DRIVER_NODE_OPTIONS} --trace-warnings"]
    assert os.environ["NODE_OPTIONS"] == "--trace-warnings"
