"""Reading researchers' CSV files robustly and writing spreadsheet-safe CSV atomically."""

from __future__ import annotations

import csv
import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from audit.csvio import read_table, safe_cell, write_csv
from audit.errors import InputError

REQ = ("id", "name")


def _write(tmp_path: Path, content: str | bytes, name: str = "in.csv") -> Path:
    path = tmp_path / name
    if isinstance(content, str):
        path.write_bytes(content.encode("utf-8"))
    else:
        path.write_bytes(content)
    return path


def _problems(path: Path, **kwargs: object) -> list[tuple[int | None, str | None, str]]:
    with pytest.raises(InputError) as info:
        read_table(path, **kwargs)  # type: ignore[arg-type]
    for problem in info.value.problems:
        assert problem.file == str(path)
    return [(p.line, p.field, p.message) for p in info.value.problems]


# --- reading: what spreadsheets do to files ----------------------------------------------------


def test_rows_come_with_their_line_numbers_and_stripped_values(tmp_path: Path) -> None:
    path = _write(tmp_path, " id , name \n0114 ,  Upplands Väsby \n0115,Vallentuna\n")
    assert read_table(path, required=REQ) == [
        (2, {"id": "0114", "name": "Upplands Väsby"}),
        (3, {"id": "0115", "name": "Vallentuna"}),
    ]


def test_utf8_bom_is_not_part_of_the_first_column_name(tmp_path: Path) -> None:
    path = _write(tmp_path, b"\xef\xbb\xbfid,name\r\n0114,Upplands V\xc3\xa4sby\r\n")
    assert read_table(path, required=REQ) == [(2, {"id": "0114", "name": "Upplands Väsby"})]


def test_semicolon_delimiter_is_sniffed_and_commas_stay_in_values(tmp_path: Path) -> None:
    path = _write(tmp_path, "id;name\n0114;Väsby, Upplands\n")
    assert read_table(path, required=REQ) == [(2, {"id": "0114", "name": "Väsby, Upplands"})]


def test_tab_delimiter_is_sniffed(tmp_path: Path) -> None:
    path = _write(tmp_path, "id\tname\n0114\tUpplands Väsby\n")
    assert read_table(path, required=REQ) == [(2, {"id": "0114", "name": "Upplands Väsby"})]


def test_excel_sep_line_names_the_delimiter_and_is_skipped(tmp_path: Path) -> None:
    path = _write(tmp_path, "sep=;\nid;name\n0114;A, B\n")
    assert read_table(path, required=REQ) == [(3, {"id": "0114", "name": "A, B"})]


def test_cp1252_bytes_from_excel_on_windows_are_decoded(tmp_path: Path) -> None:
    path = _write(tmp_path, "id;name\n1280;Malmö\n".encode("cp1252"))
    assert read_table(path, required=REQ) == [(2, {"id": "1280", "name": "Malmö"})]


def test_utf16_unicode_text_export_is_decoded(tmp_path: Path) -> None:
    path = _write(tmp_path, "id\tname\n0114\tÖsteråker\n".encode("utf-16"))
    assert read_table(path, required=REQ) == [(2, {"id": "0114", "name": "Österåker"})]


def test_leading_zeros_are_kept_as_strings(tmp_path: Path) -> None:
    path = _write(tmp_path, "id,name\n0114,A\n005,B\n00,C\n")
    ids = [row["id"] for _, row in read_table(path, required=REQ)]
    assert ids == ["0114", "005", "00"]


def test_blank_lines_and_rows_of_empty_cells_are_skipped(tmp_path: Path) -> None:
    path = _write(tmp_path, "\nid;name\n\n0114;A\n;;\n   \n0115;B\n\n")
    assert read_table(path, required=REQ) == [
        (4, {"id": "0114", "name": "A"}),
        (7, {"id": "0115", "name": "B"}),
    ]


def test_quoted_multiline_value_keeps_later_line_numbers_right(tmp_path: Path) -> None:
    path = _write(tmp_path, 'id,name\n0114,"first\nsecond"\n0115,B\n')
    assert read_table(path, required=REQ) == [
        (2, {"id": "0114", "name": "first\nsecond"}),
        (4, {"id": "0115", "name": "B"}),
    ]


def test_header_names_match_ignoring_case(tmp_path: Path) -> None:
    path = _write(tmp_path, "ID,Name\n0114,A\n")
    assert read_table(path, required=REQ) == [(2, {"id": "0114", "name": "A"})]


def test_absent_optional_columns_read_as_empty(tmp_path: Path) -> None:
    path = _write(tmp_path, "id,name\n0114,A\n")
    rows = read_table(path, required=REQ, optional=("note",))
    assert rows == [(2, {"id": "0114", "name": "A", "note": ""})]


def test_short_rows_are_padded(tmp_path: Path) -> None:
    path = _write(tmp_path, "id,name,note\n0114\n")
    rows = read_table(path, required=REQ, optional=("note",))
    assert rows == [(2, {"id": "0114", "name": "", "note": ""})]


def test_trailing_unnamed_columns_and_blank_extra_cells_are_tolerated(tmp_path: Path) -> None:
    path = _write(tmp_path, "id;name;;\n0114;A;;\n0115;B;;;;\n")
    assert read_table(path, required=REQ) == [
        (2, {"id": "0114", "name": "A"}),
        (3, {"id": "0115", "name": "B"}),
    ]


def test_header_only_gives_no_rows(tmp_path: Path) -> None:
    assert read_table(_write(tmp_path, "id,name\n"), required=REQ) == []


# --- reading: problems ---------------------------------------------------------------------------


def test_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "nope.csv"
    assert _problems(path, required=REQ) == [(None, None, "file not found")]


def test_folder_instead_of_file(tmp_path: Path) -> None:
    assert _problems(tmp_path, required=REQ) == [(None, None, "not a regular file")]


def test_file_over_the_size_limit(tmp_path: Path) -> None:
    path = _write(tmp_path, "id,name\n" + "0114,A\n" * 10)
    [(line, field, message)] = _problems(path, required=REQ, max_bytes=20)
    assert (line, field) == (None, None)
    assert "limit is 20" in message


@pytest.mark.parametrize("content", ["", "\n\n  \n", "\ufeff", ";;;\n"])
def test_empty_file(tmp_path: Path, content: str) -> None:
    [(line, _, message)] = _problems(_write(tmp_path, content), required=REQ)
    assert line is None
    assert "empty" in message


def test_each_missing_required_column_is_named(tmp_path: Path) -> None:
    path = _write(tmp_path, "\nname\nA\n")
    found = _problems(path, required=("id", "name", "url"))
    assert [(line, field) for line, field, _ in found] == [(2, "id"), (2, "url")]
    assert all("missing" in message for _, _, message in found)


def test_unknown_column_is_a_problem(tmp_path: Path) -> None:
    path = _write(tmp_path, "id,name,phone\n0114,A,08-1\n")
    [(line, field, message)] = _problems(path, required=REQ, optional=("note",))
    assert (line, field) == (1, "phone")
    assert "unknown column 'phone'" in message
    assert "note" in message  # the expected columns are listed


def test_repeated_and_unnamed_columns_are_problems(tmp_path: Path) -> None:
    path = _write(tmp_path, "id,,name,ID\n0114,x,A,0114\n")
    found = _problems(path, required=REQ)
    assert [(line, field) for line, field, _ in found] == [(1, None), (1, "ID")]
    assert "column 2 has no name" in found[0][2]
    assert "appears twice" in found[1][2]


def test_row_with_more_cells_than_the_header(tmp_path: Path) -> None:
    path = _write(tmp_path, "id,name\n0114,A\n0115,Väsby, Upplands\n0116,C\n")
    [(line, field, message)] = _problems(path, required=REQ)
    assert (line, field) == (3, None)
    assert "3 cells" in message
    assert "double quotes" in message


def test_unclosed_quote_is_reported_at_its_line(tmp_path: Path) -> None:
    path = _write(tmp_path, 'id,name\n0114,A\n0115,"B\n0116,C\n')
    [(line, _, message)] = _problems(path, required=REQ)
    assert line == 3
    assert "quote" in message


def test_header_and_row_problems_are_reported_together(tmp_path: Path) -> None:
    path = _write(tmp_path, "id,extra\n0114,x,y\n")
    found = _problems(path, required=REQ)
    assert [(line, field) for line, field, _ in found] == [(1, "extra"), (1, "name"), (2, None)]


# --- safe_cell -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ('=HYPERLINK("http://evil","x")', '\'=HYPERLINK("http://evil","x")'),
        ("+46 8 123 45 67", "'+46 8 123 45 67"),
        ("+46 8 123", "'+46 8 123"),
        ("@SUM(A1:A2)", "'@SUM(A1:A2)"),
        ("-1", "'-1"),
        ("-", "'-"),
        ("\t=1+1", "'\t=1+1"),
        ("\r=1+1", "'\r=1+1"),
    ],
)
def test_formula_starts_are_neutralised(value: str, expected: str) -> None:
    assert safe_cell(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Malmö", "Malmö"),
        ("08-123 45 67", "08-123 45 67"),
        ("a = b", "a = b"),
        ("line one\nline two", "line one\nline two"),
        ("tab\tinside", "tab\tinside"),
        (114, "114"),
        (None, ""),
        ("", ""),
    ],
)
def test_ordinary_values_are_unchanged(value: object, expected: str) -> None:
    assert safe_cell(value) == expected


def test_control_characters_are_removed_before_the_formula_check() -> None:
    assert safe_cell("a\x00b\x07c\x1bd\x7f") == "abcd\x7f"
    assert safe_cell("\x00=cmd|' /C calc'!A0") == "'=cmd|' /C calc'!A0"


# --- write_csv -----------------------------------------------------------------------------------


def test_write_csv_round_trips_through_csv_reader(tmp_path: Path) -> None:
    path = tmp_path / "out.csv"
    rows: list[list[object]] = [
        ["0114", 'Upplands "Väsby"', "a, b", "x\ny"],
        ["0115", "=1+1", "+46 8 123", None],
    ]
    write_csv(path, ["id", "name", "note", "more"], rows)
    raw = path.read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf")
    assert b"\r\n" not in raw
    with path.open(encoding="utf-8", newline="") as handle:
        assert list(csv.reader(handle)) == [
            ["id", "name", "note", "more"],
            ["0114", 'Upplands "Väsby"', "a, b", "x\ny"],
            ["0115", "'=1+1", "'+46 8 123", ""],
        ]


def test_write_csv_output_reads_back_with_read_table(tmp_path: Path) -> None:
    path = tmp_path / "out.csv"
    write_csv(path, ["id", "name"], [["0114", "Malmö; Lund"]])
    assert read_table(path, required=REQ) == [(2, {"id": "0114", "name": "Malmö; Lund"})]


def test_write_csv_leaves_no_temporary_file(tmp_path: Path) -> None:
    path = tmp_path / "out.csv"
    write_csv(path, ["id"], [["1"]])
    write_csv(path, ["id"], [["2"]])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.csv"]
    assert path.read_text(encoding="utf-8") == "id\n2\n"


def test_failed_write_keeps_the_old_file_and_removes_the_temporary(tmp_path: Path) -> None:
    path = tmp_path / "out.csv"
    path.write_text("old\n", encoding="utf-8")

    def rows() -> Iterator[list[object]]:
        yield ["1"]
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        write_csv(path, ["id"], rows())
    assert path.read_text(encoding="utf-8") == "old\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.csv"]


def test_row_of_the_wrong_length_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "out.csv"
    with pytest.raises(ValueError, match="row 2 has 1 cells"):
        write_csv(path, ["id", "name"], [["1", "a"], ["2"]])
    assert list(tmp_path.iterdir()) == []


def test_every_output_gets_the_umasks_mode(tmp_path: Path) -> None:
    # One mode for every output, so a published report never links a file its server cannot read.
    old = os.umask(0o027)
    try:
        fresh = tmp_path / "fresh.csv"
        write_csv(fresh, ["id"], [])
        assert stat.S_IMODE(fresh.stat().st_mode) == 0o640
        rewritten = tmp_path / "kept.csv"
        rewritten.write_text("x\n", encoding="utf-8")
        os.chmod(rewritten, 0o600)
        write_csv(rewritten, ["id"], [])
        assert stat.S_IMODE(rewritten.stat().st_mode) == 0o640
    finally:
        os.umask(old)
