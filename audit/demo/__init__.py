"""The bundled demo: fictional municipality sites served on 127.0.0.1, run through every stage.

The same sites are the browser-test fixtures and part of the labelled calibration corpus.
"""

from __future__ import annotations

import contextlib
import csv
import tempfile
from collections.abc import Iterator
from pathlib import Path

from audit.config import RunConfig
from audit.crawl_types import CrawlOptions
from audit.criteria import Criteria
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


@contextlib.contextmanager
def serve_demo() -> Iterator[tuple[Path, int]]:
    """Serve the demo sites on 127.0.0.1; yield the municipality list (with the real port) and the port."""
    with DemoServer(SITES) as server, tempfile.TemporaryDirectory(prefix="audit-demo-") as tmp:
        yield (
            materialise_list(MUNICIPALITIES, Path(tmp) / "demo_municipalities.csv", server.port, free_closed_port()),
            server.port,
        )


def demo_config(listing: Path, out: Path, criteria: Criteria, concurrency: int = 4) -> RunConfig:
    """The demo as a run: its own kind of folder (redone from scratch each time), its phone checks,
    and the private-network guard lifted, since the demo sites live on 127.0.0.1."""
    options = CrawlOptions(concurrency=concurrency, allow_private_network=True, wcag=True)  # the whole product on show
    return RunConfig(listing, out, criteria, options, kind=RunKind.DEMO, phone_checks=PHONE_CHECKS)
