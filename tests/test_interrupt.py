"""Ctrl-C in a real run: it stops promptly, records nothing false, and --resume finishes the rest.

The run is a subprocess in its own session, so SIGINT can be sent to its whole process group as a
terminal does (the Playwright driver and Chromium included), or to the process alone.
"""

from __future__ import annotations

import csv
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from audit.demo import MUNICIPALITIES, SITES, materialise_list
from audit.demo.server import DemoServer, free_closed_port

pytestmark = pytest.mark.browser
LABELS = Path(__file__).resolve().parents[1] / "calibration" / "demo" / "labels.csv"
AUDIT = [sys.executable, "-m", "audit"]


def _expected_status() -> dict[str, str]:
    with LABELS.open(encoding="utf-8", newline="") as fh:
        return {row["id"]: row["status"] for row in csv.DictReader(fh)}


def _ledger(run: Path) -> dict[str, tuple[str, str]]:
    path = run / "ledger.sqlite"
    if not path.exists():
        return {}
    try:
        with sqlite3.connect(path) as conn:
            return {r[0]: (r[1], r[2]) for r in conn.execute("SELECT id, status, finished_at FROM sites")}
    except sqlite3.OperationalError:
        return {}  # the table is being created


def _start(listing: Path, run: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [*AUDIT, "run", str(listing), "--out", str(run), "--allow-private-network", "--concurrency", "2", "--quiet"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )


def _interrupt_after(proc: subprocess.Popen[str], run: Path, done: int, *, group: bool) -> tuple[int, str, float]:
    deadline = time.monotonic() + 240
    while len(_ledger(run)) < done:
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline, "the run made no progress"
        time.sleep(0.2)
    sent = time.monotonic()
    if group:
        os.killpg(proc.pid, signal.SIGINT)
    else:
        os.kill(proc.pid, signal.SIGINT)
    _, stderr = proc.communicate(timeout=60)
    return proc.returncode, stderr, time.monotonic() - sent


@pytest.mark.parametrize("group", [True, False], ids=["process-group", "process-alone"])
def test_ctrl_c_records_nothing_false_and_resume_finishes_every_site_once(tmp_path: Path, group: bool) -> None:
    expected = _expected_status()
    run = tmp_path / "run"
    with DemoServer(SITES) as server:
        listing = materialise_list(MUNICIPALITIES, tmp_path / "list.csv", server.port, free_closed_port())
        proc = _start(listing, run)
        try:
            code, stderr, took = _interrupt_after(proc, run, 3, group=group)
        finally:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGKILL)
        assert code == 130, stderr
        assert took < 30, f"took {took:.1f} s to stop"
        first = _ledger(run)
        assert f"interrupted: {len(first)} of 30 done; run again with --resume" in stderr
        assert 3 <= len(first) < 30
        for mid, (status, _) in first.items():
            assert status == expected[mid], (mid, status)  # no healthy site recorded as a failure

        resumed = subprocess.run(
            [*AUDIT, "run", str(listing), "--out", str(run), "--allow-private-network", "--resume", "--quiet"],
            capture_output=True,
            text=True,
            timeout=600,
        )
    assert resumed.returncode == 0, resumed.stderr
    final = _ledger(run)
    assert set(final) == set(expected)
    for mid, row in first.items():
        assert final[mid] == row  # finished sites were not crawled again
    results = json.loads((run / "results.json").read_text(encoding="utf-8"))["results"]
    assert {r["municipality"]["id"]: r["status"] for r in results} == expected
