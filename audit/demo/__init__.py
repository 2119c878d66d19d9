"""The bundled demo: fictional municipality sites served on 127.0.0.1, run through every stage.

The same sites are the browser-test fixtures and part of the labelled calibration corpus.
"""

from __future__ import annotations

import csv
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from audit.demo.server import DemoServer, free_closed_port
from audit.runfolder import RunKind

DEMO_DIR = Path(__file__).parent
SITES = DEMO_DIR / "sites"
MUNICIPALITIES = DEMO_DIR / "municipalities.csv"
PHONE_CHECKS = DEMO_DIR / "phone_checks.csv"


def materialise_list(template: Path, target: Path, port: int, closed_port: int) -> Path:
    """Write the municipality list with the server's real port in every URL."""
    text = template.read_text(encoding="utf-8")
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text.replace("{port}", str(port)).replace("{closed_port}", str(closed_port)), encoding="utf-8")
    return target


def demo_ids(template: Path = MUNICIPALITIES) -> list[str]:
    with template.open(encoding="utf-8", newline="") as fh:
        return [row["id"] for row in csv.DictReader(fh)]


def run_demo(
    out: Path, *, concurrency: int, quiet: bool, console: Any, finish: Callable[..., dict[str, Any]],
    crawl: Callable[..., Any], crawl_options: Callable[..., Any], criteria: Any,
) -> dict[str, Any]:
    """Serve the demo sites, crawl them, score with the bundled phone checks and write the report."""
    with DemoServer(SITES) as server, tempfile.TemporaryDirectory(prefix="audit-demo-") as tmp:
        muni_file = materialise_list(MUNICIPALITIES, Path(tmp) / "demo_municipalities.csv", server.port, free_closed_port())
        if not quiet:
            console.print(f"serving {len(demo_ids())} demo municipalities on http://*.localhost:{server.port}/")
        # The demo sites live on 127.0.0.1, so the private-network guard is lifted for them only.
        # Each demo run starts afresh: a demo folder's earlier crawl is forgotten file by file.
        options = crawl_options(concurrency, True, False, None)
        crawl(muni_file, out, criteria, options, resume=False, quiet=quiet, kind=RunKind.DEMO)
    return finish(out, criteria, PHONE_CHECKS, None, None, None, quiet)
