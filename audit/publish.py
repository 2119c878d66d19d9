"""``audit publish``: a clean folder of the report to upload, readable by any web server.

What is copied is decided by the report itself: its public pages (the overview, the method page,
each municipality's page, the styles), the data files and every local file those pages link to
(screenshots). The call list is for the research team and stays behind, as do the resume
ledger, the run's internal records, the stored copies of the municipalities' pages and the WARC
archives, unless asked for. Every file is written world-readable (0644) and every folder 0755.

The target is an empty or new folder, or one this command published before: a marker lists what
it wrote, and a new publish removes exactly those files first, never anything else.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from audit.errors import AuditError

MARKER = ".audit-published.json"
_PUBLIC_PAGES = ("index.html", "method.html", "report.css", "report.js")
_DATA_FILES = (
    "results.csv",
    "verdicts.csv",
    "results.xlsx",
    "results.parquet",
    "verdicts.parquet",
    "wcag.csv",
    "wcag.parquet",
    "results.schema.json",
    "verdicts.schema.json",
    "wcag.schema.json",
    "results.json",
    "CODEBOOK.md",
)
_LINK = re.compile(r"""(?:href|src)="([^"#?]+)(?:[#?][^"]*)?\"""")
_FILE_MODE, _DIR_MODE = 0o644, 0o755


@dataclass(frozen=True)
class Published:
    folder: Path
    files: tuple[str, ...]


def publish(run_dir: Path, out: Path, *, with_pages: bool = False, with_archive: bool = False) -> Published:
    """Copy the public report of ``run_dir`` into ``out``; return what was written."""
    run = run_dir.resolve()
    if not (run / "index.html").is_file():
        raise AuditError(f"{run_dir} has no report to publish (index.html); run `audit report {run_dir}` first")
    target = out.resolve()
    if target == run or target.is_relative_to(run) or run.is_relative_to(target):
        raise AuditError(f"{out}: publish into a folder outside the run folder")
    previous = _claim(target)
    files = sorted(_selection(run, with_pages=with_pages, with_archive=with_archive))
    for relative in previous:
        (target / relative).unlink(missing_ok=True)
    for relative in files:
        _copy(run / relative, target / relative, target)
    marker = target / MARKER
    marker.write_text(json.dumps({"tool": "municipal-service-audit", "files": files}, indent=1), encoding="utf-8")
    os.chmod(marker, _FILE_MODE)
    return Published(target, tuple(files))


def _claim(target: Path) -> list[str]:
    """The files an earlier publish wrote into ``target`` (to replace); refuse anyone else's folder."""
    if not target.exists():
        target.mkdir(parents=True, mode=_DIR_MODE)
        return []
    if not target.is_dir():
        raise AuditError(f"{target} exists and is not a folder")
    marker = target / MARKER
    if marker.is_file():
        try:
            listed = json.loads(marker.read_text(encoding="utf-8"))["files"]
        except (ValueError, KeyError, TypeError) as exc:
            raise AuditError(f"{marker} is damaged; publish into a new folder") from exc
        return [f for f in listed if isinstance(f, str) and _inside(target, f)]
    if any(target.iterdir()):
        raise AuditError(f"{target} is not empty and was not published by this tool; choose a new folder")
    return []


def _selection(run: Path, *, with_pages: bool, with_archive: bool) -> set[str]:
    """The public pages, the data files, and every local file the pages link to."""
    chosen = {name for name in (*_PUBLIC_PAGES, *_DATA_FILES) if (run / name).is_file()}
    pages = [run / "index.html", run / "method.html", *sorted((run / "municipalities").glob("*.html"))]
    chosen.update(p.relative_to(run).as_posix() for p in pages if p.is_file())
    for page in pages:
        if page.is_file():
            chosen.update(_linked(page, run, with_pages=with_pages))
    if with_archive:
        chosen.update(p.relative_to(run).as_posix() for p in (run / "archive").glob("*.warc.gz"))
    return chosen


def _linked(page: Path, run: Path, *, with_pages: bool) -> set[str]:
    found: set[str] = set()
    for raw in _LINK.findall(page.read_text(encoding="utf-8")):
        if urlsplit(raw).scheme or raw.startswith("//"):
            continue  # the municipalities' own sites, never copied
        target = (page.parent / unquote(raw)).resolve()
        if not target.is_relative_to(run) or not target.is_file():
            continue
        relative = target.relative_to(run).as_posix()
        if relative in ("calls.html", "run.json", "municipalities.json", "ledger.sqlite"):
            continue
        if relative.startswith("snapshots/") and relative.endswith(".html") and not with_pages:
            continue
        found.add(relative)
    return found


def _inside(root: Path, relative: str) -> bool:
    return (root / relative).resolve().is_relative_to(root)


def _copy(source: Path, target: Path, root: Path) -> None:
    if not target.resolve().is_relative_to(root):
        raise AuditError(f"{target} would leave {root}")
    target.parent.mkdir(parents=True, exist_ok=True, mode=_DIR_MODE)
    for folder in target.relative_to(root).parents:
        if folder != Path("."):
            os.chmod(root / folder, _DIR_MODE)
    shutil.copyfile(source, target)
    os.chmod(target, _FILE_MODE)
