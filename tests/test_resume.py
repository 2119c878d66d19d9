"""Durability: ``kill -9`` mid-run then ``--resume`` gives the uninterrupted results, each site once;
a browser killed mid-crawl is relaunched and the run goes on."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from builders import CRITERIA, without_clock
from hostile import HostileServer

from audit.crawl_types import Captured, CrawlOptions
from audit.crawler.runner import crawl_sites
from audit.models import Municipality, SiteStatus

pytestmark = pytest.mark.browser
SITES = [f"site{i}" for i in range(10)]


def _write_list(path: Path, server: HostileServer) -> Path:
    lines = ["id,name,country,region,url"] + [f"{i:04d},{s},SE,Testlän,{server.url(s)}" for i, s in enumerate(SITES)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _audit(*args: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-m", "audit", *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def _done(run_dir: Path) -> int:
    db = run_dir / "ledger.sqlite"
    if not db.exists():
        return 0
    try:
        with sqlite3.connect(db, timeout=1) as conn:
            return int(conn.execute("SELECT count(*) FROM sites").fetchone()[0])
    except sqlite3.Error:
        return 0


def _results(run_dir: Path) -> list[dict]:
    subprocess.run([sys.executable, "-m", "audit", "score", str(run_dir), "--quiet"], check=True)
    return without_clock(json.loads((run_dir / "results.json").read_text(encoding="utf-8"))["results"])


def test_kill_and_resume_matches_an_uninterrupted_run(tmp_path):
    with HostileServer() as server:
        listing = _write_list(tmp_path / "list.csv", server)
        common = ["--allow-private-network", "--concurrency", "2", "--quiet"]
        whole = tmp_path / "whole"
        assert _audit("crawl", str(listing), "--out", str(whole), *common).wait(timeout=240) == 0
        hits_whole = sum(server.hits[f"{s}/"] for s in SITES)

        broken = tmp_path / "broken"
        proc = _audit("crawl", str(listing), "--out", str(broken), *common)
        deadline = time.monotonic() + 120
        while _done(broken) < 3 and time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.05)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        finished_before = _done(broken)
        assert 3 <= finished_before < len(SITES), "the kill must land mid-run"
        before = {s: server.hits[f"{s}/"] for s in SITES}

        resumed = _audit("crawl", str(listing), "--out", str(broken), "--resume", *common)
        assert resumed.wait(timeout=240) == 0, resumed.stderr.read().decode() if resumed.stderr else ""

        # Sites finished before the kill are not fetched again; every site has one ledger row.
        refetched = sum(server.hits[f"{s}/"] - before[s] for s in SITES)
        assert refetched == len(SITES) - finished_before
        assert hits_whole == len(SITES)
    assert _done(broken) == len(SITES)
    assert not list(broken.rglob("*.tmp")), "no temporary (truncated) files are left behind"
    assert _results(broken) == _results(whole)


def _chromium_pids() -> list[int]:
    """Browser (not renderer) processes started below this test process."""
    me, pids = os.getpid(), []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmd = (entry / "cmdline").read_bytes().split(b"\0")
            stat = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if any(b"remote-debugging-pipe" in c for c in cmd) and not any(c.startswith(b"--type=") for c in cmd):
            ppid = int(stat[1])
            # the browser is a child of Playwright's driver, which is a child of this process
            try:
                grand = int((Path("/proc") / str(ppid) / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except OSError:
                continue
            if me in (ppid, grand):
                pids.append(int(entry.name))
    return pids


def test_browser_killed_mid_crawl_is_relaunched_and_the_run_completes():
    results: list[Captured] = []
    with HostileServer() as server:
        munis = [Municipality(f"c{i}", f"c{i}", "SE", "", server.url(f"crash{i}")) for i in range(6)]
        options = CrawlOptions(concurrency=2, page_timeout_s=5, allow_private_network=True, mobile=False)

        def on_done(captured: Captured) -> None:
            results.append(captured)
            if len(results) == 1:
                for pid in _chromium_pids():
                    os.kill(pid, signal.SIGKILL)

        asyncio.run(crawl_sites(munis, CRITERIA, options, on_done))
    assert sorted(c.result.municipality.id for c in results) == [f"c{i}" for i in range(6)]
    statuses = [c.result.status for c in results]
    assert statuses.count(SiteStatus.OK) >= 4  # the sites after the crash are crawled normally
    assert set(statuses) <= {SiteStatus.OK, SiteStatus.BROWSER_CRASH}
