"""Clear errors, early: one readable line (exit 1) instead of a traceback, before anything is crawled."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from audit.archive import Ledger, write_captured
from audit.cli import app
from audit.crawl_types import Captured
from audit.criteria import default_criteria_path, load_criteria
from audit.errors import InputError
from audit.models import CrawlFailure, Municipality, SiteStatus
from audit.municipalities import load_municipalities
from audit.pipeline import prepare_run_dir

runner = CliRunner()
MUNI = Municipality("0001", "Solby", "SE", "Testlän", "https://solby.example/")


def _one_line(result, *words: str) -> None:
    assert result.exit_code == 1, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.output
    for w in words:
        assert w in result.output, result.output


@pytest.fixture
def scored(tmp_path: Path) -> Path:
    run = tmp_path / "run"
    prepare_run_dir(run, [MUNI], {"settings": {}, "language": "sv"}, resume=False)
    ledger = Ledger(run)
    write_captured(run, Captured(result=CrawlFailure(MUNI, SiteStatus.DNS_ERROR, "no such host")), ledger)
    ledger.close()
    assert runner.invoke(app, ["score", str(run), "--quiet"]).exit_code == 0
    return run


# --- 10. tracebacks become one line ---------------------------------------------------------------


@pytest.mark.parametrize("command", [["report"], ["score"], ["call-list"]])
def test_an_unwritable_run_folder_is_one_line(scored: Path, command: list[str], monkeypatch) -> None:
    # As root (CI) permission bits do not stop writes, so the refusal the OS would give is simulated.
    import audit.atomic

    def refuse(path: Path, **_options: object):
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr(audit.atomic, "atomic_path", refuse)
    monkeypatch.setattr(audit.atomic.tempfile, "mkstemp", lambda **kw: refuse(kw.get("dir", scored)))
    _one_line(runner.invoke(app, [*command, str(scored)]), "Permission denied")


def test_call_list_to_a_missing_folder_or_a_folder_is_one_line(scored: Path, tmp_path: Path) -> None:
    _one_line(
        runner.invoke(app, ["call-list", str(scored), "--output", str(tmp_path / "nope" / "calls.csv")]),
        "does not exist",
    )
    _one_line(runner.invoke(app, ["call-list", str(scored), "--output", str(tmp_path)]), "is a folder")


def test_score_on_a_snapshot_with_an_empty_record_is_one_line(scored: Path) -> None:
    (scored / "snapshots/0001/site.json").write_text('{"kind": "snapshot", "record": {}}', encoding="utf-8")
    _one_line(runner.invoke(app, ["score", str(scored)]), "site.json")


# --- 11. every option checked before the first request ---------------------------------------------


def _listing(tmp_path: Path) -> Path:
    path = tmp_path / "list.csv"
    path.write_text("id,name,country,region,url\n0001,Solby,SE,Testlän,http://192.0.2.1/\n", encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("option", "words"),
    [
        (["--lang", "xx"], ("unsupported report language",)),
        (["--compare", "/missing/run"], ("/missing/run",)),
        (["--engine", "bogus"], ("unknown engine",)),
    ],
)
def test_bad_options_fail_before_anything_is_written(tmp_path: Path, option: list[str], words: tuple[str, ...]) -> None:
    out = tmp_path / "out"
    result = runner.invoke(app, ["run", str(_listing(tmp_path)), "--out", str(out), *option])
    _one_line(result, *words)
    assert not out.exists()


def test_crawl_with_a_bogus_engine_leaves_no_run_json(tmp_path: Path) -> None:
    out = tmp_path / "out"
    _one_line(
        runner.invoke(app, ["crawl", str(_listing(tmp_path)), "--out", str(out), "--engine", "bogus"]), "unknown engine"
    )
    assert not (out / "run.json").exists()


# --- 12. duplicate keys in criteria.yaml -----------------------------------------------------------


def test_a_duplicate_key_in_criteria_is_refused_with_its_line(tmp_path: Path) -> None:
    text = default_criteria_path().read_text(encoding="utf-8")
    text = text.replace("  max_depth: 2\n", "  max_depth: 2\n  max_depth: 5\n", 1)
    path = tmp_path / "criteria.yaml"
    path.write_text(text, encoding="utf-8")
    line = text.splitlines().index("  max_depth: 5") + 1
    with pytest.raises(InputError) as info:
        load_criteria(path)
    [problem] = info.value.problems
    assert problem.line == line and "duplicate key 'max_depth'" in problem.message


def test_a_missing_rubric_version_is_reported_once(tmp_path: Path) -> None:
    text = default_criteria_path().read_text(encoding="utf-8").replace('rubric_version: "1.0"\n', "", 1)
    path = tmp_path / "criteria.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as info:
        load_criteria(path)
    assert [p.field for p in info.value.problems] == ["rubric_version"]


# --- 14. input files: say what is wrong, where ----------------------------------------------------------


def _write(tmp_path: Path, data: bytes) -> Path:
    path = tmp_path / "list.csv"
    path.write_bytes(data)
    return path


def test_utf16_le_without_a_mark_is_read(tmp_path: Path) -> None:
    text = "id,name,country,region,url\n0114,Upplands Väsby,SE,Stockholms län,https://www.upplandsvasby.se/\n"
    [m] = load_municipalities(_write(tmp_path, text.encode("utf-16-le")))
    assert (m.id, m.name, m.region) == ("0114", "Upplands Väsby", "Stockholms län")


def test_an_over_long_id_names_file_line_and_field(tmp_path: Path) -> None:
    long_id = "a" * 33
    path = _write(tmp_path, f"id,name,country,region,url\n{long_id},A,SE,X,https://a.se/\n".encode())
    with pytest.raises(InputError) as info:
        load_municipalities(path)
    [p] = info.value.problems
    assert (p.file, p.line, p.field) == (str(path), 2, "id") and "33 characters" in p.message


def test_a_huge_value_is_not_called_an_unclosed_quote(tmp_path: Path) -> None:
    path = _write(tmp_path, ("id,name,country,region,url\n0001,A,SE,X,https://a.se/" + "x" * 1_000_000 + "\n").encode())
    with pytest.raises(InputError) as info:
        load_municipalities(path)
    messages = " ".join(p.message for p in info.value.problems)
    assert "longer than" in messages and "quote" not in messages


def test_an_unclosed_quote_is_still_called_one(tmp_path: Path) -> None:
    path = _write(tmp_path, ('id,name,country,region,url\n0001,"A,SE,X,https://a.se/' + "x" * 200_000 + "\n").encode())
    with pytest.raises(InputError) as info:
        load_municipalities(path)
    assert "never closed" in " ".join(p.message for p in info.value.problems)


def test_a_row_with_too_many_cells_does_not_hide_the_other_rows_problems(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        (
            b"id,name,country,region,url\n"
            b"0001,A,SE,X,https://a.se/,extra\n"
            b"0002,B,Sweden,X,https://b.se/\n"
            b"0003,C,SE,X,ftp://c.se/\n"
        ),
    )
    with pytest.raises(InputError) as info:
        load_municipalities(path)
    assert [(p.line, p.field) for p in info.value.problems] == [(2, None), (3, "country"), (4, "url")]


def test_problems_are_one_line_each_in_the_cli(tmp_path: Path) -> None:
    path = _write(tmp_path, ("id,name,country,region,url\n" + "a" * 40 + ",A,SE,X,https://a.se/\n").encode())
    result = runner.invoke(app, ["run", str(path), "--out", str(tmp_path / "out")])
    _one_line(result, str(path), "line 2", "field 'id'")
    assert json.dumps(result.output).count("\\n") == 1
