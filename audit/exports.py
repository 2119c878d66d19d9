"""Tabular exports of a run: results, verdicts and the WCAG scan as CSV, Parquet and one workbook.

Rows are built once by pure functions (:func:`result_rows`, :func:`verdict_rows`,
:func:`wcag_rows`) and typed into one DataFrame per table with the codebook's dtypes
(:func:`table_frames`, the frames ``audit.load_run`` returns). Every writer takes that frame, so
the CSV, Parquet and Excel files agree with each other and with the frames by construction.
Text cells are made formula-safe (:func:`audit.csvio.safe_cell`) when the rows are built, so
a municipality named ``=HYPERLINK(...)`` is inert in every format. Ids stay strings ("0114").
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, TypeVar

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.utils import get_column_letter

from audit.atomic import atomic_path, write_text_atomic
from audit.codebook import BESIDE, CRITERIA, IMPACTS, Column, markdown, table_schema, tables, typed_frame
from audit.csvio import safe_cell, write_csv
from audit.errors import InputError, Problem
from audit.messages import LANGUAGES, render
from audit.models import (
    CriterionOutcome,
    Evidence,
    SiteResult,
    Verdict,
    WcagNode,
    WcagPage,
    WcagRule,
    from_jsonable,
    reason,
)

Cell = str | int | None
Row = dict[str, Cell]
_Record = TypeVar("_Record")

RESULT_COLUMNS = tables()["results"].names
VERDICT_COLUMNS = tables()["verdicts"].names
WCAG_COLUMNS = tables()["wcag"].names
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
    return _result_rows(results, _sites(results))


def _result_rows(results: dict[str, Any], sites: Sequence[SiteResult]) -> list[Row]:
    meta = _run(results)
    shared: Row = {k: _text(meta.get(k, "")) for k in ("rubric_version", "criteria_sha256", "run_id")}
    return [_result_row(site, _language(results), shared) for site in sites]


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
    row.update(_wcag_counts(site))
    row.update({cid: _value(_beside(site, cid), ok) for cid in BESIDE})
    row.update({f"{cid}_verdict": _verdict_word(site.outcome(cid), ok) for cid in CRITERIA})
    return row


def _beside(site: SiteResult, criterion: str) -> CriterionOutcome | None:
    return next((o for o in site.beside if o.criterion == criterion), None)


def _wcag_counts(site: SiteResult) -> Row:
    """Elements in violation per impact over the scanned pages; empty when none was scanned."""
    scanned = [page for page in _wcag_pages(site) if not page.error]
    if not scanned:
        return {f"wcag_{impact}": None for impact in IMPACTS}
    rules = [rule for page in scanned for rule in page.violations]
    return {f"wcag_{impact}": sum(r.count for r in rules if r.impact == impact) for impact in IMPACTS}


def verdict_rows(results: dict[str, Any]) -> list[Row]:
    """One row per municipality, criterion and piece of evidence (:data:`VERDICT_COLUMNS`), with
    provenance. A verdict without evidence has one row; municipalities not assessed get
    ``not_assessed`` rows. The outcomes beside the score follow the five criteria, for the
    municipalities that have them."""
    return _verdict_rows_of(_language(results), _sites(results))


def _verdict_rows_of(lang: str, sites: Sequence[SiteResult]) -> list[Row]:
    rows: list[Row] = []
    for site in sites:
        for cid in CRITERIA:
            rows.extend(_verdict_rows(site, _criterion_outcome(site, cid), lang))
        for outcome in site.beside:
            rows.extend(_verdict_rows(site, outcome, lang))
    return rows


def _criterion_outcome(site: SiteResult, cid: str) -> CriterionOutcome:
    outcome = site.outcome(cid)
    if site.assessed and outcome is not None:
        return outcome
    return CriterionOutcome(
        cid,
        Verdict.NOT_ASSESSED,
        site.reason or reason("not_assessed", status={"word": f"status.{site.status.value}"}),
    )


def _language(results: dict[str, Any]) -> str:
    lang = str(_run(results).get("language") or "en")
    return lang if lang in LANGUAGES else "en"


def _verdict_rows(site: SiteResult, outcome: CriterionOutcome, lang: str) -> list[Row]:
    call, override = outcome.phone_check, outcome.override
    base: Row = {
        "id": _text(site.municipality.id),
        "name": _text(site.municipality.name),
        "criterion": outcome.criterion,
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


def wcag_rows(results: dict[str, Any]) -> list[Row]:
    """One row per municipality, scanned page and axe-core rule violated (:data:`WCAG_COLUMNS`)."""
    return [row for site in _sites(results) for row in _wcag_rows(site)]


def _wcag_rows(site: SiteResult) -> list[Row]:
    rows: list[Row] = []
    for page in _wcag_pages(site):
        for rule in page.violations:
            nodes = [_record(WcagNode, node) for node in rule.nodes]
            rows.append(
                {
                    "id": _text(site.municipality.id),
                    "name": _text(site.municipality.name),
                    "page_role": _text(page.role),
                    "page_url": _text(page.url),
                    "rule": _text(rule.rule),
                    "impact": rule.impact,
                    "count": rule.count,
                    "help": _text(rule.help),
                    "help_url": _text(rule.help_url),
                    "first_target": _text(nodes[0].target if nodes else ""),
                }
            )
    return rows


def _wcag_pages(site: SiteResult) -> list[WcagPage]:
    pages = [_record(WcagPage, page) for page in site.wcag]
    return [WcagPage(p.url, p.role, tuple(_record(WcagRule, r) for r in p.violations), p.error) for p in pages]


def _record(cls: type[_Record], value: object) -> _Record:
    # results.json is decoded by field type; a record type the decoder does not know arrives as
    # the plain dict it was written as, so the scan is read in either form.
    if isinstance(value, cls):
        return value
    if isinstance(value, dict):
        return from_jsonable(cls, value)  # type: ignore[no-any-return]
    raise TypeError(f"expected a {cls.__name__}, got {type(value).__name__}")


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


def table_frames(results: dict[str, Any]) -> dict[str, pd.DataFrame]:
    """The exported tables (``results``, ``verdicts``, ``wcag``) as DataFrames with the
    codebook's dtypes (:func:`audit.codebook.typed_frame`); every export is written from them."""
    sites = _sites(results)
    rows = {
        "results": _result_rows(results, sites),
        "verdicts": _verdict_rows_of(_language(results), sites),
        "wcag": [row for site in sites for row in _wcag_rows(site)],
    }
    return {name: typed_frame(name, _by_column(name, table)) for name, table in rows.items()}


def _by_column(name: str, rows: Sequence[Row]) -> dict[str, list[Cell]]:
    return {column: [row[column] for row in rows] for column in tables()[name].names}


def write_exports(run_dir: Path, results: dict[str, Any]) -> list[Path]:
    """Write the tables as CSV and Parquet, one workbook, their Table Schemas and CODEBOOK.md into
    ``run_dir``, all from :func:`table_frames`; return the paths written."""
    facts = run_facts(results)
    cells = {name: _cells(name, frame) for name, frame in table_frames(results).items()}
    written: list[Path] = []
    for name, columns in cells.items():
        path = run_dir / f"{name}.csv"
        write_csv(path, list(columns), zip(*columns.values(), strict=True))
        parquet = run_dir / f"{name}.parquet"
        _write_parquet(parquet, name, columns, facts)
        schema = run_dir / f"{name}.schema.json"
        write_text_atomic(schema, json.dumps(table_schema(name), ensure_ascii=False, indent=1) + "\n")
        written += [path, parquet, schema]
    workbook = run_dir / "results.xlsx"
    _write_xlsx(workbook, cells, facts)
    codebook = run_dir / "CODEBOOK.md"
    write_text_atomic(codebook, markdown(facts))
    return [*written, workbook, codebook]


def _cells(name: str, frame: pd.DataFrame) -> dict[str, list[Cell]]:
    """The frame's cells as the files hold them, column by column: integers or ``None``, text
    (formula-safe, ``""`` when missing), times in ISO 8601."""
    return {c.name: [_cell(c, value) for value in frame[c.name].tolist()] for c in tables()[name].columns}


def _cell(column: Column, value: Any) -> Cell:
    if pd.isna(value):
        return None if column.type == "integer" else ""
    if column.type == "integer":
        return int(value)
    if column.format == "datetime":
        return str(pd.Timestamp(value).isoformat())
    # Already safe when the rows were built; again here because a writer must never trust its input.
    return _text(value)


def _write_parquet(
    path: Path, name: str, columns: Mapping[str, Sequence[Cell]], facts: Sequence[tuple[str, str]]
) -> None:
    integers = tables()[name].integers
    fields = [pa.field(c, pa.int64() if c in integers else pa.string()) for c in columns]
    schema = pa.schema(fields, metadata={f"audit.{k}": v for k, v in facts})
    table = pa.table({c: list(values) for c, values in columns.items()}, schema=schema)
    with atomic_path(path) as tmp:
        pq.write_table(table, tmp)


def _write_xlsx(
    path: Path, tables_cells: Mapping[str, Mapping[str, Sequence[Cell]]], facts: Sequence[tuple[str, str]]
) -> None:
    # A write-only workbook streams its rows to the file instead of keeping a cell object for
    # every value: the same workbook in a fraction of the time.
    book = Workbook(write_only=True)
    for name, columns in tables_cells.items():
        _fill_sheet(book.create_sheet(name), list(columns), list(zip(*columns.values(), strict=True)))
    _fill_sheet(book.create_sheet("run"), ("fact", "value"), list(facts))
    with atomic_path(path) as tmp:
        book.save(tmp)


def _fill_sheet(sheet: Any, columns: Sequence[str], rows: Sequence[Sequence[Cell]]) -> None:
    # The view and the filter are written before the first row, so they are set first.
    sheet.freeze_panes = "B2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{max(len(rows) + 1, 1)}"
    sheet.append(list(columns))
    for row in rows:
        sheet.append([_xlsx_cell(sheet, value) for value in row])


def _xlsx_cell(sheet: Any, value: Cell) -> Any:
    if value is None or value == "":
        return None  # an empty cell is a missing value, as in the CSV
    if isinstance(value, str):
        # Never let openpyxl read a leading "=" as a formula; the value is text.
        cell = WriteOnlyCell(sheet, value=value)
        cell.data_type = "s"
        return cell
    return value
