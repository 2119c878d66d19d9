"""Never touch what is not ours: run folders are marked, locked, and only the tool's files are removed.

Each test builds the situation of a reported wrong behaviour and shows the tool now refuses it
with one line (exit 1) and leaves the user's files as they were.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from audit.archive import Ledger, forget_crawl, write_bytes_atomic, write_captured
from audit.atomic import remove_temporary_files
from audit.cli import app
from audit.crawl_types import Captured
from audit.errors import AuditError
from audit.models import CrawlFailure, Municipality, SiteStatus
from audit.pipeline import prepare_run_dir
from audit.runfolder import RunKind, locked

runner = CliRunner()
MUNIS = [
    Municipality("0001", "Solby", "SE", "Testlän", "https://solby.example/"),
    Municipality("0002", "Ekby", "SE", "Testlän", "https://ekby.example/"),
]


def _listing(tmp_path: Path, rows: str = "0001,Solby,SE,Testlän,https://solby.example/\n") -> Path:
    path = tmp_path / "list.csv"
    path.write_text("id,name,country,region,url\n" + rows, encoding="utf-8")
    return path


def _snapshot_files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _finished_run(folder: Path, kind: RunKind = RunKind.RUN) -> None:
    prepare_run_dir(folder, MUNIS, {"settings": {}}, resume=False, kind=kind)
    ledger = Ledger(folder)
    write_captured(folder, Captured(result=CrawlFailure(MUNIS[0], SiteStatus.DNS_ERROR, "no")), ledger)
    ledger.close()


def _one_line_error(result, *words: str) -> None:
    assert result.exit_code == 1, result.output
    assert len(result.output.strip().splitlines()) == 1, result.output
    for w in words:
        assert w in result.output


# 3. a folder of the user's files is never written into
@pytest.mark.parametrize("command", ["run", "crawl"])
def test_a_folder_of_someone_elses_files_is_refused(tmp_path: Path, command: str) -> None:
    folder = tmp_path / "mine"
    folder.mkdir()
    for name in ("index.html", "results.csv", "report.css", "run.json"):
        (folder / name).write_text("the user's own", encoding="utf-8")
    before = _snapshot_files(folder)
    result = runner.invoke(app, [command, str(_listing(tmp_path)), "--out", str(folder)])
    _one_line_error(result, "not a run folder of this tool")
    assert _snapshot_files(folder) == before


# 4. the demo only ever redoes a demo folder
def test_demo_refuses_a_real_run_folder_and_leaves_it_whole(tmp_path: Path) -> None:
    folder = tmp_path / "run"
    _finished_run(folder)
    before = _snapshot_files(folder)
    result = runner.invoke(app, ["demo", "--out", str(folder)])
    _one_line_error(result, "holds a run run")
    assert _snapshot_files(folder) == before


def test_redoing_a_demo_removes_only_the_files_its_ledger_lists(tmp_path: Path) -> None:
    folder = tmp_path / "demo"
    _finished_run(folder, RunKind.DEMO)
    stranger = folder / "snapshots" / "0001" / "my-notes.txt"
    stranger.write_text("keep me", encoding="utf-8")
    assert (folder / "snapshots/0001/site.json").exists()
    assert forget_crawl(folder) == 1
    assert not (folder / "snapshots/0001/site.json").exists()
    assert stranger.read_text(encoding="utf-8") == "keep me"


# 5. resume removes the tool's own temporary files only
def test_resume_removes_only_the_tools_temporary_files(tmp_path: Path) -> None:
    folder = tmp_path / "run"
    _finished_run(folder)
    users = [folder / "notes.tmp", folder / ".draft.tmp", folder / "snapshots" / "0001" / ".page.html.tmp"]
    for path in users:
        path.write_text("the user's", encoding="utf-8")
    ours = folder / "snapshots" / "0001" / ".page-0.html.~audit-k2j3h4.tmp"
    ours.write_bytes(b"half a page")
    prepare_run_dir(folder, MUNIS, {"settings": {}}, resume=True)
    assert not ours.exists()
    assert all(p.read_text(encoding="utf-8") == "the user's" for p in users)


def test_atomic_writes_leave_only_marked_temporary_names(tmp_path: Path, monkeypatch) -> None:
    # A write killed half way leaves a temporary file that remove_temporary_files recognises.
    import os

    def boom(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "replace", boom)
    with pytest.raises(KeyboardInterrupt):
        write_bytes_atomic(tmp_path / "page.html", b"x")
    monkeypatch.undo()
    assert list(tmp_path.iterdir()) == []  # cleaned up on the way out
    (tmp_path / ".page.html.~audit-abc123.tmp").write_bytes(b"x")  # what kill -9 would leave
    assert remove_temporary_files(tmp_path) == 1


# 6. a self-check never mixes into a nationwide run
def test_check_refuses_a_run_folder_and_leaves_its_results(tmp_path: Path) -> None:
    folder = tmp_path / "run"
    _finished_run(folder)
    (folder / "results.json").write_text('{"results": ["national"]}', encoding="utf-8")
    before = _snapshot_files(folder)
    result = runner.invoke(app, ["check", "https://solby.example/", "--out", str(folder)])
    _one_line_error(result, "check run cannot be written")
    assert _snapshot_files(folder) == before


# 7. one process per folder
def test_a_second_process_gets_one_line_naming_the_holder(tmp_path: Path) -> None:
    folder = tmp_path / "run"
    _finished_run(folder)
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time; from pathlib import Path; from audit.runfolder import locked\n"
            f"with locked(Path({str(folder)!r})):\n    print('held', flush=True); time.sleep(30)",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        result = runner.invoke(app, ["crawl", str(_listing(tmp_path)), "--out", str(folder), "--resume"])
        _one_line_error(result, "in use by another audit process", f"pid {holder.pid}")
        result = runner.invoke(app, ["score", str(folder)])
        _one_line_error(result, f"pid {holder.pid}")
    finally:
        holder.kill()
        holder.wait()
    with locked(folder):  # the lock dies with its holder
        pass


def test_lock_is_exclusive_within_a_process_too(tmp_path: Path) -> None:
    with locked(tmp_path), pytest.raises(AuditError, match="in use"), locked(tmp_path):
        pass


# 8. resume needs the same list
def test_resume_with_a_different_list_says_what_changed(tmp_path: Path) -> None:
    folder = tmp_path / "run"
    _finished_run(folder)
    changed = [
        Municipality("0001", "Solby", "SE", "Testlän", "https://new.solby.example/"),
        Municipality("0003", "Nyby", "SE", "Testlän", "https://nyby.example/"),
    ]
    with pytest.raises(AuditError) as info:
        prepare_run_dir(folder, changed, {"settings": {}}, resume=True)
    message = str(info.value)
    assert "1 added (0003)" in message and "1 removed (0002)" in message and "1 changed (0001)" in message
    assert json.loads((folder / "municipalities.json").read_text(encoding="utf-8"))[1]["id"] == "0002"


def test_a_second_run_without_resume_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "run"
    _finished_run(folder)
    with pytest.raises(AuditError, match="use --resume"):
        prepare_run_dir(folder, MUNIS, {"settings": {}}, resume=False)


def test_run_json_marks_the_folder_as_the_tools_own(tmp_path: Path) -> None:
    folder = tmp_path / "run"
    _finished_run(folder)
    meta = json.loads((folder / "run.json").read_text(encoding="utf-8"))
    assert meta["tool"] == "municipal-service-audit" and meta["kind"] == "run"
    assert len(meta["run_id"]) == 12 and len(meta["list_sha256"]) == 64
