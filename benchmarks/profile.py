"""Where the crawl's time goes: the tool's crawl+archive in-process, on ~40 generated sites.

    /tmp/venv/bin/python benchmarks/profile.py [--sites 40] [--concurrency 4] [--top 15]

The nation is served by a separate process (benchmarks/nation.py), so only the tool is profiled.
Two views, both taken from the same run:

* phases (wall clock): every SiteCrawler step and every Playwright call the crawler makes is
  wrapped with a timer (in this process only; no file of the tool is changed). Figures are
  site-seconds summed over all sites; with C sites in flight they add up to about C x wall time.
  Steps nest (``_navigate`` contains ``goto``, ``wait_for_load_state`` and ``wait_for_timeout``).
  ``write_captured`` runs inside the event loop, so its time stalls every site in flight.
* a profile of the Python process (pyinstrument when installed, else cProfile): top functions by
  cumulative and by own time, and how long the event loop sat idle waiting for Chromium. What is
  not idle is the tool's own Python CPU, which competes with Chromium for the machine's cores.
  The offline stages (score, report) are profiled after it.
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
# This file is named like the standard library's ``profile``, which cProfile imports: keep the
# benchmarks folder off the import path so ``import cProfile`` finds the real one.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != HERE]

import argparse  # noqa: E402
import asyncio  # noqa: E402
import cProfile  # noqa: E402
import functools  # noqa: E402
import io  # noqa: E402
import pstats  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from collections import defaultdict  # noqa: E402
from typing import Any  # noqa: E402

TIMES: dict[str, float] = defaultdict(float)
CALLS: dict[str, int] = defaultdict(int)
CLOCK = time.monotonic  # with --cpu: CPU seconds of this process and its browser (see tree_cpu)
NATION_PID: list[int] = []  # the nation server is a child too; its CPU is not the tool's


_SEEN_CPU: dict[int, float] = {}  # pid -> last CPU seconds read; a process that ended keeps its share


def tree_cpu() -> float:
    """User+system CPU seconds of this process and every descendant but the nation server.

    Renderers end when a site's context closes; their last reading is kept, so the total never
    goes back (what a process spent after its last reading is missed, a small undercount).
    """
    import psutil

    me = psutil.Process()
    _SEEN_CPU[me.pid] = sum(me.cpu_times()[:2])
    for child in me.children(recursive=True):
        if child.pid in NATION_PID:
            continue
        try:
            _SEEN_CPU[child.pid] = sum(child.cpu_times()[:2])
        except psutil.Error:
            pass
    return sum(_SEEN_CPU.values())


def _wrap_async(owner: Any, name: str, label: str) -> None:
    original = getattr(owner, name)

    @functools.wraps(original)
    async def timed(*args: Any, **kwargs: Any) -> Any:
        t0 = CLOCK()
        try:
            return await original(*args, **kwargs)
        finally:
            TIMES[label] += CLOCK() - t0
            CALLS[label] += 1

    setattr(owner, name, timed)


def _wrap_sync(owner: Any, name: str, label: str) -> None:
    original = getattr(owner, name)

    @functools.wraps(original)
    def timed(*args: Any, **kwargs: Any) -> Any:
        t0 = CLOCK()
        try:
            return original(*args, **kwargs)
        finally:
            TIMES[label] += CLOCK() - t0
            CALLS[label] += 1

    setattr(owner, name, timed)


def instrument() -> None:
    from playwright.async_api import Browser, BrowserContext, Frame, Page, Response

    import audit.archive
    import audit.crawler.capture as capture
    import audit.crawler.homepage as homepage
    import audit.crawler.navigation as navigation
    import audit.crawler.policy as policy
    import audit.crawler.site as site

    for owner, names in (
        (site.SiteCrawler, ("run", "_follow", "_visit")),
        (navigation.Navigator, ("open_homepage", "goto")),
        (homepage.HomepageJudge, ("judge", "_await_client_redirect")),
        (capture.Recorder, ("snapshot", "_screenshots", "_mobile_elements")),
        (policy.SitePolicy, ("refusal", "read_robots")),
    ):
        for name in names:
            _wrap_async(owner, name, f"{owner.__name__}.{name}")
    # Wrapped where they are called from (they are imported by name there).
    for module, name in ((site, "close_consent"), (capture, "collect")):
        _wrap_async(module, name, name)
    _wrap_async(policy.HostPacer, "wait_turn", "HostPacer.wait_turn (politeness delay)")
    for name in (
        "goto",
        "wait_for_load_state",
        "wait_for_timeout",
        "wait_for_url",
        "content",
        "screenshot",
        "evaluate",
        "set_viewport_size",
        "click",
        "title",
        "close",
    ):
        _wrap_async(Page, name, f"Page.{name}")
    _wrap_async(Frame, "evaluate", "Frame.evaluate (iframes)")
    _wrap_async(Response, "body", "Response.body")
    _wrap_async(Response, "all_headers", "Response.all_headers")
    _wrap_async(Browser, "new_context", "Browser.new_context")
    _wrap_async(BrowserContext, "new_page", "BrowserContext.new_page")
    _wrap_async(BrowserContext, "close", "BrowserContext.close")
    _wrap_sync(audit.archive, "write_captured", "archive.write_captured (blocks the loop)")
    _wrap_sync(audit.archive, "write_warc", "  archive.write_warc")
    _wrap_sync(audit.archive, "write_bytes_atomic", "  archive.write_bytes_atomic (fsync)")


def start_nation(sites: int, seed: int, csv_path: Path) -> tuple[subprocess.Popen[bytes], int]:
    proc = subprocess.Popen(
        [sys.executable, str(HERE / "nation.py"), "--sites", str(sites), "--seed", str(seed), "--csv", str(csv_path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
    )
    assert proc.stdout is not None
    line = proc.stdout.readline().decode().strip()
    if not line.startswith("port "):
        proc.kill()
        raise SystemExit(f"the nation server did not start: {line!r}")
    return proc, int(line.split()[1])


def _has_pyinstrument() -> bool:
    try:
        import pyinstrument  # noqa: F401
    except ImportError:
        return False
    return True


# Frames that only carry the event loop or this file's timers; their cumulative time says nothing.
_PLUMBING = (
    "asyncio/base_events.py",
    "asyncio/events.py",
    "asyncio/runners.py",
    "asyncio/tasks.py",
    "benchmarks/profile.py",
    "contextlib.py",
    "<string>",
)
_IDLE = ("select", "poll", "epoll")


class Prof:
    """One profiled section: pyinstrument (statistical, wall clock) or cProfile."""

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self._p: Any = None

    def __enter__(self) -> Prof:
        if self.kind == "pyinstrument":
            from pyinstrument import Profiler

            self._p = Profiler(interval=0.002, async_mode="disabled")
            self._p.start()
        else:
            self._p = cProfile.Profile()
            self._p.enable()
        return self

    def __exit__(self, *exc: object) -> None:
        if self.kind == "pyinstrument":
            self._p.stop()
        else:
            self._p.disable()

    def report(self, top: int, title: str) -> None:
        if self.kind == "cprofile":
            for sort in ("cumulative", "tottime"):
                buf = io.StringIO()
                pstats.Stats(self._p, stream=buf).sort_stats(sort).print_stats(top)
                text = buf.getvalue()
                start = text.find("   ncalls")
                print(f"\n--- cProfile of {title}: top {top} by {sort} ---")
                print(text[start:].rstrip() if start >= 0 else text)
            return
        root = self._p.last_session.root_frame()
        total = root.time if root else 0.0
        cumulative: dict[str, float] = defaultdict(float)
        own: dict[str, float] = defaultdict(float)

        def walk(frame: Any, stack: frozenset[str]) -> None:
            ident = f"{frame.function}  ({frame.file_path_short}:{frame.line_no})"
            if frame.is_synthetic:
                return
            if ident not in stack:
                cumulative[ident] += frame.time
            own[ident] += sum(c.time for c in frame.children if c.is_synthetic)
            for child in frame.children:
                walk(child, stack | {ident})

        if root is not None:
            walk(root, frozenset())
        idle = sum(t for k, t in own.items() if k.split("  ")[0].split(".")[-1] in _IDLE)
        print(
            f"\n--- pyinstrument, {title}: {total:.1f} s sampled, of which {idle:.1f} s idle in the event loop's poll "
            f"(waiting for Chromium/the driver); Python busy {total - idle:.1f} s ---"
        )
        print(f"top {top} by cumulative time (event-loop plumbing left out):")
        rows = [
            (k, v)
            for k, v in cumulative.items()
            if not any(p in k for p in _PLUMBING) and k.split("  ")[0].split(".")[-1] not in _IDLE
        ]
        for k, v in sorted(rows, key=lambda kv: -kv[1])[:top]:
            print(f"  {v:8.1f} s  {100 * v / max(total, 1e-9):5.1f} %  {k}")
        print(f"top {top} by own time:")
        for k, v in sorted(
            ((k, v) for k, v in own.items() if k.split("  ")[0].split(".")[-1] not in _IDLE), key=lambda kv: -kv[1]
        )[:top]:
            print(f"  {v:8.1f} s  {100 * v / max(total, 1e-9):5.1f} %  {k}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sites", type=int, default=40)
    ap.add_argument("--concurrency", type=int, default=4)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--top", type=int, default=15)
    ap.add_argument(
        "--profiler",
        choices=["pyinstrument", "cprofile"],
        default="pyinstrument" if _has_pyinstrument() else "cprofile",
        help="pyinstrument (sampling, low overhead; default when installed) or cProfile (deterministic, inflates many small calls)",
    )
    ap.add_argument(
        "--cpu",
        action="store_true",
        help="phases in CPU seconds of the tool's process tree (Python, driver, Chromium) instead of wall clock; "
        "exact only with --concurrency 1, where no other site's work overlaps a step",
    )
    args = ap.parse_args()
    if args.cpu:
        global CLOCK
        CLOCK = tree_cpu

    instrument()  # before the imports below, so they bind the timed versions
    import audit.archive as archive
    from audit import pipeline
    from audit.crawl_types import CrawlOptions
    from audit.crawler.runner import crawl_sites
    from audit.criteria import default_criteria_path, load_criteria
    from audit.municipalities import load_municipalities

    tmp = Path(tempfile.mkdtemp(prefix="audit-profile-"))
    csv_path, run_dir = tmp / "municipalities.csv", tmp / "run"
    server, port = start_nation(args.sites, args.seed, csv_path)
    NATION_PID.append(server.pid)
    try:
        criteria = load_criteria(default_criteria_path())
        munis = load_municipalities(csv_path)
        options = CrawlOptions(concurrency=args.concurrency, allow_private_network=True)
        todo = pipeline.prepare_run_dir(run_dir, munis, {"settings": {"concurrency": args.concurrency}}, resume=False)

        async def crawl() -> None:
            ledger = archive.Ledger(run_dir)
            try:
                await crawl_sites(
                    todo, criteria, options, lambda captured: archive.write_captured(run_dir, captured, ledger)
                )
            finally:
                ledger.close()

        crawl_prof = Prof(args.profiler)
        t0 = time.monotonic()
        with crawl_prof:
            asyncio.run(crawl())
        crawl_wall = time.monotonic() - t0
    finally:
        assert server.stdin is not None
        server.stdin.close()
        server.wait(timeout=30)

    score_prof = Prof(args.profiler)
    t0 = time.monotonic()
    with score_prof:
        results = pipeline.score(run_dir, criteria)
    score_wall = time.monotonic() - t0
    report_prof = Prof(args.profiler)
    t0 = time.monotonic()
    with report_prof:
        pipeline.report(run_dir, results)
    report_wall = time.monotonic() - t0

    ok = sum(1 for r in results["results"] if r["status"] == "ok")
    print(f"profile: {args.sites} sites (assessed {ok}), concurrency {args.concurrency}, run folder {run_dir}")
    print(
        f"crawl+archive wall {crawl_wall:.1f} s  ({crawl_wall / max(args.sites, 1):.2f} s per site at concurrency {args.concurrency}); "
        f"score {score_wall:.2f} s; report {report_wall:.2f} s"
    )
    site_seconds = TIMES.get("SiteCrawler.run", 0.0) or 1.0
    unit = "CPU seconds of the process tree" if args.cpu else "wall clock"
    print(
        f"\n--- phases, {unit}, site-seconds summed over sites (SiteCrawler.run = {site_seconds:.0f} site-s = 100 %) ---"
    )
    print(f"{'phase':<48} {'calls':>6} {'site-s':>8} {'share':>7} {'per call':>9}")
    for label, secs in sorted(TIMES.items(), key=lambda kv: -kv[1]):
        print(
            f"{label:<48} {CALLS[label]:>6} {secs:>8.1f} {100 * secs / site_seconds:>6.1f}% {secs / max(CALLS[label], 1):>8.3f}s"
        )
    crawl_prof.report(args.top, f"the crawl process ({crawl_wall:.0f} s wall)")
    score_prof.report(10, f"'score' (offline, {score_wall:.1f} s)")
    report_prof.report(10, f"'report' (offline, {report_wall:.1f} s)")


if __name__ == "__main__":
    main()
