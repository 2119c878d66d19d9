"""Loading the researchers' phone-check file."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from audit.errors import InputError, Problem
from audit.models import PhoneCheck
from audit.phone_checks import load_phone_checks, parse_yes_no

HEADER = "municipality_id,checked_on,responsible_person_named,person_name,role,caller,notes\n"
KNOWN = {"0114", "0115", "0117", "005"}
TODAY = date(2025, 6, 1)


def _write(tmp_path: Path, body: str, header: str = HEADER) -> Path:
    path = tmp_path / "phone_checks.csv"
    path.write_text(header + body, encoding="utf-8")
    return path


def _load(path: Path) -> dict[str, PhoneCheck]:
    return load_phone_checks(path, KNOWN, today=TODAY)


def _problems(path: Path) -> list[Problem]:
    with pytest.raises(InputError) as info:
        _load(path)
    assert all(p.file == str(path) for p in info.value.problems)
    return info.value.problems


def _one_problem(tmp_path: Path, row: str) -> Problem:
    [problem] = _problems(_write(tmp_path, row))
    return problem


def test_valid_rows_become_phone_checks(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "0114,2025-03-05,ja,Anna Berg,Kontaktcenterchef,Lena,named at once\n0115, 5.3.2025 ,Nej,,,Lena,\n",
    )
    assert _load(path) == {
        "0114": PhoneCheck(
            "0114", "2025-03-05", True, "Anna Berg", "Kontaktcenterchef", "Lena", "named at once", line=2
        ),
        "0115": PhoneCheck("0115", "2025-03-05", False, "", "", "Lena", "", line=3),
    }


def test_excel_file_with_semicolons_and_cp1252(tmp_path: Path) -> None:
    path = tmp_path / "phone_checks.csv"
    text = HEADER.replace(",", ";") + "0114;05.03.2025;Ja;Åsa Öberg;Chef;Märta;\n"
    path.write_bytes(text.encode("cp1252"))
    check = _load(path)["0114"]
    assert check.person_name == "Åsa Öberg"
    assert (check.caller, check.checked_on) == ("Märta", "2025-03-05")


def test_header_only_means_no_phone_checks_yet(tmp_path: Path) -> None:
    assert _load(_write(tmp_path, "")) == {}


@pytest.mark.parametrize(
    "word",
    ["yes", "YES", "ja", "Ja", "true", "True", "1", "y", "Y", "kyllä", "KYLLÄ", " yes ", "kylla\u0308"],
)
def test_every_yes_spelling(tmp_path: Path, word: str) -> None:
    assert parse_yes_no(word) is True
    path = _write(tmp_path, f"0114,2025-03-05,{word},Anna Berg,Chef,Lena,\n")
    assert _load(path)["0114"].responsible_person_named is True


@pytest.mark.parametrize("word", ["no", "NO", "nej", "Nej", "nei", "NEI", "false", "FALSE", "0", "n", "N", "ei", "Ei"])
def test_every_no_spelling(tmp_path: Path, word: str) -> None:
    assert parse_yes_no(word) is False
    path = _write(tmp_path, f"0114,2025-03-05,{word},,,Lena,\n")
    assert _load(path)["0114"].responsible_person_named is False


@pytest.mark.parametrize("word", ["maybe", "", "jo", "2", "x"])
def test_other_answers_are_problems(tmp_path: Path, word: str) -> None:
    assert parse_yes_no(word) is None
    problem = _one_problem(tmp_path, f"0114,2025-03-05,{word},,,Lena,\n")
    assert (problem.line, problem.field) == (2, "responsible_person_named")
    assert "kyllä" in problem.message  # the accepted spellings are listed


@pytest.mark.parametrize(
    ("written", "fragment"),
    [
        ("2025-02-30", "not a real date"),
        ("31.04.2025", "not a real date"),
        ("5/3/2025", "not a date"),
        ("March 5", "not a date"),
        ("20250305", "not a date"),
        ("2025-06-03", "in the future"),
        ("", "empty"),
    ],
)
def test_bad_dates(tmp_path: Path, written: str, fragment: str) -> None:
    problem = _one_problem(tmp_path, f"0114,{written},no,,,Lena,\n")
    assert (problem.line, problem.field) == (2, "checked_on")
    assert fragment in problem.message


def test_tomorrow_is_still_accepted(tmp_path: Path) -> None:
    path = _write(tmp_path, "0114,2025-06-02,no,,,Lena,\n")
    assert _load(path)["0114"].checked_on == "2025-06-02"


def test_caller_is_required(tmp_path: Path) -> None:
    problem = _one_problem(tmp_path, "0114,2025-03-05,no,,,,\n")
    assert (problem.line, problem.field) == (2, "caller")


def test_yes_needs_a_person_name(tmp_path: Path) -> None:
    problem = _one_problem(tmp_path, "0114,2025-03-05,yes,,Chef,Lena,\n")
    assert (problem.line, problem.field) == (2, "person_name")
    assert "responsible_person_named is yes" in problem.message


def test_unknown_and_empty_municipality_ids(tmp_path: Path) -> None:
    problems = _problems(_write(tmp_path, "9999,2025-03-05,no,,,Lena,\n,2025-03-05,no,,,Lena,\n"))
    assert [(p.line, p.field) for p in problems] == [(2, "municipality_id"), (3, "municipality_id")]
    assert "'9999' is not in the municipality list" in problems[0].message
    assert "Excel" not in problems[0].message
    assert "empty" in problems[1].message


def test_id_that_lost_its_leading_zero_gets_the_excel_hint(tmp_path: Path) -> None:
    problems = _problems(_write(tmp_path, "114,2025-03-05,no,,,Lena,\n5,2025-03-05,no,,,Lena,\n"))
    assert [(p.line, p.field) for p in problems] == [(2, "municipality_id"), (3, "municipality_id")]
    assert problems[0].message.endswith("did Excel drop leading zeros? expected 0114")
    assert problems[1].message.endswith("did Excel drop leading zeros? expected 005")


def test_short_id_that_is_itself_known_is_accepted(tmp_path: Path) -> None:
    path = _write(tmp_path, "114,2025-03-05,no,,,Lena,\n")
    assert list(load_phone_checks(path, {"114", "0114"}, today=TODAY)) == ["114"]


def test_duplicate_id_names_both_lines(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "0114,2025-03-05,no,,,Lena,\n0115,2025-03-05,no,,,Lena,\n0114,2025-03-06,no,,,Per,\n",
    )
    [problem] = _problems(path)
    assert (problem.line, problem.field) == (4, "municipality_id")
    assert "lines 2 and 4" in problem.message


def test_three_problems_in_a_file_give_exactly_three(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "0114,2025-03-05,no,,,Lena,\n"
        "114,2025-03-05,no,,,Lena,\n"
        "0115,2025-03-05,kanske,,,Lena,\n"
        "0117,2030-01-01,no,,,Lena,\n",
    )
    problems = _problems(path)
    assert [(p.line, p.field) for p in problems] == [
        (3, "municipality_id"),
        (4, "responsible_person_named"),
        (5, "checked_on"),
    ]


def test_missing_and_unknown_columns_are_reported(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "0114,2025-03-05,no,Lena,x\n",
        header="municipality_id,checked_on,responsible_person_named,caller,extra\n",
    )
    problems = _problems(path)
    assert {(p.line, p.field) for p in problems} == {(1, "extra"), (1, "person_name"), (1, "role"), (1, "notes")}
