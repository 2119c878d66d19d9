"""The performance benchmark: the tool on a generated nation, against the physical floor.

    /tmp/venv/bin/python benchmarks/run.py [--sites 400] [--concurrency 4] [--out benchmarks/results/latest.json]

1. serves a generated nation of ``--sites`` municipality sites on 127.0.0.1 (benchmarks/nation.py);
2. runs ``audit run LIST --out DIR --allow-private-network --concurrency C --quiet`` as a
   subprocess: wall time, and peak RSS of the whole process tree (the CLI, Playwright's driver,
   Chromium and all its children), sampled every 0.2 s;
3. runs the render floor (benchmarks/render_floor.py) on exactly the pages the tool opened, same
   concurrency, same server session: wall time;
4. re-scores the run offline (``audit score DIR``) and renders the report (``audit report DIR``),
   each timed, after the server has stopped;
5. prints a table with PASS/FAIL per target and writes the figures and machine info as JSON.

Needs psutil in the interpreter that runs this file (``pip install psutil``).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psutil

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from nation import NationServer  # noqa: E402

MIB = 1024 * 1024
TARGETS = {  # set for a 400-site run
    "ratio_tool_floor": ("<=", 1.5),
    "peak_pss_mib": ("<=", 1.2 * 1024),
    "rescore_s": ("<", 10.0),
    "report_s": ("<", 5.0),
}


class TreeSampler(threading.Thread):
    """Samples the summed RSS of a process and all its descendants every ``interval`` seconds."""

    def __init__(self, pid: int, interval: float = 0.2) -> None:
        super().__init__(daemon=True)
        self.pid, self.interval = pid, interval
        self.peak_rss = 0
        self.peak_pss = 0  # proportional set size: shared pages split between the processes sharing them
        self.peak_procs = 0
        self.samples = 0
        self.cpu: dict[int, tuple[str, float]] = {}  # pid -> (kind, last seen user+system CPU seconds)
        self._stop_event = threading.Event()

    def run(self) -> None:
        try:
            root = psutil.Process(self.pid)
        except psutil.NoSuchProcess:
            return
        while not self._stop_event.is_set():
            try:
                procs = [root, *root.children(recursive=True)]
            except psutil.NoSuchProcess:
                break
            total = pss = 0
            with_pss = self.samples % 5 == 0  # PSS reads smaps: once a second is enough
            for p in procs:
                try:
                    if p.pid not in self.cpu:
                        self.cpu[p.pid] = (_kind(p, self.pid), 0.0)
                    t = p.cpu_times()
                    self.cpu[p.pid] = (self.cpu[p.pid][0], t.user + t.system)
                    total += p.memory_info().rss
                    if with_pss:
                        pss += p.memory_full_info().pss
                except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess):
                    pass
            self.samples += 1
            self.peak_rss = max(self.peak_rss, total)
            self.peak_pss = max(self.peak_pss, pss)
            self.peak_procs = max(self.peak_procs, len(procs))
            self._stop_event.wait(self.interval)

    def stop(self) -> None:
        self._stop_event.set()
        self.join(timeout=5)

    def cpu_by_kind(self) -> dict[str, float]:
        out: dict[str, float] = {}
        for kind, secs in self.cpu.values():
            out[kind] = round(out.get(kind, 0.0) + secs, 1)
        return out


def _kind(p: psutil.Process, root_pid: int) -> str:
    """Which part of the tree a process is: the command itself, Playwright's driver, or Chromium."""
    if p.pid == root_pid:
        return "command (python)"
    try:
        name = p.name().lower()
        cmdline = " ".join(p.cmdline()).lower()
    except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess):
        return "other"
    if "chrom" in name or "chrom" in cmdline:
        if "--type=renderer" in cmdline:
            return "chromium renderers"
        return "chromium (browser, gpu, utility)"
    if "node" in name or "playwright" in cmdline:
        return "playwright driver (node)"
    return name or "other"


def measured(
    cmd: list[str], *, log: Path, sample: bool = True, timeout: float | None = None, env: dict[str, str] | None = None
) -> dict[str, Any]:
    """Run ``cmd``; return wall time, exit code, peak tree RSS and stdout (stderr goes to ``log``)."""
    started = time.monotonic()
    me = psutil.Process()
    busy0, own0 = _machine_busy(), _cpu(me)
    with open(log, "wb") as err:
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=err, stdin=subprocess.DEVNULL, env=env)
        sampler = TreeSampler(proc.pid) if sample else None
        if sampler:
            sampler.start()
        try:
            out, _ = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            for child in psutil.Process(proc.pid).children(recursive=True):
                child.kill()
            proc.kill()
            out, _ = proc.communicate()
        wall = time.monotonic() - started
        if sampler:
            sampler.stop()
    busy, own = _machine_busy() - busy0, _cpu(me) - own0
    tree_cpu = sum(sampler.cpu_by_kind().values()) if sampler else 0.0
    return {
        "cmd": cmd,
        "rc": proc.returncode,
        "wall_s": round(wall, 3),
        "stdout": out.decode("utf-8", "replace"),
        "peak_rss_mib": round(sampler.peak_rss / MIB, 1) if sampler else None,
        "peak_pss_mib": round(sampler.peak_pss / MIB, 1) if sampler else None,
        "peak_processes": sampler.peak_procs if sampler else None,
        "cpu_s_by_process": sampler.cpu_by_kind() if sampler else None,
        # Machine-wide: how busy the cores were, and how much of it was neither the measured tree
        # nor this harness (the nation server, the sampler) - another job sharing the machine.
        "machine_busy_pct": round(100 * busy / max(wall * (os.cpu_count() or 1), 1e-9), 1),
        "harness_cpu_s": round(own, 1),
        "foreign_cpu_s": round(max(0.0, busy - tree_cpu - own), 1) if sampler else None,
    }


def _machine_busy() -> float:
    t = psutil.cpu_times()
    return (
        t.user
        + t.system
        + getattr(t, "nice", 0)
        + getattr(t, "irq", 0)
        + getattr(t, "softirq", 0)
        + getattr(t, "steal", 0)
    )


def _cpu(p: psutil.Process) -> float:
    t = p.cpu_times()
    return t.user + t.system


def _find_chromium() -> str | None:
    try:
        from audit.crawler.pool import find_chromium
    except ImportError:
        return shutil.which("chromium")
    return find_chromium()


def snapshot_tool(dest: Path) -> Path:
    """Copy the installed ``audit`` package into ``dest/src/audit`` and return ``dest/src``.

    Every measured command runs with that folder first on PYTHONPATH, so the tool, the floor (which
    imports the tool's Chromium flags), score and report all see one version of the code even if
    the working tree changes while the benchmark runs (a 400-site run takes a while).
    """
    import importlib.util

    spec = importlib.util.find_spec("audit")
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit("the audit package is not installed in this interpreter")
    src = Path(list(spec.submodule_search_locations)[0])
    target = dest / "src"
    shutil.copytree(src, target / "audit", ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    return target


def machine_info() -> dict[str, Any]:
    find_chromium = _find_chromium

    cpu_model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu_model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    chromium = find_chromium()
    version = ""
    if chromium:
        try:
            version = subprocess.run([chromium, "--version"], capture_output=True, text=True, timeout=30).stdout.strip()
        except (OSError, subprocess.TimeoutExpired):
            version = "unknown"
    try:
        from importlib.metadata import version as pkg_version

        playwright_version = pkg_version("playwright")
    except Exception:  # noqa: BLE001
        playwright_version = ""
    return {
        "cpu_count": os.cpu_count(),
        "cpu_model": cpu_model,
        "total_memory_mib": round(psutil.virtual_memory().total / MIB),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "chromium": version,
        "chromium_path": chromium,
        "playwright": playwright_version,
    }


def code_fingerprint(root: Path) -> dict[str, Any]:
    """Which version of the tool was measured, without git: a hash of its sources and their newest mtime."""
    import hashlib

    files = sorted(p for p in root.rglob("*") if p.suffix in (".py", ".js", ".yaml", ".html", ".css") and p.is_file())
    digest = hashlib.sha256()
    for f in files:
        digest.update(str(f.relative_to(root)).encode())
        digest.update(f.read_bytes())
    newest = max((f.stat().st_mtime for f in files), default=0.0)
    return {
        "sources_sha256": digest.hexdigest()[:16],
        "files": len(files),
        "newest_change": datetime.fromtimestamp(newest, UTC).isoformat(timespec="seconds"),
    }


def run_facts(run_dir: Path) -> dict[str, Any]:
    """Sites assessed / not assessed, and the crawl stage's span from the run's own timestamps."""
    facts: dict[str, Any] = {}
    results = json.loads((run_dir / "results.json").read_text(encoding="utf-8"))
    rows = results["results"]
    facts["sites_assessed"] = sum(1 for r in rows if r["status"] == "ok")
    facts["sites_not_assessed"] = len(rows) - facts["sites_assessed"]
    not_ok: dict[str, int] = {}
    for r in rows:
        if r["status"] != "ok":
            not_ok[r["status"]] = not_ok.get(r["status"], 0) + 1
    facts["not_assessed_by_status"] = not_ok
    starts, ends, pages = [], [], 0
    for site_file in (run_dir / "snapshots").glob("*/site.json"):
        record = json.loads(site_file.read_text(encoding="utf-8"))["record"]
        pages += len(record.get("pages", []))
        if record.get("started_at"):
            starts.append(datetime.fromisoformat(record["started_at"]))
        if record.get("finished_at"):
            ends.append(datetime.fromisoformat(record["finished_at"]))
    facts["pages_snapshotted"] = pages
    if starts and ends:
        facts["crawl_span_s"] = (max(ends) - min(starts)).total_seconds()
    return facts


def verdict(name: str, value: float | None) -> str:
    op, limit = TARGETS[name]
    if value is None:
        return "n/a"
    ok = value <= limit if op == "<=" else value < limit
    return "PASS" if ok else "FAIL"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sites", type=int, default=400)
    ap.add_argument("--concurrency", type=int, default=4, help="as 'audit run' (its default is 4)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out", type=Path, default=HERE / "results" / "latest.json")
    ap.add_argument("--keep", action="store_true", help="keep the temporary run folder (its path is printed)")
    ap.add_argument("--timeout", type=float, default=None, help="kill the tool run after this many seconds")
    args = ap.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="audit-bench-"))
    csv_path, run_dir = tmp / "municipalities.csv", tmp / "run"
    src = snapshot_tool(tmp)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in (str(src), os.environ.get("PYTHONPATH", "")) if p)}
    # -P: not the current folder first on sys.path, where a checkout's audit/ would shadow the snapshot.
    audit = [sys.executable, "-P", "-m", "audit"]  # the snapshot, through PYTHONPATH
    figures: dict[str, Any] = {
        "sites": args.sites,
        "concurrency": args.concurrency,
        "seed": args.seed,
        "tool_code": code_fingerprint(src / "audit"),
    }
    print(
        f"benchmark: {args.sites} sites, concurrency {args.concurrency}, work folder {tmp}, "
        f"tool sources {figures['tool_code']['sources_sha256']}",
        file=sys.stderr,
    )
    ok = False
    try:
        ok = _run(args, figures, tmp, csv_path, run_dir, audit, env)
        return 0 if ok else 1
    finally:
        if not ok:  # never lose a run that failed half-way: the figures so far and the run folder stay
            figures["error"] = figures.get("error") or "the benchmark did not finish"
            partial = args.out.with_name(args.out.stem + ".partial.json")
            partial.parent.mkdir(parents=True, exist_ok=True)
            partial.write_text(json.dumps(figures, indent=1, ensure_ascii=False, default=str) + "\n", encoding="utf-8")
            print(f"incomplete; figures so far in {partial}; work folder kept: {tmp}", file=sys.stderr)
        elif args.keep:
            print(f"run folder kept: {run_dir}", file=sys.stderr)
        else:
            shutil.rmtree(tmp, ignore_errors=True)


def _run(
    args: argparse.Namespace,
    figures: dict[str, Any],
    tmp: Path,
    csv_path: Path,
    run_dir: Path,
    audit: list[str],
    env: dict[str, str],
) -> bool:
    keys = (
        "rc",
        "wall_s",
        "peak_rss_mib",
        "peak_pss_mib",
        "peak_processes",
        "cpu_s_by_process",
        "machine_busy_pct",
        "harness_cpu_s",
        "foreign_cpu_s",
    )
    with NationServer(args.sites, args.seed) as server:
        t0 = time.monotonic()
        server.warm()
        figures["nation_warm_s"] = round(time.monotonic() - t0, 2)
        server.write_csv(csv_path)
        print(
            f"nation on 127.0.0.1:{server.port} (built in {figures['nation_warm_s']} s); running the tool...",
            file=sys.stderr,
        )

        hits0 = server.hits
        tool = measured(
            [
                *audit,
                "run",
                str(csv_path),
                "--out",
                str(run_dir),
                "--allow-private-network",
                "--concurrency",
                str(args.concurrency),
                "--quiet",
            ],
            log=tmp / "tool.stderr",
            timeout=args.timeout,
            env=env,
        )
        figures["tool_requests_served"] = server.hits - hits0
        figures["tool"] = {k: tool[k] for k in keys}
        if tool["rc"] != 0 or not (run_dir / "results.json").exists():
            print(
                f"the tool failed (exit {tool['rc']}); stderr:\n{(tmp / 'tool.stderr').read_text()[-3000:]}",
                file=sys.stderr,
            )
            figures["error"] = f"audit run exited {tool['rc']}"
            return False
        print(f"tool: {tool['wall_s']:.1f} s; running the render floor...", file=sys.stderr)

        hits0 = server.hits
        floor = measured(
            [
                sys.executable,
                str(HERE / "render_floor.py"),
                str(run_dir),
                "--concurrency",
                str(args.concurrency),
                "--json",
            ],
            log=tmp / "floor.stderr",
            env=env,
        )
        figures["floor_requests_served"] = server.hits - hits0
        if floor["rc"] != 0:
            print(
                f"the render floor failed (exit {floor['rc']}):\n{(tmp / 'floor.stderr').read_text()[-3000:]}",
                file=sys.stderr,
            )
            figures["error"] = f"render floor exited {floor['rc']}"
            return False
        floor_detail = json.loads(floor["stdout"].strip().splitlines()[-1])
        floor_detail["script_wall_s"] = floor_detail.pop("wall_s", None)  # the script's own clock, inside the process
        figures["floor"] = {**floor_detail, **{k: floor[k] for k in keys if k != "rc"}}
        print(f"floor: {floor['wall_s']:.1f} s; re-scoring and reporting offline...", file=sys.stderr)

    # Offline stages, after the server is gone.
    score = measured([*audit, "score", str(run_dir), "--quiet"], log=tmp / "score.stderr", env=env)
    report = measured([*audit, "report", str(run_dir), "--quiet"], log=tmp / "report.stderr", env=env)
    for name, res in (("score", score), ("report", report)):
        if res["rc"] != 0:
            print(
                f"audit {name} failed (exit {res['rc']}):\n{(tmp / f'{name}.stderr').read_text()[-2000:]}",
                file=sys.stderr,
            )
    figures["rescore"] = {"rc": score["rc"], "wall_s": score["wall_s"], "peak_rss_mib": score["peak_rss_mib"]}
    figures["report"] = {"rc": report["rc"], "wall_s": report["wall_s"], "peak_rss_mib": report["peak_rss_mib"]}
    figures.update(run_facts(run_dir))
    figures["pages_opened"] = figures["floor"]["pages_opened"]
    figures["ratio_tool_floor"] = round(tool["wall_s"] / floor["wall_s"], 2)
    figures["peak_rss_mib"] = tool["peak_rss_mib"]
    figures["peak_pss_mib"] = tool["peak_pss_mib"]
    figures["rescore_s"] = score["wall_s"]
    figures["report_s"] = report["wall_s"]
    figures["targets"] = {
        k: {"op": op, "limit": lim, "value": figures.get(k), "verdict": verdict(k, figures.get(k))}
        for k, (op, lim) in TARGETS.items()
    }
    try:
        figures["machine"] = machine_info()
    except Exception as exc:  # noqa: BLE001 - a figure we can live without
        figures["machine"] = {"error": repr(exc)}
    figures["date"] = datetime.now(UTC).isoformat(timespec="seconds")
    figures["tool_version"] = _tool_version(audit, env)

    rows = [
        ("sites", f"{args.sites}", ""),
        ("pages opened (homepages + followed)", f"{figures['pages_opened']}", ""),
        ("tool wall time (audit run)", f"{tool['wall_s']:.1f} s", ""),
        ("  of which crawl span (site timestamps)", f"{figures.get('crawl_span_s', 0):.0f} s", ""),
        ("floor wall time", f"{floor['wall_s']:.1f} s", ""),
        (
            "ratio tool/floor",
            f"{figures['ratio_tool_floor']:.2f}",
            f"{verdict('ratio_tool_floor', figures['ratio_tool_floor'])} (<= 1.5)",
        ),
        (
            "peak PSS, tool process tree",
            f"{tool['peak_pss_mib']:.0f} MiB",
            f"{verdict('peak_pss_mib', tool['peak_pss_mib'])} (<= 1229 MiB)",
        ),
        (
            "  (summed RSS tool tree / floor tree)",
            f"{tool['peak_rss_mib']:.0f} / {floor['peak_rss_mib']:.0f} MiB",
            "informational (shared pages counted per process)",
        ),
        ("re-score (audit score)", f"{score['wall_s']:.2f} s", f"{verdict('rescore_s', score['wall_s'])} (< 10 s)"),
        ("report (audit report)", f"{report['wall_s']:.2f} s", f"{verdict('report_s', report['wall_s'])} (< 5 s)"),
        ("sites assessed / not assessed", f"{figures['sites_assessed']} / {figures['sites_not_assessed']}", ""),
    ]
    width = max(len(r[0]) for r in rows)
    print()
    for name, value, target in rows:
        print(f"{name:<{width}}  {value:>12}  {target}")
    if args.sites != 400:
        print("(targets are set for 400 sites)")
    for label, res in (("tool", tool), ("floor", floor)):
        cpu = res["cpu_s_by_process"] or {}
        print(
            f"CPU seconds, {label}: "
            + ", ".join(f"{k} {v:.0f}" for k, v in sorted(cpu.items(), key=lambda kv: -kv[1]))
            + f"; harness {res['harness_cpu_s']:.0f}; other jobs on the machine {res['foreign_cpu_s']:.0f}"
            + f" (of {(os.cpu_count() or 1) * res['wall_s']:.0f} core-s; machine {res['machine_busy_pct']:.0f} % busy)"
        )
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(figures, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"\nwritten: {args.out}")
    return True


def _tool_version(audit: list[str], env: dict[str, str]) -> str:
    try:
        return subprocess.run([*audit, "version"], capture_output=True, text=True, timeout=60, env=env).stdout.strip()
    except (OSError, subprocess.TimeoutExpired):
        return ""


if __name__ == "__main__":
    sys.exit(main())
