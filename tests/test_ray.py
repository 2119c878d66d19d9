"""The Ray engine on a local two-worker Ray instance: one worker killed mid-run, every site done
exactly once, and the same results as the local engine."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
from pathlib import Path

import pytest
import ray  # the test set-up installs the optional extra: a missing Ray fails, never skips
from builders import CRITERIA, without_clock  # noqa: E402
from hostile import HostileServer  # noqa: E402

from audit.crawl_types import CrawlOptions  # noqa: E402
from audit.models import Municipality  # noqa: E402
from audit.pipeline import crawl, prepare_run_dir, score  # noqa: E402

pytestmark = pytest.mark.browser
OPTIONS = CrawlOptions(concurrency=2, allow_private_network=True, mobile=False, page_timeout_s=10)


def _ledger_ids(run_dir: Path) -> list[str]:
    with sqlite3.connect(run_dir / "ledger.sqlite") as conn:
        return [row[0] for row in conn.execute("SELECT id FROM sites ORDER BY id")]


def _results(run_dir: Path) -> list[dict]:
    score(run_dir, CRITERIA)
    return without_clock(json.loads((run_dir / "results.json").read_text(encoding="utf-8"))["results"])


def test_ray_engine_survives_a_killed_worker_and_matches_the_local_engine(tmp_path):
    from audit.engines import ray_engine

    with HostileServer() as server:
        munis = [Municipality(f"{i:03d}", f"site{i}", "SE", "Testlän", server.url(f"ray{i}")) for i in range(10)]
        local, distributed = tmp_path / "local", tmp_path / "ray"
        for run in (local, distributed):
            prepare_run_dir(run, munis, {"settings": {}}, resume=False)
        crawl(local, munis, CRITERIA, OPTIONS)

        ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
        try:
            actors = ray_engine.start_actors(CRITERIA, OPTIONS, workers=2)
            victim = ray.get(actors[0].pid.remote())
            delivered: list[str] = []

            def on_done(captured):
                delivered.append(captured.result.municipality.id)
                if len(delivered) == 2:
                    os.kill(victim, signal.SIGKILL)  # a worker dies with sites in flight

            from audit.archive import Ledger, write_captured

            ledger = Ledger(distributed)
            try:
                ray_engine.crawl_with_ray(
                    munis,
                    CRITERIA,
                    OPTIONS,
                    lambda c: (write_captured(distributed, c, ledger), on_done(c)),
                    actors=actors,
                )
            finally:
                ledger.close()
            assert ray.get(actors[0].pid.remote()) != victim  # the actor was restarted
        finally:
            ray.shutdown()

    assert sorted(delivered) == [m.id for m in munis]  # every site exactly once
    assert _ledger_ids(distributed) == [m.id for m in munis]
    assert _results(distributed) == _results(local)
