"""What one run is asked to do, typed and built once (by the CLI, the demo or a self-check)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from audit.crawl_types import CrawlOptions
from audit.criteria import Criteria
from audit.runfolder import RunKind

ENGINES = ("local", "ray")


@dataclass(frozen=True)
class RunConfig:
    """A run: which list, where to, judged how, crawled how, and what to do at the end.

    ``report`` False stops after crawling and archiving (``audit crawl``); scoring and the report
    can follow later with ``audit score`` and ``audit report``.
    """

    municipalities: Path
    out: Path
    criteria: Criteria
    crawl: CrawlOptions
    kind: RunKind = RunKind.RUN
    resume: bool = False
    engine: str = "local"
    address: str | None = None
    workers: int = 2
    phone_checks: Path | None = None
    overrides: Path | None = None
    inquiries: Path | None = None
    lang: str | None = None
    compare: Path | None = None
    report: bool = True
    publisher: str = ""
