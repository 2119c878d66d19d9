"""Tabular exports of a run: results and verdicts as CSV, Parquet and one Excel workbook.

Rows are built once by two pure functions, :func:`result_rows` and :func:`verdict_rows`, and
every writer writes exactly those rows, so the CSV, Parquet and Excel files always agree.
Text cells are made formula-safe (:func:`audit.csvio.safe_cell`) when the rows are built, so
a municipality named ``=HYPERLINK(...)`` is inert in every format. Ids stay strings ("0114").
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from audit.atomic import atomic_path, write_text_atomic
from audit.codebook import CRITERIA, markdown, table_schema, tables
from audit.csvio import safe_cell, write_csv
from audit.errors import InputError, Problem
from audit.messages import LANGUAGES, render
from audit.models import CriterionOutcome, Evidence, SiteResult, Verdict, from_jsonable, reason

Cell = str | int | None
Row = dict[str, Cell]

RESULT_COLUMNS = tables()["results"].names
VERDICT_COLUMNS = tables()["verdicts"].names
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
    # Settled verdicts only: a pending or needs-review 0 is not a known 0 (see the verdict column).
    if not assessed or outcome is None or not outcome.settled:
        return None
    return outcome.value


def _verdict_word(outcome: CriterionOutcome | None, assessed: bool) -> str:
    if not assessed or outcome is None:
        return Verdict.NOT_ASSESSED.value
    if outcome.provisional and outcome.verdict is Verdict.FAIL:
        return "pending"
    return outcome.verdict.value


def _flag(value: bool) -> int:
    return 1 if value else 0


def _run(results: dict[str, Any]) -> dict[str, Any]:
    meta = results.get("run")
    return meta if isinstance(meta, dict) else {}


def result_rows(results: dict[str, Any]) -> list[Row]:
    """One row per municipality with the columns of :data:`RESULT_COLUMNS` (see codebook.yaml)."""
    meta = _run(results)
    shared: Row = {k: _text(meta.get(k, "")) for k in ("rubric_version", "criteria_sha256", "run_id")}
    return [_result_row(site, _language(results), shared) for site in _sites(results)]


def _result_row(site: SiteResult, lang: str, shared: Row) -> Row:
    m, ok = site.municipality, site.assessed
    row: Row = {"id": _text(m.id), "name": _text(m.name), "status": site.status.value}
    row.update({cid: _value(site.outcome(cid), ok) for cid in CRITERIA})
    row.update(
        score=site.score if ok else None,
        rank=site.rank if ok else None,
        country=_text(m.country),
        region=_text(m.region),
        url=_text(site.homepage_url or m.url),
        final_url=_text(site.final_url),
        detail=_text(render(site.reason, lang) if site.reason else site.detail),
        provisional=_flag(site.provisional),
        needs_review=_flag(site.needs_review),
        awaiting_phone_check=_flag(site.awaiting_phone_check),
        settled=_flag(site.settled),
        score_min=site.score_min if ok else None,
        score_max=site.score_max if ok else None,
        rank_best=site.rank_best if ok else None,
        rank_worst=site.rank_worst if ok else None,
        **shared,
    )
    row.update({f"{cid}_verdict": _verdict_word(site.outcome(cid), ok) for cid in CRITERIA})
    return row


def verdict_rows(results: dict[str, Any]) -> list[Row]:
    """One row per municipality, criterion and piece of evidence (:data:`VERDICT_COLUMNS`), with
    provenance. A verdict without evidence has one row; municipalities not assessed get
    ``not_assessed`` rows."""
    rows: list[Row] = []
    lang = _language(results)
    for site in _sites(results):
        for cid in CRITERIA:
            rows.extend(_verdict_rows(site, cid, lang))
    return rows


def _language(results: dict[str, Any]) -> str:
    lang = str(_run(results).get("language") or "en")
    return lang if lang in LANGUAGES else "en"


def _verdict_rows(site: SiteResult, cid: str, lang: str) -> list[Row]:
    outcome = site.outcome(cid)
    if not site.assessed or outcome is None:
        outcome = CriterionOutcome(
            cid,
            Verdict.NOT_ASSESSED,
            site.reason or reason("not_assessed", status={"word": f"status.{site.status.value}"}),
        )
    call, override = outcome.phone_check, outcome.override
    base: Row = {
        "id": _text(site.municipality.id),
        "name": _text(site.municipality.name),
        "criterion": cid,
        "verdict": outcome.verdict.value,
        "value": outcome.value,
        "source": outcome.source.value,
        "reason_code": outcome.reason.code,
        "reason": _text(render(outcome.reason, lang)),
        "doubt_code": outcome.doubt.code if outcome.doubt else "",
        "doubt": _text(render(outcome.doubt, lang)),
        "leaning": outcome.leaning.value if outcome.leaning else "",
        "provisional": _flag(outcome.provisional),
        "automatic_verdict": (outcome.automatic_verdict or outcome.verdict).value,
        "crawled_at": _text(site.crawled_at),
        "phone_checked_on": _text(call.checked_on if call else ""),
        "override_who": _text(override.who if override else ""),
        "override_when": _text(override.when if override else ""),
        "override_why": _text(override.why if override else ""),
    }
    pieces: list[tuple[int | None, Evidence | None]] = list(enumerate(outcome.evidence, start=1)) or [(None, None)]
    return [{**base, **_evidence_cells(index, ev, lang)} for index, ev in pieces]


_EVIDENCE_TEXT = (
    "evidence_page",
    "evidence_url",
    "evidence_text",
    "evidence_selector",
    "evidence_region",
    "evidence_note_code",
    "evidence_note",
    "matched",
    "snippet",
    "screenshot",
    "full_screenshot",
)
_EVIDENCE_NUMBERS = (
    "evidence_index",
    "evidence_x",
    "evidence_y",
    "evidence_width",
    "evidence_height",
    "evidence_depth",
)


def _evidence_cells(index: int | None, ev: Evidence | None, lang: str) -> Row:
    if ev is None:
        return {**dict.fromkeys(_EVIDENCE_TEXT, ""), **dict.fromkeys(_EVIDENCE_NUMBERS, None)}
    box = ev.box
    return {
        "evidence_index": index,
        "evidence_page": _text(ev.page_url),
        "evidence_url": _text(ev.url),
        "evidence_text": _text(ev.text),
        "evidence_selector": _text(ev.selector),
        "evidence_region": _text(ev.region),
        "evidence_x": round(box.x) if box else None,
        "evidence_y": round(box.y) if box else None,
        "evidence_width": round(box.width) if box else None,
        "evidence_height": round(box.height) if box else None,
        "evidence_depth": ev.depth,
        "evidence_note_code": ev.note.code if ev.note else "",
        "evidence_note": _text(render(ev.note, lang)) if ev.note else "",
        "matched": _text("; ".join(ev.matched)),
        "snippet": _text(ev.snippet),
        "screenshot": _text(ev.screenshot),
        "full_screenshot": _text(ev.full_screenshot),
    }


# The run's facts carried into every format, so a file passed on alone still says what it is.
RUN_FACTS = (
    "run_id",
    "started_at",
    "finished_at",
    "tool_version",
    "rubric_version",
    "criteria_sha256",
    "chromium_version",
    "list_sha256",
    "phone_checks_sha256",
    "language",
    "publisher",
)


def run_facts(results: dict[str, Any]) -> list[tuple[str, str]]:
    """The run's identifying facts from results.json's ``run`` record, as text."""
    meta = _run(results)
    return [(k, _text(meta.get(k) or "")) for k in RUN_FACTS]


def write_exports(run_dir: Path, results: dict[str, Any]) -> list[Path]:
    """Write the tables as CSV and Parquet, one workbook, their Table Schemas and CODEBOOK.md into
    ``run_dir``; return the paths written."""
    facts = run_facts(results)
    data = {"results": result_rows(results), "verdicts": verdict_rows(results)}
    written: list[Path] = []
    for name, rows in data.items():
        columns = tables()[name].names
        path = run_dir / f"{name}.csv"
        write_csv(path, columns, ([row[c] for c in columns] for row in rows))
        parquet = run_dir / f"{name}.parquet"
        _write_parquet(parquet, name, rows, facts)
        schema = run_dir / f"{name}.schema.json"
        write_text_atomic(schema, json.dumps(table_schema(name), ensure_ascii=False, indent=1) + "\n")
        written += [path, parquet, schema]
    workbook = run_dir / "results.xlsx"
    _write_xlsx(workbook, data, facts)
    codebook = run_dir / "CODEBOOK.md"
    write_text_atomic(codebook, markdown(facts))
    return [*written, workbook, codebook]


def _write_parquet(path: Path, name: str, rows: Sequence[Row], facts: Sequence[tuple[str, str]]) -> None:
    table_def = tables()[name]
    fields = [pa.field(c, pa.int64() if c in table_def.integers else pa.string()) for c in table_def.names]
    metadata = {f"audit.{k}": v for k, v in facts}
    schema = pa.schema(fields, metadata=metadata)
    table = pa.table({c: [row[c] for row in rows] for c in table_def.names}, schema=schema)
    with atomic_path(path) as tmp:
        pq.write_table(table, tmp)


def _write_xlsx(path: Path, data: Mapping[str, Sequence[Row]], facts: Sequence[tuple[str, str]]) -> None:
    book = Workbook()
    for index, (name, rows) in enumerate(data.items()):
        # A new workbook comes with one empty sheet: use it for the first table.
        sheet = book.active if index == 0 else book.create_sheet()
        sheet.title = name
        _fill_sheet(sheet, tables()[name].names, rows)
    about = book.create_sheet("run")
    _fill_sheet(about, ("fact", "value"), [{"fact": k, "value": v} for k, v in facts])
    with atomic_path(path) as tmp:
        book.save(tmp)


def _fill_sheet(sheet: Any, columns: Sequence[str], rows: Sequence[Row]) -> None:
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
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{max(len(rows) + 1, 1)}"
