"""Stage 2: write everything the crawl saw into the run folder before any scoring.

Layout of a run folder::

    run.json                    run metadata (tool and rubric version, settings, input files)
    municipalities.json         the municipality list the run was started with
    ledger.sqlite               one row per finished site (for --resume)
    snapshots/<id>/site.json    the SiteSnapshot or CrawlFailure, written last (the commit point)
    snapshots/<id>/page-N.html  the rendered DOM of each page
    snapshots/<id>/page-0.png   first-screen screenshot of the homepage; page-0-full.jpg full page
    archive/<id>.warc.gz        the HTTP responses and rendered resources as WARC records

Every file is written to a temporary name and renamed into place, so a killed run leaves no
truncated file, and a site counts as done only once its ``site.json`` exists and the ledger says so.
"""

from __future__ import annotations

import contextlib
import io
import json
import re
import sqlite3
import zlib
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from audit.atomic import remove_temporary_files, write_bytes_atomic
from audit.errors import AuditError
from audit.models import CrawlFailure, Municipality, SiteSnapshot, from_jsonable, to_jsonable

_SAFE_ID = re.compile(r"^[A-Za-z0-9_-]{1,32}$")


def check_id(muni_id: str) -> str:
    """Ids name files, so they are restricted to a safe alphabet."""
    if not _SAFE_ID.fullmatch(muni_id):
        raise AuditError(f"municipality id {muni_id!r} cannot name a file (use letters, digits, - and _)")
    return muni_id


def inside(root: Path, relative: str) -> Path:
    """``root/relative``, refusing any path that would land outside ``root``."""
    target = (root / relative).resolve()
    if not target.is_relative_to(root.resolve()):
        raise AuditError(f"refusing to write outside the run folder: {relative}")
    return target


def remove_partial_writes(run_dir: Path) -> int:
    """Delete the temporary files a killed run left behind (only the tool's own); return how many."""
    return remove_temporary_files(run_dir)


def write_json_atomic(path: Path, data: Any) -> None:
    write_bytes_atomic(path, json.dumps(data, ensure_ascii=False, indent=1).encode("utf-8"))


def read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise AuditError(f"{path} is missing; is this a run folder?") from exc
    except (OSError, ValueError) as exc:
        raise AuditError(f"{path} cannot be read: {exc}") from exc


class Ledger:
    """Which sites are finished, in SQLite so a ``kill -9`` cannot leave it half-written."""

    def __init__(self, run_dir: Path) -> None:
        # Written from the crawl's archiving thread, one result at a time (see crawl_sites).
        self.conn = sqlite3.connect(run_dir / "ledger.sqlite", check_same_thread=False)
        self.conn.execute("PRAGMA journal_mode=WAL")
        self.conn.execute(
            "CREATE TABLE IF NOT EXISTS sites (id TEXT PRIMARY KEY, status TEXT NOT NULL, finished_at TEXT NOT NULL)"
        )
        # Every file the crawl wrote, so a reset removes exactly those and nothing of anyone else's.
        self.conn.execute("CREATE TABLE IF NOT EXISTS files (path TEXT PRIMARY KEY, id TEXT NOT NULL)")
        self.conn.commit()

    def done_ids(self) -> set[str]:
        return {row[0] for row in self.conn.execute("SELECT id FROM sites")}

    def files(self) -> list[str]:
        return [row[0] for row in self.conn.execute("SELECT path FROM files ORDER BY path")]

    def forget(self) -> None:
        self.conn.execute("DELETE FROM sites")
        self.conn.execute("DELETE FROM files")
        self.conn.commit()

    def mark_done(self, muni_id: str, status: str, files: Iterable[str] = ()) -> None:
        now = datetime.now(UTC).isoformat(timespec="seconds")
        self.conn.executemany("INSERT OR IGNORE INTO files (path, id) VALUES (?, ?)", [(f, muni_id) for f in files])
        # Upsert by id: a site retried after a crash still has exactly one row.
        self.conn.execute(
            "INSERT INTO sites (id, status, finished_at) VALUES (?, ?, ?) "
            "ON CONFLICT(id) DO UPDATE SET status=excluded.status, finished_at=excluded.finished_at",
            (muni_id, status, now),
        )
        self.conn.commit()

    def close(self) -> None:
        self.conn.close()


# Screenshots arrive compressed: their gzip members store them as they are (a deflate search over
# bytes that will not shrink is spent CPU); markup, and SVG, at zlib's default level.
_STORED_TYPES = ("image/png", "image/jpeg", "image/webp", "image/gif", "image/avif")


def _gzip_member(data: bytes, content_type: str) -> bytes:
    """One WARC record as one gzip member (a .warc.gz is a series of them, one per record)."""
    level = 0 if content_type.lower().startswith(_STORED_TYPES) else 6
    compressor = zlib.compressobj(level, zlib.DEFLATED, zlib.MAX_WBITS + 16)
    return compressor.compress(data) + compressor.flush()


def _warc_record(writer: WARCWriter, entry: Any) -> Any:
    if entry.kind == "response":
        reason = "OK" if entry.status == 200 else ""
        headers = [(k, v) for k, v in entry.headers if k.lower() not in ("content-encoding", "transfer-encoding")]
        http = StatusAndHeaders(f"{entry.status} {reason}".strip(), headers, protocol="HTTP/1.1")
        return writer.create_warc_record(entry.url, "response", payload=io.BytesIO(entry.body), http_headers=http)
    return writer.create_warc_record(
        entry.url, "resource", payload=io.BytesIO(entry.body), warc_content_type=entry.content_type
    )


def write_warc(path: Path, entries: Iterable[Any]) -> None:
    """Write ``WarcEntry`` records (see crawl_types.py) as one gzipped WARC file, atomically."""
    archive = io.BytesIO()
    for entry in entries:
        record = io.BytesIO()
        writer = WARCWriter(record, gzip=False)
        writer.write_record(_warc_record(writer, entry))
        archive.write(_gzip_member(record.getvalue(), entry.content_type))
    write_bytes_atomic(path, archive.getvalue())


def write_captured(run_dir: Path, captured: Any, ledger: Ledger) -> None:
    """Persist one site's capture: files and WARC first, then site.json, then the ledger row."""
    result = captured.result
    muni_id = check_id(result.municipality.id)
    written = []
    for relative, data in captured.blobs.items():
        write_bytes_atomic(inside(run_dir, relative), data)
        written.append(relative)
    if captured.warc:
        write_warc(inside(run_dir, f"archive/{muni_id}.warc.gz"), captured.warc)
        written.append(f"archive/{muni_id}.warc.gz")
    kind = "snapshot" if isinstance(result, SiteSnapshot) else "failure"
    site = json.dumps({"kind": kind, "record": to_jsonable(result)}, ensure_ascii=False, separators=(",", ":"))
    write_bytes_atomic(inside(run_dir, f"snapshots/{muni_id}/site.json"), site.encode("utf-8"))
    written.append(f"snapshots/{muni_id}/site.json")
    ledger.mark_done(muni_id, result.status.value, written)


def forget_crawl(run_dir: Path) -> int:
    """Remove every file the ledger says the crawl wrote, and the folders that leaves empty.

    Used to redo a demo or a self-check from scratch; nothing the ledger does not list is touched.
    """
    ledger = Ledger(run_dir)
    try:
        paths = ledger.files()
        for relative in paths:
            target = inside(run_dir, relative)
            target.unlink(missing_ok=True)
            for parent in target.parents:
                if parent == run_dir.resolve() or not parent.is_relative_to(run_dir.resolve()):
                    break
                with contextlib.suppress(OSError):
                    parent.rmdir()  # only when empty
        ledger.forget()
    finally:
        ledger.close()
    return len(paths)


def load_site(run_dir: Path, muni_id: str) -> SiteSnapshot | CrawlFailure | None:
    """The archived record of one site, or None when it was not crawled yet.

    A snapshot is refused (one readable error) when it cannot be decoded or names another
    municipality than its folder: a tampered ``site.json`` must not put a foreign id in the results.
    """
    path = inside(run_dir, f"snapshots/{check_id(muni_id)}/site.json")
    if not path.exists():
        return None
    data = read_json(path)
    try:
        cls = SiteSnapshot if data.get("kind") == "snapshot" else CrawlFailure
        record: SiteSnapshot | CrawlFailure = from_jsonable(cls, data["record"])
        found_id = record.municipality.id
    except (AttributeError, KeyError, TypeError, ValueError) as exc:
        raise AuditError(f"{path} is not a site record this version can read ({type(exc).__name__}: {exc})") from exc
    if found_id != muni_id:
        raise AuditError(
            f"{path} is the record of municipality {found_id!r}, not {muni_id!r}; refusing a tampered or misplaced snapshot"
        )
    return record


def write_municipalities(run_dir: Path, municipalities: list[Municipality]) -> None:
    write_json_atomic(run_dir / "municipalities.json", [m.to_dict() for m in municipalities])


def load_municipalities_of_run(run_dir: Path) -> list[Municipality]:
    return [Municipality.from_dict(d) for d in read_json(run_dir / "municipalities.json")]


def load_run(run_dir: Path) -> tuple[dict[str, Any], list[SiteSnapshot | CrawlFailure], list[Municipality]]:
    """The run metadata, every archived site in list order, and the municipalities not yet crawled."""
    if not run_dir.is_dir():
        raise AuditError(f"{run_dir} is not a run folder")
    meta = read_json(run_dir / "run.json")
    sites: list[SiteSnapshot | CrawlFailure] = []
    missing: list[Municipality] = []
    for muni in load_municipalities_of_run(run_dir):
        site = load_site(run_dir, muni.id)
        if site is None:
            missing.append(muni)
        else:
            sites.append(site)
    return meta, sites, missing
