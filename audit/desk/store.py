"""The desk's files in the run folder: phone checks, overrides and inquiries, saved safely.

Every save rewrites the whole CSV into a temporary file beside it, validates that file with the
very loader `audit run` and `audit score` use (so the desk reports the same errors, with the same
messages, as a hand-edited file would get), and only then moves it into place. Saves are
serialised by a lock, so two researchers saving at once both land; a killed server leaves either
the old file or the new one, never half of one. Every change is appended to
``desk_history.jsonl`` with who, when, the file, the row's key, and the old and new values.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from audit.atomic import TMP_INFIX
from audit.csvio import read_rows, write_csv
from audit.errors import InputError, Problem
from audit.inquiries import COLUMNS as INQUIRY_COLUMNS
from audit.inquiries import load_inquiries
from audit.overrides import COLUMNS as OVERRIDE_COLUMNS
from audit.overrides import load_overrides
from audit.phone_checks import COLUMNS as PHONE_COLUMNS
from audit.phone_checks import load_phone_checks
from audit.runfolder import INQUIRIES_FILE, OVERRIDES_FILE
from audit.runfolder import PHONE_CHECKS_FILE as PHONE_FILE

HISTORY_FILE = "desk_history.jsonl"
Row = dict[str, str]


class DeskFiles:
    """Read and save the researchers' three files of one run folder."""

    def __init__(self, run_dir: Path, ids: Sequence[str], criterion_ids: Sequence[str]) -> None:
        self.run_dir = run_dir
        self.ids = tuple(ids)
        self.criterion_ids = tuple(criterion_ids)
        self._lock = threading.Lock()

    def path(self, name: str) -> Path:
        return self.run_dir / name

    def rows(self, name: str, columns: Sequence[str]) -> list[Row]:
        """The file's rows as written (empty when the file does not exist yet)."""
        path = self.path(name)
        if not path.is_file():
            return []
        problems: list[Problem] = []
        return [dict(row) for _line, row in read_rows(path, problems, required=columns)]

    def save_phone_check(self, row: Row, who: str) -> list[Problem]:
        """Add or replace the municipality's phone check."""
        return self._save(PHONE_FILE, PHONE_COLUMNS, row, ("municipality_id",), who, self._load_phone)

    def save_override(self, row: Row, who: str) -> list[Problem]:
        """Add or replace the decision on one (municipality, criterion)."""
        key = ("municipality_id", "criterion")
        return self._save(OVERRIDES_FILE, OVERRIDE_COLUMNS, row, key, who, self._load_overrides)

    def save_inquiry(self, row: Row, who: str) -> list[Problem]:
        """Add an inquiry (each one is its own row)."""
        return self._save(INQUIRIES_FILE, INQUIRY_COLUMNS, row, (), who, self._load_inquiries)

    def replace_inquiries(self, data: bytes, who: str) -> list[Problem]:
        """Import a whole inquiries.csv (validated like the rest before it replaces the old one)."""
        with self._lock:
            candidate = self._candidate(INQUIRIES_FILE)
            candidate.write_bytes(data)
            return self._commit(INQUIRIES_FILE, candidate, self._load_inquiries, who, "import", None, "import")

    # --- one validated, atomic, recorded save -----------------------------------------------------

    def _save(
        self,
        name: str,
        columns: Sequence[str],
        row: Row,
        key: Sequence[str],
        who: str,
        load: Callable[[Path], object],
    ) -> list[Problem]:
        new = {c: str(row.get(c, "")).strip() for c in columns}
        with self._lock:
            rows = self.rows(name, columns)
            label = "/".join(new[k] for k in key) if key else f"row {len(rows) + 1}"
            position = next((i for i, r in enumerate(rows) if key and all(r[k] == new[k] for k in key)), None)
            old = rows[position] if position is not None else None
            if position is None:
                rows.append(new)
            else:
                rows[position] = new
            candidate = self._candidate(name)
            write_csv(candidate, columns, ([r.get(c, "") for c in columns] for r in rows))
            return self._commit(name, candidate, load, who, label, old, new)

    def _candidate(self, name: str) -> Path:
        # A temporary name of the tool's own (see audit.atomic): --resume may remove it, nobody else's.
        return self.path(f".{name}{TMP_INFIX}desk.tmp")

    def _commit(
        self,
        name: str,
        candidate: Path,
        load: Callable[[Path], object],
        who: str,
        label: str,
        old: Mapping[str, str] | None,
        new: Mapping[str, str] | str | None,
    ) -> list[Problem]:
        try:
            load(candidate)
        except InputError as exc:
            candidate.unlink(missing_ok=True)
            return [Problem(name, p.message, p.line, p.field) for p in exc.problems]
        with candidate.open("rb") as handle:
            os.fsync(handle.fileno())
        os.replace(candidate, self.path(name))
        self._record(who, name, label, old, new)
        return []

    def _record(self, who: str, name: str, key: str, old: object, new: object) -> None:
        entry: dict[str, object] = {"at": datetime.now(UTC).isoformat(timespec="seconds"), "who": who}
        entry.update(file=name, key=key, old=old, new=new)
        with self.path(HISTORY_FILE).open("a", encoding="utf-8") as handle:
            handle.write(json.dumps(entry, ensure_ascii=False) + "\n")
            handle.flush()
            os.fsync(handle.fileno())

    def history(self) -> list[dict[str, Any]]:
        path = self.path(HISTORY_FILE)
        if not path.is_file():
            return []
        lines = path.read_text(encoding="utf-8").splitlines()
        return [json.loads(line) for line in lines if line.strip()]

    # --- the loaders the rest of the tool uses, for the same errors -----------------------------

    def _load_phone(self, path: Path) -> object:
        return load_phone_checks(path, self.ids)

    def _load_overrides(self, path: Path) -> object:
        return load_overrides(path, self.ids, self.criterion_ids)

    def _load_inquiries(self, path: Path) -> object:
        return load_inquiries(path, self.ids)
