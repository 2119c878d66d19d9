"""CSV, Parquet and Excel exports: column contract, empty cells, identical rows, formula safety."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow.parquet as pq
import pytest
from openpyxl import load_workbook
from report_fixtures import FORMULA, build_results

from audit.codebook import pandas_dtypes, tables
from audit.exports import RESULT_COLUMNS, VERDICT_COLUMNS, result_rows, verdict_rows, write_exports

CONTRACT = "id,name,status,entry_exists,on_front_page,easy_to_find,explains_help,responsible_person,score,rank"
CRITERIA = ("entry_exists", "on_front_page", "easy_to_find", "explains_help", "responsible_person")


@pytest.fixture
def exported(tmp_path: Path) -> Path:
    write_exports(tmp_path, build_results())
    return tmp_path


def _csv(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def _as_text(frame: pd.DataFrame) -> pd.DataFrame:
    """Every cell as the text a CSV holds: integers without ".0", missing values empty."""

    def text(value: Any) -> str:
        if value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NA:
            return ""
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
        return str(value)

    return frame.astype(object).map(text)


def test_write_exports_returns_every_file(tmp_path: Path) -> None:
    paths = write_exports(tmp_path, build_results())
    assert [p.name for p in paths] == [
        "results.csv",
        "results.parquet",
        "results.schema.json",
        "verdicts.csv",
        "verdicts.parquet",
        "verdicts.schema.json",
        "wcag.csv",
        "wcag.parquet",
        "wcag.schema.json",
        "results.xlsx",
        "CODEBOOK.md",
    ]
    assert all(p.is_file() and p.stat().st_size > 0 for p in paths)


def test_headers_are_the_codebook_and_start_with_the_contract(exported: Path) -> None:
    header = (exported / "results.csv").read_text(encoding="utf-8").splitlines()[0]
    assert header.startswith(CONTRACT + ",")
    assert header.split(",") == list(RESULT_COLUMNS) == list(tables()["results"].names)
    assert header.split(",")[-5:] == [f"{c}_verdict" for c in CRITERIA]
    verdicts = (exported / "verdicts.csv").read_text(encoding="utf-8").splitlines()[0]
    assert verdicts.split(",") == list(VERDICT_COLUMNS) == list(tables()["verdicts"].names)


def test_the_codebook_and_schemas_describe_every_column(exported: Path) -> None:
    book = (exported / "CODEBOOK.md").read_text(encoding="utf-8")
    for name in ("results", "verdicts", "wcag"):
        header = (exported / f"{name}.csv").read_text(encoding="utf-8").splitlines()[0].split(",")
        schema = json.loads((exported / f"{name}.schema.json").read_text(encoding="utf-8"))
        assert [f["name"] for f in schema["fields"]] == header
        assert all(f["description"] for f in schema["fields"])
        assert all(f"| `{column}` |" in book for column in header)
    assert "| run_id | run-0001 |" in book


def test_the_shipped_dtypes_keep_ids_as_text_and_integers_as_integers(exported: Path) -> None:
    frame = pd.read_csv(exported / "results.csv", dtype=pandas_dtypes("results"), keep_default_na=False, na_values=[""])
    assert frame["id"].iloc[0] == "0114" and frame["rubric_version"].iloc[0] == "1.0"
    assert str(frame["score"].dtype) == "Int64" and frame["score"].iloc[0] == 5
    assert frame.set_index("id").loc["0126", "score"] is pd.NA


def test_workbook_and_parquet_carry_the_run_facts(exported: Path) -> None:
    book = load_workbook(exported / "results.xlsx")
    facts = {row[0].value: row[1].value for row in book["run"].iter_rows(min_row=2)}
    assert facts["run_id"] == "run-0001" and facts["criteria_sha256"] == "c" * 64
    assert book["results"].auto_filter.ref.startswith("A1:") and book["verdicts"].auto_filter.ref
    metadata = pq.read_schema(exported / "results.parquet").metadata
    assert metadata[b"audit.run_id"] == b"run-0001"
    assert metadata[b"audit.criteria_sha256"] == b"c" * 64


def test_not_assessed_rows_have_empty_scores(exported: Path) -> None:
    frame = _csv(exported / "results.csv").set_index("id")
    for mid, status in (("0126", "dns_error"), ("0127", "blocked"), ("0128", "timeout")):
        row = frame.loc[mid]
        assert row["status"] == status
        assert all(row[c] == "" for c in (*CRITERIA, "score", "rank"))
        assert all(row[f"{c}_verdict"] == "not_assessed" for c in CRITERIA)
        assert row["detail"]
    assert frame.loc["0114", "score"] == "5" and frame.loc["0114", "rank"] == "1"


def test_unsettled_verdicts_export_empty_with_their_verdict_word(exported: Path) -> None:
    """A pending or needs-review 0 is not a known 0: the cell is empty and the verdict says why."""
    frame = _csv(exported / "results.csv").set_index("id")
    assert frame.loc["0123", "explains_help"] == ""
    assert frame.loc["0123", "explains_help_verdict"] == "needs_review"
    assert frame.loc["0123", "needs_review"] == "1" and frame.loc["0123", "settled"] == "0"
    assert frame.loc["0120", "responsible_person"] == ""
    assert frame.loc["0120", "responsible_person_verdict"] == "pending"
    assert frame.loc["0120", "provisional"] == "1" and frame.loc["0120", "awaiting_phone_check"] == "1"
    assert frame.loc["0114", "responsible_person"] == "1" and frame.loc["0114", "settled"] == "1"
    assert frame.loc["0115", "rank"] == frame.loc["0117", "rank"] == "2"


def test_verdict_rows_have_provenance(exported: Path) -> None:
    frame = _csv(exported / "verdicts.csv")
    assert len(frame.drop_duplicates(["id", "criterion"])) == 9 * 5
    vasby = frame[(frame["id"] == "0114") & (frame["criterion"] == "responsible_person")].iloc[0]
    assert vasby["source"] == "phone_check" and vasby["phone_checked_on"] == "2025-03-04"
    override = frame[(frame["id"] == "0117") & (frame["criterion"] == "easy_to_find")].iloc[0]
    assert override["source"] == "override" and override["override_who"] == "M. Researcher"
    assert override["override_when"] == "2025-03-06" and "sticky banner" in override["override_why"]
    entry = frame[(frame["id"] == "0114") & (frame["criterion"] == "on_front_page")].iloc[0]
    assert entry["evidence_region"] == "header" and entry["evidence_depth"] == "0"
    assert entry["matched"] == "kontaktcenter" and entry["evidence_url"] == "https://www.upplandsvasby.se/kontaktcenter"
    assert entry["evidence_page"] == "https://www.upplandsvasby.se/"
    missing = frame[(frame["id"] == "0126")]
    assert set(missing["verdict"]) == {"not_assessed"} and set(missing["value"]) == {""}


@pytest.mark.parametrize(("name", "sheet"), [("results", "results"), ("verdicts", "verdicts"), ("wcag", "wcag")])
def test_csv_parquet_and_xlsx_hold_identical_rows(exported: Path, name: str, sheet: str) -> None:
    from_csv = _csv(exported / f"{name}.csv")
    from_parquet = _as_text(pd.read_parquet(exported / f"{name}.parquet"))
    from_xlsx = _as_text(pd.read_excel(exported / "results.xlsx", sheet_name=sheet, dtype=object))
    assert list(from_csv.columns) == list(from_parquet.columns) == list(from_xlsx.columns)
    pd.testing.assert_frame_equal(from_csv, from_parquet, check_dtype=False)
    pd.testing.assert_frame_equal(from_csv, from_xlsx, check_dtype=False)
    if name == "wcag":  # the fixture's run has no scan: the table is its header alone
        assert from_csv.empty and list(from_csv.columns) == list(tables()["wcag"].names)
        return
    assert from_csv["id"].iloc[0] == "0114"
    assert set(from_csv["id"]) >= {"0114", "0115", "0117", "0120", "0123", "0125", "0126"}


def test_ids_keep_leading_zeros_in_every_format(exported: Path) -> None:
    parquet = pd.read_parquet(exported / "results.parquet")
    assert parquet["id"].tolist()[0] == "0114"
    book = load_workbook(exported / "results.xlsx")
    cell = book["results"]["A2"]
    assert cell.value == "0114" and cell.data_type == "s"


def test_formulas_are_neutralised_in_csv_and_xlsx(exported: Path) -> None:
    with (exported / "results.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    names = [row["name"] for row in rows]
    assert "'" + FORMULA in names and FORMULA not in names
    for row in rows:
        for value in row.values():
            assert not value.startswith(("=", "+", "-", "@", "\t", "\r")), value
    book = load_workbook(exported / "results.xlsx")
    for sheet in book.worksheets:
        for line in sheet.iter_rows():
            for cell in line:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str):
                    assert not cell.value.startswith(("=", "+", "-", "@")), cell.value


def test_rows_are_pure_and_typed() -> None:
    results = build_results()
    assert result_rows(results) == result_rows(results)
    row = result_rows(results)[0]
    assert row["score"] == 5 and row["entry_exists"] == 1 and row["id"] == "0114"
    missing = next(r for r in result_rows(results) if r["id"] == "0126")
    assert missing["score"] is None and missing["entry_exists"] is None
    assert len(verdict_rows(results)) == 45


def test_every_piece_of_evidence_gets_its_row_with_selector_box_and_page() -> None:
    from audit.models import (
        Box,
        CriterionOutcome,
        Evidence,
        Municipality,
        SiteResult,
        SiteStatus,
        Verdict,
        reason,
        to_jsonable,
    )

    first = Evidence(
        url="https://x.example/kontaktcenter/",
        text="Kontaktcenter",
        selector="header a.contact",
        region="header",
        box=Box(1010.4, 12.6, 120, 24),
        page_url="https://x.example/",
        screenshot="snapshots/0001/page-0.png",
        full_screenshot="snapshots/0001/page-0-full.png",
        note=reason("note.on_homepage"),
    )
    second = Evidence(url="https://x.example/kontaktcenter/", text="Kontaktcenter", region="footer", depth=0)
    outcome = CriterionOutcome("entry_exists", Verdict.PASS, reason("entry.on_homepage", terms="Kontaktcenter"))
    outcome = CriterionOutcome(**{**outcome.__dict__, "evidence": (first, second)})
    site = SiteResult(
        Municipality("0001", "Solby", "SE", "Län", "https://x.example/"),
        SiteStatus.OK,
        outcomes=(outcome,),
        score=1,
        rank=1,
        crawled_at="2026-11-01T08:00:00+00:00",
    )
    rows = [
        r
        for r in verdict_rows({"run": {"language": "en"}, "results": [to_jsonable(site)]})
        if r["criterion"] == "entry_exists"
    ]
    assert [r["evidence_index"] for r in rows] == [1, 2]
    assert (rows[0]["evidence_selector"], rows[0]["evidence_page"]) == ("header a.contact", "https://x.example/")
    assert (rows[0]["evidence_x"], rows[0]["evidence_y"], rows[0]["evidence_width"]) == (1010, 13, 120)
    assert rows[0]["full_screenshot"] == "snapshots/0001/page-0-full.png"
    assert rows[0]["evidence_note_code"] == "note.on_homepage" and rows[0]["evidence_note"]
    assert rows[1]["evidence_region"] == "footer" and rows[0]["crawled_at"] == "2026-11-01T08:00:00+00:00"
    assert rows[0]["reason_code"] == "entry.on_homepage"


def test_the_docs_codebook_is_the_one_the_code_writes() -> None:
    """docs/CODEBOOK.md is regenerated with `python -m audit.codebook > docs/CODEBOOK.md`."""
    from audit.codebook import markdown

    docs = Path(__file__).resolve().parents[1] / "docs" / "CODEBOOK.md"
    assert docs.read_text(encoding="utf-8") == markdown()
