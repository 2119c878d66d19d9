"""Tabular exports of a run: results and verdicts as CSV, Parquet and one Excel workbook.

Rows are built once by two pure functions, :func:`result_rows` and :func:`verdict_rows`, and
every writer writes exactly those rows, so the CSV, Parquet and Excel files always agree.
Text cells are made formula-safe (:func:`audit.csvio.safe_cell`) when the rows are built, so
a municipality named ``=HYPERLINK(...)`` is inert in every format. Ids stay strings ("0114").
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
from openpyxl import Workbook

from audit.atomic import atomic_path
from audit.csvio import safe_cell, write_csv
from audit.errors import InputError, Problem
from audit.messages import LANGUAGES, render
from audit.models import CriterionOutcome, Evidence, SiteResult, Verdict, from_jsonable, reason

Cell = str | int | None
Row = dict[str, Cell]

CRITERIA = ("entry_exists", "on_front_page", "easy_to_find", "explains_help", "responsible_person")
# The contract: these columns come first, in this order, in every results table.
RESULT_COLUMNS = (
    ("id", "name", "status", *CRITERIA, "score", "rank")
    + ("country", "region", "url", "final_url", "detail", "provisional", "needs_review")
    + ("awaiting_phone_check", "rubric_version")
    + tuple(f"{c}_verdict" for c in CRITERIA)
)
VERDICT_COLUMNS = (
    "id",
    "name",
    "criterion",
    "verdict",
    "value",
    "source",
    "reason_code",
    "reason",
    "doubt",
    "leaning",
    "provisional",
    "evidence_url",
    "evidence_text",
    "evidence_region",
    "evidence_depth",
    "matched",
    "snippet",
    "phone_checked_on",
    "override_who",
    "override_when",
    "override_why",
)
# Columns holding whole numbers (or empty); every other column is text.
_INT_COLUMNS = frozenset(
    (
        *CRITERIA,
        "score",
        "rank",
        "provisional",
        "needs_review",
        "awaiting_phone_check",
        "value",
        "evidence_depth",
    )
)
# Excel refuses longer cells; cutting here keeps every format identical.
_MAX_CELL = 32_000


def _text(value: object) -> str:
    return safe_cell(value)[:_MAX_CELL]


def _sites(results: dict[str, Any]) -> list[SiteResult]:
    """Decoded results in report order: by rank (then name, id), then not-assessed by id."""
    entries = results.get("results")
    if not isinstance(entries, list):
        raise InputError([Problem("results.json", "'results' must be a list", field="results")])
    sites: list[SiteResult] = []
    for i, entry in enumerate(entries):
        try:
            sites.append(from_jsonable(SiteResult, entry))
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise InputError([Problem("results.json", f"result {i} cannot be read: {exc}")]) from exc
    ranked = sorted(
        (s for s in sites if s.assessed),
        key=lambda s: (
            s.rank if s.rank is not None else 10**9,
            s.municipality.name.casefold(),
            s.municipality.id,
        ),
    )
    rest = sorted((s for s in sites if not s.assessed), key=lambda s: s.municipality.id)
    return ranked + rest


def _value(outcome: CriterionOutcome | None, assessed: bool) -> int | None:
    # A needs-review verdict counts as 0, like in the score; not assessed stays empty.
    if not assessed or outcome is None:
        return None
    return outcome.value


def _flag(value: bool) -> int:
    return 1 if value else 0


def result_rows(results: dict[str, Any]) -> list[Row]:
    """One row per municipality with the columns of :data:`RESULT_COLUMNS`.

    Criterion cells are 1/0 (needs review counts as 0) and empty when not assessed; score and
    rank are empty when not assessed; ``<criterion>_verdict`` holds the verdict word.
    """
    meta = results.get("run") if isinstance(results.get("run"), dict) else {}
    rubric = _text(meta.get("rubric_version", "") if isinstance(meta, dict) else "")
    rows: list[Row] = []
    for site in _sites(results):
        m = site.municipality
        row: Row = {"id": _text(m.id), "name": _text(m.name), "status": site.status.value}
        for cid in CRITERIA:
            row[cid] = _value(site.outcome(cid), site.assessed)
        row.update(
            score=site.score if site.assessed else None,
            rank=site.rank if site.assessed else None,
            country=_text(m.country),
            region=_text(m.region),
            url=_text(site.homepage_url or m.url),
            final_url=_text(site.final_url),
            detail=_text(render(site.reason, _language(results)) if site.reason else site.detail),
            provisional=_flag(site.provisional),
            needs_review=_flag(site.needs_review),
            awaiting_phone_check=_flag(site.awaiting_phone_check),
            rubric_version=rubric,
        )
        for cid in CRITERIA:
            outcome = site.outcome(cid)
            verdict = outcome.verdict if outcome is not None else Verdict.NOT_ASSESSED
            row[f"{cid}_verdict"] = verdict.value if site.assessed else Verdict.NOT_ASSESSED.value
        rows.append(row)
    return rows


def verdict_rows(results: dict[str, Any]) -> list[Row]:
    """One row per municipality and criterion (:data:`VERDICT_COLUMNS`), with provenance and the
    first piece of evidence. Municipalities not assessed get ``not_assessed`` rows."""
    rows: list[Row] = []
    lang = _language(results)
    for site in _sites(results):
        for cid in CRITERIA:
            rows.append(_verdict_row(site, cid, lang))
    return rows


def _language(results: dict[str, Any]) -> str:
    meta = results.get("run") if isinstance(results.get("run"), dict) else {}
    lang = str((meta or {}).get("language") or "en")
    return lang if lang in LANGUAGES else "en"


def _verdict_row(site: SiteResult, cid: str, lang: str) -> Row:
    outcome = site.outcome(cid)
    if not site.assessed or outcome is None:
        outcome = CriterionOutcome(
            cid,
            Verdict.NOT_ASSESSED,
            site.reason or reason("not_assessed", status={"word": f"status.{site.status.value}"}),
        )
    ev = outcome.evidence[0] if outcome.evidence else None
    call, override = outcome.phone_check, outcome.override
    row: Row = {
        "id": _text(site.municipality.id),
        "name": _text(site.municipality.name),
        "criterion": cid,
        "verdict": outcome.verdict.value,
        "value": outcome.value,
        "source": outcome.source.value,
        "reason_code": outcome.reason.code,
        "reason": _text(render(outcome.reason, lang)),
        "doubt": _text(render(outcome.doubt, lang)),
        "leaning": outcome.leaning.value if outcome.leaning else "",
        "provisional": _flag(outcome.provisional),
    }
    row.update(_evidence_cells(ev))
    row.update(
        phone_checked_on=_text(call.checked_on if call else ""),
        override_who=_text(override.who if override else ""),
        override_when=_text(override.when if override else ""),
        override_why=_text(override.why if override else ""),
    )
    return row


def _evidence_cells(ev: Evidence | None) -> Row:
    if ev is None:
        keys = ("evidence_url", "evidence_text", "evidence_region", "matched", "snippet")
        return {**dict.fromkeys(keys, ""), "evidence_depth": None}
    return {
        "evidence_url": _text(ev.url),
        "evidence_text": _text(ev.text),
        "evidence_region": _text(ev.region),
        "evidence_depth": ev.depth,
        "matched": _text("; ".join(ev.matched)),
        "snippet": _text(ev.snippet),
    }


def write_exports(run_dir: Path, results: dict[str, Any]) -> list[Path]:
    """Write results.csv, verdicts.csv, results.parquet, verdicts.parquet and results.xlsx
    (sheets ``results`` and ``verdicts``) into ``run_dir``; return their paths in that order."""
    tables = {
        "results": (RESULT_COLUMNS, result_rows(results)),
        "verdicts": (VERDICT_COLUMNS, verdict_rows(results)),
    }
    written: list[Path] = []
    for name, (columns, rows) in tables.items():
        path = run_dir / f"{name}.csv"
        write_csv(path, columns, ([row[c] for c in columns] for row in rows))
        written.append(path)
    for name, (columns, rows) in tables.items():
        path = run_dir / f"{name}.parquet"
        _write_parquet(path, columns, rows)
        written.append(path)
    workbook = run_dir / "results.xlsx"
    _write_xlsx(workbook, tables)
    written.append(workbook)
    return written


def _write_parquet(path: Path, columns: Sequence[str], rows: Sequence[Row]) -> None:
    fields = [pa.field(c, pa.int64() if c in _INT_COLUMNS else pa.string()) for c in columns]
    table = pa.table({c: [row[c] for row in rows] for c in columns}, schema=pa.schema(fields))
    with atomic_path(path) as tmp:
        pq.write_table(table, tmp)


def _write_xlsx(path: Path, tables: Mapping[str, tuple[Sequence[str], Sequence[Row]]]) -> None:
    book = Workbook()
    for index, (name, (columns, rows)) in enumerate(tables.items()):
        # A new workbook comes with one empty sheet: use it for the first table.
        sheet = book.active if index == 0 else book.create_sheet()
        sheet.title = name
        sheet.append(list(columns))
        for r, row in enumerate(rows, start=2):
            for c, column in enumerate(columns, start=1):
                value = row[column]
                if value is None:
                    continue
                cell = sheet.cell(row=r, column=c, value=value)
                if isinstance(value, str):
                    # Never let openpyxl read a leading "=" as a formula; the value is text.
                    cell.data_type = "s"
        sheet.freeze_panes = "B2"
    with atomic_path(path) as tmp:
        book.save(tmp)
