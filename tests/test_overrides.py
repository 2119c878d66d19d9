"""Loading researcher overrides of verdicts."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from audit.errors import InputError, Problem
from audit.models import Override, Verdict
from audit.overrides import load_overrides

HEADER = "municipality_id,criterion,verdict,who,when,why\n"
KNOWN = {"0114", "0115", "0117"}
CRITERIA = ("entry_exists", "on_front_page", "easy_to_find", "explains_help", "responsible_person")
TODAY = date(2025, 6, 1)


def _write(tmp_path: Path, body: str, header: str = HEADER) -> Path:
    path = tmp_path / "overrides.csv"
    path.write_text(header + body, encoding="utf-8")
    return path


def _load(path: Path) -> dict[tuple[str, str], Override]:
    return load_overrides(path, KNOWN, CRITERIA, today=TODAY)


def _problems(path: Path) -> list[Problem]:
    with pytest.raises(InputError) as info:
        _load(path)
    assert all(p.file == str(path) for p in info.value.problems)
    return info.value.problems


def _one_problem(tmp_path: Path, row: str) -> Problem:
    [problem] = _problems(_write(tmp_path, row))
    return problem


def test_valid_overrides_keyed_by_id_and_criterion(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "0114,easy_to_find,pass,Anna,2025-03-05,Link visible in the header; hover menu misread\n"
        "0114,explains_help,FAIL,Per,2025-03-05 14:30,Only a phone number\n",
    )
    assert _load(path) == {
        ("0114", "easy_to_find"): Override(
            "0114",
            "easy_to_find",
            Verdict.PASS,
            "Anna",
            "2025-03-05",
            "Link visible in the header; hover menu misread",
            line=2,
        ),
        ("0114", "explains_help"): Override(
            "0114",
            "explains_help",
            Verdict.FAIL,
            "Per",
            "2025-03-05T14:30:00",
            "Only a phone number",
            line=3,
        ),
    }


@pytest.mark.parametrize(
    ("written", "verdict"),
    [
        ("pass", Verdict.PASS),
        ("PASS", Verdict.PASS),
        (" Pass ", Verdict.PASS),
        ("1", Verdict.PASS),
        ("fail", Verdict.FAIL),
        ("Fail", Verdict.FAIL),
        ("0", Verdict.FAIL),
    ],
)
def test_accepted_verdicts(tmp_path: Path, written: str, verdict: Verdict) -> None:
    path = _write(tmp_path, f"0114,entry_exists,{written},Anna,2025-03-05,checked by hand\n")
    assert _load(path)[("0114", "entry_exists")].verdict is verdict


@pytest.mark.parametrize(
    ("written", "normalised"),
    [
        ("2025-03-05", "2025-03-05"),
        ("2025-03-05T09:15", "2025-03-05T09:15:00"),
        ("2025-03-05T09:15:00+01:00", "2025-03-05T09:15:00+01:00"),
        ("2025-03-05T09:15:00Z", "2025-03-05T09:15:00+00:00"),
        ("2025-06-02", "2025-06-02"),
    ],
)
def test_when_accepts_iso_dates_and_datetimes(tmp_path: Path, written: str, normalised: str) -> None:
    path = _write(tmp_path, f"0114,entry_exists,pass,Anna,{written},checked by hand\n")
    assert _load(path)[("0114", "entry_exists")].when == normalised


@pytest.mark.parametrize("verdict", ["needs_review", "yes", "2", "passed"])
def test_bad_verdict(tmp_path: Path, verdict: str) -> None:
    problem = _one_problem(tmp_path, f"0114,entry_exists,{verdict},Anna,2025-03-05,x\n")
    assert (problem.line, problem.field) == (2, "verdict")
    assert f"'{verdict}' is not pass or fail" in problem.message


@pytest.mark.parametrize(
    ("when", "fragment"),
    [
        ("2025-02-30", "not a real date"),
        ("2025-03-05T25:00", "not a real date or time"),
        ("05.03.2025", "not a date"),
        ("yesterday", "not a date"),
        ("20250305", "not a date"),
        ("2025-06-03", "in the future"),
    ],
)
def test_bad_when(tmp_path: Path, when: str, fragment: str) -> None:
    problem = _one_problem(tmp_path, f"0114,entry_exists,pass,Anna,{when},x\n")
    assert (problem.line, problem.field) == (2, "when")
    assert fragment in problem.message


@pytest.mark.parametrize("field", ["municipality_id", "criterion", "verdict", "who", "when", "why"])
def test_every_column_must_be_filled(tmp_path: Path, field: str) -> None:
    values = {
        "municipality_id": "0114",
        "criterion": "entry_exists",
        "verdict": "pass",
        "who": "Anna",
        "when": "2025-03-05",
        "why": "seen by hand",
    }
    values[field] = "  "
    problem = _one_problem(tmp_path, ",".join(values.values()) + "\n")
    assert (problem.line, problem.field) == (2, field)
    assert f"{field} is empty" in problem.message


def test_unknown_criterion_lists_the_valid_ones(tmp_path: Path) -> None:
    problem = _one_problem(tmp_path, "0114,entry,pass,Anna,2025-03-05,x\n")
    assert (problem.line, problem.field) == (2, "criterion")
    assert "unknown criterion 'entry'" in problem.message
    assert "entry_exists" in problem.message


def test_unknown_id_with_excel_hint(tmp_path: Path) -> None:
    problems = _problems(
        _write(tmp_path, "114,entry_exists,pass,Anna,2025-03-05,x\n9999,entry_exists,pass,Anna,2025-03-05,x\n")
    )
    assert [(p.line, p.field) for p in problems] == [(2, "municipality_id"), (3, "municipality_id")]
    assert problems[0].message.endswith("did Excel drop leading zeros? expected 0114")
    assert "Excel" not in problems[1].message


def test_duplicate_pair_names_both_lines_but_other_criteria_are_fine(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "0114,entry_exists,pass,Anna,2025-03-05,x\n"
        "0114,on_front_page,pass,Anna,2025-03-05,x\n"
        "0114,entry_exists,fail,Per,2025-03-06,y\n",
    )
    [problem] = _problems(path)
    assert (problem.line, problem.field) == (4, "criterion")
    assert "lines 2 and 4" in problem.message


def test_three_problems_in_a_file_give_exactly_three(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "0114,entry_exists,pass,Anna,2025-03-05,x\n"
        "0115,on_front_page,maybe,Anna,2025-03-05,x\n"
        "0117,easy_to_find,fail,,2025-03-05,x\n"
        "0114,entry_exists,pass,Anna,2025-03-05,x\n",
    )
    problems = _problems(path)
    assert [(p.line, p.field) for p in problems] == [(3, "verdict"), (4, "who"), (5, "criterion")]


def test_header_only_means_no_overrides(tmp_path: Path) -> None:
    assert _load(_write(tmp_path, "")) == {}


def test_missing_column_is_reported(tmp_path: Path) -> None:
    path = _write(
        tmp_path, "0114,entry_exists,pass,Anna,2025-03-05\n", header="municipality_id,criterion,verdict,who,when\n"
    )
    [problem] = _problems(path)
    assert (problem.line, problem.field) == (1, "why")
