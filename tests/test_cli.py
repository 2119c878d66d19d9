"""The command line: exit codes, one-line errors naming file/line/field, stdout vs stderr, docs in step."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from audit.cli import app

ROOT = Path(__file__).resolve().parents[1]
runner = CliRunner()


def _invoke(*args: str):
    return runner.invoke(app, list(args))


def _listing(tmp_path: Path, rows: str = "0001,Solby,SE,Testlän,https://solby.example/\n") -> Path:
    path = tmp_path / "list.csv"
    path.write_text("id,name,country,region,url\n" + rows, encoding="utf-8")
    return path


def _registered_commands() -> list[str]:
    return [c.name or (c.callback.__name__ if c.callback else "") for c in app.registered_commands]


def test_the_readme_command_table_is_the_registered_commands():
    """The README's table of commands is built from what the CLI registers: one row per command,
    no row for a command that does not exist, and every command has working help."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    table = re.findall(r"^\| `audit ([a-z-]+)", readme, flags=re.M)
    registered = _registered_commands()
    assert sorted(table) == sorted(registered)
    help_text = _invoke("--help").output
    for name in registered:
        assert re.search(rf"\b{re.escape(name)}\b", help_text), name
        sub = _invoke(name, "--help")
        assert sub.exit_code == 0 and "Usage:" in sub.output, name


def test_readme_documents_every_run_option():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    options = set(re.findall(r"--[a-z][a-z-]+", _invoke("run", "--help").output)) - {"--help"}
    missing = sorted(o for o in options if o not in readme)
    assert not missing


def test_missing_list_is_one_line_exit_1(tmp_path):
    result = _invoke("run", str(tmp_path / "nope.csv"), "--out", str(tmp_path / "out"))
    assert result.exit_code == 1
    assert "nope.csv" in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_broken_phone_checks_stop_the_run_before_anything_is_written(tmp_path):
    listing = _listing(tmp_path)
    phone = tmp_path / "calls.csv"
    phone.write_text(
        "municipality_id,checked_on,responsible_person_named,person_name,role,caller,notes\n"
        "9999,2026-10-01,ja,Anna,chef,Eva,\n"
        "0001,2026-13-01,kanske,,,Eva,\n",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    result = _invoke("run", str(listing), "--out", str(out), "--phone-checks", str(phone))
    assert result.exit_code == 1
    assert "calls.csv, line 2" in result.output and "line 3" in result.output
    assert "municipality_id" in result.output and "checked_on" in result.output
    assert not out.exists()


def test_malformed_criteria_names_the_field(tmp_path):
    bad = tmp_path / "criteria.yaml"
    bad.write_text(
        (ROOT / "criteria.yaml").read_text(encoding="utf-8").replace("weight: 1", "weight: heavy", 1), encoding="utf-8"
    )
    result = _invoke("run", str(_listing(tmp_path)), "--out", str(tmp_path / "o"), "--criteria", str(bad))
    assert result.exit_code == 1
    assert "criteria[0].weight" in result.output


def test_score_on_a_folder_that_is_not_a_run(tmp_path):
    result = _invoke("score", str(tmp_path))
    assert result.exit_code == 1
    assert "run" in result.output


def test_usage_error_is_exit_2():
    assert _invoke("run").exit_code == 2


def test_version_prints_tool_and_rubric():
    result = _invoke("version")
    assert result.exit_code == 0 and "rubric 1.0" in result.output


@pytest.mark.browser
def test_score_json_goes_to_stdout_and_people_to_stderr(demo_run, tmp_path):
    run = tmp_path / "copy"
    shutil.copytree(demo_run, run)
    result = CliRunner().invoke(app, ["score", str(run), "--json"])
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["results"] and "assessed 27 of 30" in result.stderr and "assessed 27 of 30" not in result.stdout


@pytest.mark.browser
def test_check_prints_verdicts_evidence_and_advice_with_exit_codes(tmp_path):
    from audit.demo import SITES
    from audit.demo.server import DemoServer

    with DemoServer(SITES) as server:
        url = server.url_for("almnas")
        ok = CliRunner().invoke(
            app, ["check", url, "--country", "SE", "--allow-private-network", "--out", str(tmp_path / "a")]
        )
        below = CliRunner().invoke(
            app,
            [
                "check",
                server.url_for("lillsund"),
                "--country",
                "SE",
                "--min-score",
                "5",
                "--allow-private-network",
                "--out",
                str(tmp_path / "b"),
            ],
        )
        refused = CliRunner().invoke(app, ["check", url, "--out", str(tmp_path / "c")])
    assert ok.exit_code == 0, ok.output
    assert "[PASS] easy_to_find" in ok.stderr and "evidence:" in ok.stderr
    assert below.exit_code == 3
    assert "how to fix:" in below.stderr  # advice in the site's language
    assert "Beskriv" in below.stderr or "Ange" in below.stderr
    assert refused.exit_code == 1 and "private_network" in refused.stderr
