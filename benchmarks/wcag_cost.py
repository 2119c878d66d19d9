"""What --wcag costs: the same generated nation crawled without and with the scan, in one run.

The scan (axe-core on the homepage and the service page, and the accessibility statement
opened) may add at most 25 % wall time; without it nothing changes. Runs alternate
(off, on, off, on ...) so a slow minute of the machine hits both alike; the figure is the
ratio of the summed wall times.

    python benchmarks/wcag_cost.py --sites 40 [--rounds 1] [--out benchmarks/results/wcag-40.json]
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from nation import NationServer  # noqa: E402
from run import measured  # noqa: E402

LIMIT = 1.25


def crawl(csv_path: Path, out: Path, concurrency: int, wcag: bool, log: Path) -> dict[str, object]:
    cmd = [sys.executable, "-m", "audit", "crawl", str(csv_path), "--out", str(out), "--allow-private-network"]
    cmd += ["--concurrency", str(concurrency), "--quiet", *(["--wcag"] if wcag else [])]
    figures = measured(cmd, log=log, sample=False)
    if figures["rc"] != 0:
        raise SystemExit(f"the crawl failed (exit {figures['rc']}); see {log}")
    return {"wcag": wcag, "wall_s": figures["wall_s"]}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sites", type=int, default=40)
    ap.add_argument("--rounds", type=int, default=1, help="pairs of runs (off, on)")
    ap.add_argument("--concurrency", type=int, default=4)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out", type=Path, default=None)
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="audit-wcag-"))
    runs = []
    with NationServer(args.sites, args.seed) as server:
        server.warm()
        server.write_csv(tmp / "list.csv")
        for i in range(args.rounds):
            for wcag in (False, True):
                name = f"{'on' if wcag else 'off'}-{i}"
                runs.append(crawl(tmp / "list.csv", tmp / name, args.concurrency, wcag, tmp / f"{name}.log"))
                print(f"{name}: {runs[-1]['wall_s']} s", file=sys.stderr)
    off = sum(float(r["wall_s"]) for r in runs if not r["wcag"])  # type: ignore[arg-type]
    on = sum(float(r["wall_s"]) for r in runs if r["wcag"])  # type: ignore[arg-type]
    result = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {"cpus": __import__("os").cpu_count(), "python": platform.python_version()},
        "sites": args.sites,
        "concurrency": args.concurrency,
        "runs": runs,
        "ratio_with_wcag": round(on / off, 3),
        "limit": LIMIT,
        "within_limit": on / off <= LIMIT,
    }
    print(json.dumps(result, indent=1))
    out = args.out or HERE / "results" / f"wcag-{args.sites}.json"
    out.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
