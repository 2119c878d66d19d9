"""Whose folder is this? The run folder is marked as the tool's own, locked while in use, and
only what the tool wrote is ever removed from it.

- A folder is the tool's own when its ``run.json`` carries ``"tool": "municipal-service-audit"``
  and the kind of run (``run``, ``check`` or ``demo``). The tool writes into an empty or new
  folder, or into one of its own of the same kind; any other non-empty folder is refused.
- One process at a time: an exclusive ``flock`` on ``.audit.lock`` (the holder's pid is written
  in it, so a second process can say who holds it). The lock ends with the process, also on
  ``kill -9``, so a stale lock never blocks a resume.
- Temporary files carry the marker ``.~audit-`` in their name; a resume removes only those.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
from collections.abc import Iterator
from enum import StrEnum
from pathlib import Path
from typing import Any

from audit.errors import AuditError

TOOL = "municipal-service-audit"
RUN_FILE = "run.json"
LOCK_FILE = ".audit.lock"
# The researchers' files a run folder keeps (edited at the desk, read by every re-score).
PHONE_CHECKS_FILE, OVERRIDES_FILE, INQUIRIES_FILE = "phone_checks.csv", "overrides.csv", "inquiries.csv"


class RunKind(StrEnum):
    RUN = "run"  # a list of municipalities: audit run / audit crawl
    CHECK = "check"  # one site: audit check --out
    DEMO = "demo"  # the bundled demo, redone from scratch on every call


def read_marker(run_dir: Path) -> dict[str, Any] | None:
    """The folder's run.json when it is one of the tool's own, else None."""
    try:
        data = json.loads((run_dir / RUN_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) and data.get("tool") == TOOL else None


def _is_empty(run_dir: Path) -> bool:
    return not any(p for p in run_dir.iterdir() if p.name != LOCK_FILE)


def check_owned(run_dir: Path, kind: RunKind | None = None) -> dict[str, Any] | None:
    """Refuse a folder the tool may not write into; return its marker (None when new or empty).

    ``kind`` None accepts a run folder of any kind (for score, report and call-list).
    """
    if not run_dir.exists():
        return None
    if not run_dir.is_dir():
        raise AuditError(f"{run_dir} is a file, not a folder")
    marker = read_marker(run_dir)
    if marker is None:
        if _is_empty(run_dir):
            return None
        raise AuditError(f"{run_dir} is not empty and is not a run folder of this tool; choose a new or empty folder")
    found = marker.get("kind", RunKind.RUN.value)
    if kind is not None and found != kind.value:
        raise AuditError(
            f"{run_dir} holds a {found} run; a {kind.value} run cannot be written into it (choose another folder)"
        )
    return marker


def require_run(run_dir: Path) -> dict[str, Any]:
    """The marker of an existing run folder (for the stages that read one)."""
    if not run_dir.is_dir():
        raise AuditError(f"{run_dir} is not a run folder")
    marker = check_owned(run_dir)
    if marker is None:
        raise AuditError(f"{run_dir} is not a run folder of this tool (no run.json)")
    return marker


@contextlib.contextmanager
def locked(run_dir: Path) -> Iterator[None]:
    """Hold the folder's exclusive lock; a second process gets one line naming the holder."""
    try:
        run_dir.mkdir(parents=True, exist_ok=True)
        fd = os.open(run_dir / LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        raise AuditError(f"cannot write to {run_dir}: {exc.strerror}") from exc
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 32, 0).decode("ascii", "replace").strip() or "unknown"
            raise AuditError(
                f"{run_dir} is in use by another audit process (pid {holder}); wait for it to finish or choose another folder"
            ) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode("ascii"), 0)
        yield
    finally:
        os.close(fd)  # closing releases the lock


def list_digest(records: list[dict[str, Any]]) -> str:
    """A fingerprint of a municipality list's content (ids, names, URLs...), in list order."""
    data = json.dumps(records, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(data.encode("utf-8")).hexdigest()


def list_changes(old: list[dict[str, Any]], new: list[dict[str, Any]]) -> str:
    """What changed between two municipality lists, in one line ('' when nothing did)."""
    before = {r["id"]: r for r in old}
    after = {r["id"]: r for r in new}
    parts = []
    for label, ids in (
        ("added", [i for i in after if i not in before]),
        ("removed", [i for i in before if i not in after]),
        ("changed", [i for i in after if i in before and after[i] != before[i]]),
    ):
        if ids:
            shown = ", ".join(ids[:5]) + (f" and {len(ids) - 5} more" if len(ids) > 5 else "")
            parts.append(f"{len(ids)} {label} ({shown})")
    if not parts and [r["id"] for r in old] != [r["id"] for r in new]:
        parts.append("the order changed")
    return "; ".join(parts)


@contextlib.contextmanager
def claimed(run_dir: Path, kind: RunKind | None = None) -> Iterator[None]:
    """Check the folder is one the tool may use, then hold its lock for the whole command.

    ``kind`` None asks for an existing run folder of any kind (score, report, call-list);
    otherwise the folder may be new, empty, or the tool's own of that kind.
    """
    check = require_run if kind is None else (lambda d: check_owned(d, kind))
    check(run_dir)  # before anything is written, not even the lock file
    with locked(run_dir):
        check(run_dir)  # again, now that no other process can change it
        yield
