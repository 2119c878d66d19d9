"""audit.load_run: typed frames of a run, compare(), the exports written from them, the README example."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from report_fixtures import build_previous, build_results

import audit
from audit.codebook import BESIDE, CRITERIA, IMPACTS, tables, typed_frame
from audit.errors import InputError
from audit.exports import write_exports
from audit.frames import from_results
from audit.models import (
    CriterionOutcome,
    Evidence,
    SiteStatus,
    Verdict,
    WcagNode,
    WcagPage,
    WcagRule,
    to_jsonable,
)
from audit.pipeline import RESULTS_SCHEMA_VERSION

README = Path(__file__).resolve().parents[1] / "README.md"
HOSTILE_HELP = "=cmd|' /C calc'!A0"
VASBY = "https://www.upplandsvasby.se/"


def _scan() -> dict[str, dict[str, Any]]:
    """What the WCAG scan and the outcomes beside the score add to three municipalities."""
    image = WcagRule(
        "image-alt",
        "critical",
        3,
        "Images must have alternative text",
        "https://dequeuniversity.com/rules/axe/4.10/image-alt",
        (WcagNode("header img.logo", "<img class='logo'>"), WcagNode("main img")),
    )
    contrast = WcagRule("color-contrast", "serious", 12, HOSTILE_HELP)
    home = WcagPage(VASBY, "homepage", (image, contrast))
    service = WcagPage(VASBY + "kontaktcenter", "service", (WcagRule("color-contrast", "serious", 4),))
    statement = CriterionOutcome("accessibility_statement", Verdict.PASS, "The footer links the statement.")
    entry = Evidence(url=VASBY + "kontaktcenter", page_url=VASBY, text="Kontaktcenter", region="header")
    static = CriterionOutcome("entry_without_javascript", Verdict.FAIL, "Drawn by a script.", evidence=(entry,))
    unsure = CriterionOutcome("accessibility_statement", Verdict.NEEDS_REVIEW, "A link, but to a PDF.")
    return {
        "0114": {
            "wcag": (home, service),
            "beside": (statement, static),
            "crawled_at": "2025-03-01T10:02:00+02:00",
        },
        "0115": {"wcag": (WcagPage("https://www.vallentuna.se/", "homepage"),), "beside": (unsure,)},
        "0117": {"wcag": (WcagPage("https://www.osteraker.se/", "homepage", error="timeout"),)},
    }


def _scanned_results() -> dict[str, Any]:
    results = build_results()
    results["schema_version"] = RESULTS_SCHEMA_VERSION
    extra = _scan()
    for entry in results["results"]:
        entry.update(to_jsonable(extra.get(entry["municipality"]["id"], {})))
    return results


def _write(folder: Path, results: dict[str, Any]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    results = {**results, "schema_version": RESULTS_SCHEMA_VERSION}
    (folder / "results.json").write_text(json.dumps(results), encoding="utf-8")
    return folder


@pytest.fixture
def run_dir(tmp_path: Path) -> Path:
    return _write(tmp_path / "run", _scanned_results())


@pytest.fixture
def run(run_dir: Path) -> audit.Run:
    return audit.load_run(run_dir)


def test_results_have_the_codebook_columns_and_dtypes(run: audit.Run) -> None:
    frame = run.results
    assert list(frame.columns) == list(tables()["results"].names)
    assert str(frame["id"].dtype) == "string" and str(frame["rubric_version"].dtype) == "string"
    assert all(str(frame[c].dtype) == "Int8" for c in (*CRITERIA, *BESIDE, "provisional", "settled"))
    assert all(str(frame[c].dtype) == "Int64" for c in ("score", "rank", "score_min", *(f"wcag_{i}" for i in IMPACTS)))
    assert list(frame["status"].cat.categories) == [s.value for s in SiteStatus]
    for cid in CRITERIA:
        words = frame[f"{cid}_verdict"].cat.categories
        assert list(words) == ["pass", "fail", "pending", "needs_review", "not_assessed"]


def test_results_values_keep_ids_and_leave_unsettled_cells_empty(run: audit.Run) -> None:
    frame = run.results.set_index("id")
    assert run.results["id"].tolist()[:2] == ["0114", "0115"]
    assert frame.loc["0114", "score"] == 5 and frame.loc["0114", "rank"] == 1
    assert frame.loc["0126", "status"] == "dns_error" and frame.loc["0126", "score"] is pd.NA
    assert frame.loc["0120", "responsible_person"] is pd.NA
    assert frame.loc["0120", "responsible_person_verdict"] == "pending"
    assert frame.loc["0123", "explains_help"] is pd.NA and frame.loc["0123", "needs_review"] == 1
    assert frame.loc["0125", "name"] == '\'=HYPERLINK("http://x")'  # formula-safe, as in the files
    assert frame.loc["0126", "final_url"] is pd.NA  # an empty text is a missing value


def test_the_outcomes_beside_the_score_are_columns_and_verdict_rows_but_never_score(run: audit.Run) -> None:
    frame = run.results.set_index("id")
    assert frame.loc["0114", "accessibility_statement"] == 1 and frame.loc["0114", "entry_without_javascript"] == 0
    assert frame.loc["0115", "accessibility_statement"] is pd.NA  # needs review: not decided
    assert frame.loc["0120", "accessibility_statement"] is pd.NA  # not checked
    plain = from_results(build_results()).results
    assert run.results["score"].tolist() == plain["score"].tolist()
    verdicts = run.verdicts
    assert list(verdicts["criterion"].cat.categories) == [*CRITERIA, *BESIDE]
    beside = verdicts[verdicts["criterion"].isin(BESIDE)]
    assert sorted(zip(beside["id"], beside["criterion"], beside["verdict"], strict=True)) == [
        ("0114", "accessibility_statement", "pass"),
        ("0114", "entry_without_javascript", "fail"),
        ("0115", "accessibility_statement", "needs_review"),
    ]
    static = beside[beside["criterion"] == "entry_without_javascript"].iloc[0]
    assert static["evidence_index"] == 1 and static["evidence_page"] == VASBY and static["value"] == 0


def test_verdicts_have_utc_times_and_categorical_words(run: audit.Run) -> None:
    verdicts = run.verdicts
    assert list(verdicts.columns) == list(tables()["verdicts"].names)
    assert str(verdicts["crawled_at"].dtype) == "datetime64[ns, UTC]"
    vasby = verdicts[verdicts["id"] == "0114"]["crawled_at"].iloc[0]
    assert vasby == pd.Timestamp("2025-03-01T08:02:00", tz="UTC")
    assert verdicts[verdicts["id"] == "0115"]["crawled_at"].isna().all()
    for column in ("verdict", "automatic_verdict"):
        assert list(verdicts[column].cat.categories) == [v.value for v in Verdict]
    assert list(verdicts["leaning"].cat.categories) == ["pass", "fail"]
    assert str(verdicts["value"].dtype) == "Int8" and str(verdicts["evidence_x"].dtype) == "Int64"
    assert str(verdicts["phone_checked_on"].dtype) == "string"


def test_evidence_is_the_verdict_rows_that_carry_a_piece_of_evidence(run: audit.Run) -> None:
    evidence, verdicts = run.evidence, run.verdicts
    assert list(evidence.columns) == list(verdicts.columns)
    assert (evidence.dtypes == verdicts.dtypes).all()
    assert evidence["evidence_index"].notna().all() and list(evidence.index) == list(range(len(evidence)))
    assert len(evidence) == verdicts["evidence_index"].notna().sum() > 0
    assert len(evidence) < len(verdicts)


def test_the_wcag_frame_has_a_row_per_page_and_rule(run: audit.Run) -> None:
    wcag = run.wcag
    assert list(wcag.columns) == list(tables()["wcag"].names)
    assert list(wcag["impact"].cat.categories) == list(IMPACTS) and str(wcag["count"].dtype) == "Int64"
    rows = list(zip(wcag["id"], wcag["page_role"], wcag["rule"], wcag["impact"], wcag["count"], strict=True))
    assert rows == [
        ("0114", "homepage", "image-alt", "critical", 3),
        ("0114", "homepage", "color-contrast", "serious", 12),
        ("0114", "service", "color-contrast", "serious", 4),
    ]
    first = wcag.iloc[0]
    assert first["first_target"] == "header img.logo" and first["page_url"] == VASBY
    assert first["help_url"].endswith("/image-alt") and first["name"] == "Upplands Väsby"
    assert wcag.iloc[1]["help"] == "'" + HOSTILE_HELP and wcag.iloc[2]["help"] is pd.NA


def test_wcag_counts_per_impact_tell_a_clean_site_from_one_not_scanned(run: audit.Run) -> None:
    frame = run.results.set_index("id")
    counts = {mid: [frame.loc[mid, f"wcag_{i}"] for i in IMPACTS] for mid in ("0114", "0115", "0117", "0120")}
    assert counts["0114"] == [3, 16, 0, 0]
    assert counts["0115"] == [0, 0, 0, 0]  # scanned, nothing found
    assert all(v is pd.NA for v in counts["0117"])  # its only page could not be scanned
    assert all(v is pd.NA for v in counts["0120"])  # never scanned


def test_without_a_scan_the_wcag_frame_is_empty_with_its_columns_and_dtypes(tmp_path: Path) -> None:
    run = audit.load_run(_write(tmp_path, build_results()))
    assert run.wcag.empty and list(run.wcag.columns) == list(tables()["wcag"].names)
    assert str(run.wcag["impact"].dtype) == "category" and str(run.wcag["count"].dtype) == "Int64"
    assert str(run.wcag["id"].dtype) == "string"
    assert run.results[[f"wcag_{i}" for i in IMPACTS]].isna().all().all()


def test_the_run_facts_are_a_copy_of_the_run_record(run_dir: Path, run: audit.Run) -> None:
    assert run.run["run_id"] == "run-0001" and run.run["settings"]["concurrency"] == 4
    run.run["settings"]["concurrency"] = 99
    assert audit.load_run(run_dir).run["settings"]["concurrency"] == 4


def test_compare_lines_up_two_runs_with_what_changed(tmp_path: Path) -> None:
    new_results = build_results()
    old_results = build_previous(new_results)
    old_results["results"] = [e for e in old_results["results"] if e["municipality"]["id"] != "0128"]
    new_results["results"] = [e for e in new_results["results"] if e["municipality"]["id"] != "0127"]
    old = audit.load_run(_write(tmp_path / "old", old_results))
    new = audit.load_run(_write(tmp_path / "new", new_results))
    changes = audit.compare(old, new)
    head = ["id", "name", "status_old", "status_new", "score_old", "score_new", "score_change", "rank_old", "rank_new"]
    assert list(changes.columns) == [*head, *(f"{c}_{side}" for c in CRITERIA for side in ("old", "new")), "changed"]
    assert changes["id"].tolist() == [*new.results["id"], "0127"]
    rows = changes.set_index("id")
    vasby = rows.loc["0114"]
    assert (vasby["score_old"], vasby["score_new"], vasby["score_change"]) == (4, 5, 1)
    assert (vasby["rank_old"], vasby["rank_new"]) == (2, 1)
    assert (vasby["responsible_person_old"], vasby["responsible_person_new"]) == (0, 1) and vasby["changed"]
    assert rows.loc["0115", "score_change"] == -1 and rows.loc["0115", "changed"]
    assert not rows.loc["0117", "changed"]  # rank 3 -> 2 because others moved: not a change of its own
    assert not rows.loc["0126", "changed"]  # not assessed in both runs
    assert pd.isna(rows.loc["0128", "status_old"]) and rows.loc["0128", "status_new"] == "timeout"
    assert pd.isna(rows.loc["0127", "status_new"]) and rows.loc["0127", "name"] == "Botkyrka"
    assert rows.loc["0128", "changed"] and rows.loc["0127", "changed"]
    assert str(changes["score_change"].dtype) == "Int64" and str(changes["entry_exists_old"].dtype) == "Int8"
    assert changes["changed"].dtype == bool and str(changes["status_new"].dtype) == "category"


def _read_back(folder: Path, name: str, form: str) -> pd.DataFrame:
    if form == "csv":
        return pd.read_csv(folder / f"{name}.csv", dtype=str, keep_default_na=False)
    if form == "parquet":
        return pd.read_parquet(folder / f"{name}.parquet")
    return pd.read_excel(folder / "results.xlsx", sheet_name=name, dtype=object)


@pytest.mark.parametrize("form", ["csv", "parquet", "xlsx"])
@pytest.mark.parametrize("name", ["results", "verdicts", "wcag"])
def test_every_export_reads_back_equal_to_the_frame(run_dir: Path, run: audit.Run, name: str, form: str) -> None:
    write_exports(run_dir, json.loads((run_dir / "results.json").read_text(encoding="utf-8")))
    raw = _read_back(run_dir, name, form)
    assert list(raw.columns) == list(tables()[name].names)
    frame = getattr(run, name)
    pd.testing.assert_frame_equal(typed_frame(name, raw), frame)
    assert len(frame) > 0


def test_the_files_hold_the_frames_cells_as_text(run_dir: Path) -> None:
    write_exports(run_dir, json.loads((run_dir / "results.json").read_text(encoding="utf-8")))
    results = pd.read_csv(run_dir / "results.csv", dtype=str, keep_default_na=False).set_index("id")
    assert results.loc["0114", "wcag_serious"] == "16" and results.loc["0120", "wcag_serious"] == ""
    assert (
        results.loc["0114", "accessibility_statement"] == "1" and results.loc["0115", "accessibility_statement"] == ""
    )
    verdicts = pd.read_csv(run_dir / "verdicts.csv", dtype=str, keep_default_na=False)
    assert verdicts[verdicts["id"] == "0114"]["crawled_at"].iloc[0] == "2025-03-01T08:02:00+00:00"
    wcag = (run_dir / "wcag.csv").read_text(encoding="utf-8")
    assert "'" + HOSTILE_HELP in wcag and "\n" + HOSTILE_HELP not in wcag and "," + HOSTILE_HELP not in wcag


def test_a_value_outside_the_codebook_is_refused_with_its_column(tmp_path: Path) -> None:
    results = _scanned_results()
    results["results"][0]["wcag"][0]["violations"][0]["impact"] = "catastrophic"
    with pytest.raises(InputError, match="impact.*'catastrophic'"):
        audit.load_run(_write(tmp_path, results))


@pytest.mark.browser
def test_load_run_on_the_demo_gives_the_documented_dtypes(demo_run: Path) -> None:
    run = audit.load_run(demo_run)
    assert len(run.results) == len(json.loads((demo_run / "results.json").read_text(encoding="utf-8"))["results"])
    for name in ("results", "verdicts", "evidence", "wcag"):
        frame = getattr(run, name)
        table = tables()["verdicts" if name == "evidence" else name]
        assert list(frame.columns) == list(table.names), name
        assert [str(frame[c.name].dtype) for c in table.columns] == [c.dtype for c in table.columns], name
    assert str(run.verdicts["crawled_at"].dtype) == "datetime64[ns, UTC]" and run.verdicts["crawled_at"].notna().any()
    assert set(run.results["status"].dropna()) <= set(run.results["status"].cat.categories)
    assert (
        run.results["score"].notna().any() and run.run["kind"] == "run"
    )  # the fixture runs the demo sites with audit run
    assert not audit.compare(run, run)["changed"].any()


def _readme_example() -> str:
    text = README.read_text(encoding="utf-8")
    section = text.split("### Analysing a run in Python", 1)[1].split("\n### ", 1)[0]
    found = re.search(r"```python\n(.*?)\n```", section, re.DOTALL)
    assert found, "the section has no python block"
    return found.group(1)


def test_the_readme_example_runs_on_two_real_runs(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    new_results = build_results()
    old_dir = _write(tmp_path / "old", build_previous(new_results))
    new_dir = _write(tmp_path / "new", new_results)
    code, count = re.subn(
        r"^old_dir, new_dir = .*$",
        f"old_dir, new_dir = {str(old_dir)!r}, {str(new_dir)!r}",
        _readme_example(),
        flags=re.MULTILINE,
    )
    assert count == 1, "the example must set old_dir, new_dir on one line at its top"
    namespace: dict[str, Any] = {}
    exec(compile(code, "README.md", "exec"), namespace)
    assert namespace["pass_rate"]["Stockholms län"] == 0.75  # 3 of 4 settled; not assessed left out
    changes = namespace["changes"]
    assert set(changes.loc[changes["changed"], "id"]) == {"0114", "0115"}
    printed = capsys.readouterr().out
    assert "Stockholms län" in printed and "Upplands Väsby" in printed and "Vallentuna" in printed
