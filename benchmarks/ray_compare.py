"""The Ray engine against the local one: the same generated nation crawled by each, in one run.

    python benchmarks/ray_compare.py --sites 400 [--workers 2] [--out benchmarks/results/ray-400.json]

Both crawl with ``audit crawl`` (no scoring, no report) at the default concurrency; Ray runs a
local cluster with ``--workers`` crawl actors. Reported: each wall time, their ratio, and that
the Ray run's ledger holds every site exactly once.
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from nation import NationServer  # noqa: E402
from run import measured  # noqa: E402


def crawl(csv_path: Path, out: Path, log: Path, *engine: str) -> float:
    cmd = [sys.executable, "-m", "audit", "crawl", str(csv_path), "--out", str(out), "--allow-private-network"]
    figures = measured([*cmd, "--quiet", *engine], log=log, sample=False)
    if figures["rc"] != 0:
        raise SystemExit(f"the crawl failed (exit {figures['rc']}); see {log}")
    return float(figures["wall_s"])


def ledger_ids(run_dir: Path) -> list[str]:
    with sqlite3.connect(run_dir / "ledger.sqlite") as conn:
        return [row[0] for row in conn.execute("SELECT id FROM sites")]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sites", type=int, default=400)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out", type=Path, default=None)
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="audit-ray-"))
    with NationServer(args.sites, args.seed) as server:
        server.warm()
        server.write_csv(tmp / "list.csv")
        local = crawl(tmp / "list.csv", tmp / "local", tmp / "local.log")
        print(f"local: {local} s", file=sys.stderr)
        ray = crawl(tmp / "list.csv", tmp / "ray", tmp / "ray.log", "--engine", "ray", "--workers", str(args.workers))
        print(f"ray: {ray} s", file=sys.stderr)
    ids = ledger_ids(tmp / "ray")
    result = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "cpus": os.cpu_count(),
        "sites": args.sites,
        "workers": args.workers,
        "local_wall_s": local,
        "ray_wall_s": ray,
        "ratio_ray_local": round(ray / local, 3),
        "ledger_rows": len(ids),
        "every_site_exactly_once": len(ids) == len(set(ids)) == args.sites,
    }
    print(json.dumps(result, indent=1))
    out = args.out or HERE / "results" / f"ray-{args.sites}.json"
    out.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
