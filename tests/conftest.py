"""Shared fixtures: the demo and the labelled corpus, each crawled once per test session."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).parent))  # builders, hostile


def _crawl_corpus(sites: Path, listing: Path, phone: Path | None, out: Path) -> Path:
    from typer.testing import CliRunner

    from audit.cli import app
    from audit.demo import materialise_list
    from audit.demo.server import DemoServer, free_closed_port

    run = out / "run"
    with DemoServer(sites) as server:
        real = materialise_list(listing, out / "list.csv", server.port, free_closed_port())
        args = ["run", str(real), "--out", str(run), "--allow-private-network", "--quiet", "--concurrency", "4"]
        if phone:
            args += ["--phone-checks", str(phone)]
        result = CliRunner().invoke(app, args, catch_exceptions=False)
        assert result.exit_code == 0, result.output
    return run


@pytest.fixture(scope="session")
def demo_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled demo, crawled and scored through the CLI with its phone-check file."""
    from audit.demo import MUNICIPALITIES, PHONE_CHECKS, SITES

    return _crawl_corpus(SITES, MUNICIPALITIES, PHONE_CHECKS, tmp_path_factory.mktemp("demo"))


@pytest.fixture(scope="session")
def corpus_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The harder labelled corpus in calibration/corpus, crawled and scored."""
    corpus = ROOT / "calibration" / "corpus"
    return _crawl_corpus(corpus / "sites", corpus / "municipalities.csv", None, tmp_path_factory.mktemp("corpus"))
