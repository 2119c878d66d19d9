"""`audit publish`: a clean, world-readable folder of the public report, and nothing else."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from report_fixtures import build_results, write_screenshots
from typer.testing import CliRunner

from audit.cli import app
from audit.errors import AuditError
from audit.exports import write_exports
from audit.publish import MARKER, publish
from audit.report import render_report


@pytest.fixture
def run_dir(tmp_path: Path) -> Path:
    run = tmp_path / "run"
    run.mkdir()
    results = build_results()
    write_screenshots(run)
    write_exports(run, results)
    render_report(run, results, lang="en")
    # What a real run holds besides the report, none of it for the public.
    (run / "ledger.sqlite").write_bytes(b"ledger")
    (run / "run.json").write_text("{}", encoding="utf-8")
    (run / "archive").mkdir()
    (run / "archive" / "0114.warc.gz").write_bytes(b"warc")
    (run / "snapshots" / "0114" / "page-0.html").write_text("<html>stored</html>", encoding="utf-8")
    (run / "snapshots" / "0114" / "unlinked.png").write_bytes(b"png")
    return run


def _files(folder: Path) -> set[str]:
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()}


def test_publishes_the_public_report_and_what_it_links_to(run_dir: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    done = publish(run_dir, site)
    files = _files(site)
    assert {"index.html", "method.html", "report.css", "report.js", "results.csv", "CODEBOOK.md"} <= files
    assert "municipalities/0114.html" in files and "snapshots/0114/home.png" in files
    for private in ("calls.html", "ledger.sqlite", "run.json", "archive/0114.warc.gz", "snapshots/0114/page-0.html"):
        assert private not in files, private
    assert "snapshots/0114/unlinked.png" not in files  # only what the report links to
    assert set(done.files) | {MARKER} == files


def test_every_published_file_is_world_readable(run_dir: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    publish(run_dir, site)
    for path in [site, *site.rglob("*")]:
        mode = stat.S_IMODE(path.stat().st_mode)
        assert mode == (0o755 if path.is_dir() else 0o644), (path, oct(mode))


def test_stored_pages_and_archives_only_when_asked(run_dir: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    publish(run_dir, site, with_archive=True)
    assert "archive/0114.warc.gz" in _files(site)


def test_refuses_a_folder_that_is_not_its_own(run_dir: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    site.mkdir()
    (site / "notes.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(AuditError, match="not empty"):
        publish(run_dir, site)
    assert (site / "notes.txt").read_text(encoding="utf-8") == "mine"
    with pytest.raises(AuditError, match="outside the run folder"):
        publish(run_dir, run_dir / "public")


def test_republishing_replaces_only_its_own_files(run_dir: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    publish(run_dir, site)
    (site / "results.csv").write_text("stale", encoding="utf-8")
    (run_dir / "results.csv").unlink()
    publish(run_dir, site)
    assert not (site / "results.csv").exists()  # written by the first publish, gone with its source
    assert (site / "index.html").is_file()


def test_the_command_prints_one_line_and_refuses_a_folder_without_a_report(run_dir: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    ok = runner.invoke(app, ["publish", str(run_dir), "--out", str(tmp_path / "site")])
    assert ok.exit_code == 0 and "published" in ok.output
    (run_dir / "index.html").unlink()
    bad = runner.invoke(app, ["publish", str(run_dir), "--out", str(tmp_path / "other")])
    assert bad.exit_code == 1 and len(bad.output.strip().splitlines()) == 1
