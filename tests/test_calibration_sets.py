"""Every labelled set keeps its recorded agreement, judged from frozen snapshots (no browser).

Each folder of ``calibration/`` holds the human labels of a set of sites and what the crawler saw
of them (``snapshots.json.gz``). The checks are re-run over those snapshots here, in the fast
suite; ``expected.json`` holds the figures the set must keep (see docs/calibration.md).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from audit.calibrate import EXPECTED, MAX_REVIEW_SHARE, calibrate_set, format_report, is_set, shortfalls
from audit.criteria import default_criteria_path, load_criteria

CALIBRATION = Path(__file__).resolve().parents[1] / "calibration"
SETS = sorted(p for p in CALIBRATION.iterdir() if p.is_dir() and (p / "labels.csv").is_file())


def test_every_labelled_set_has_frozen_snapshots_and_recorded_figures() -> None:
    assert {p.name for p in SETS} >= {"demo", "corpus"}
    for set_dir in SETS:
        assert is_set(set_dir), f"{set_dir.name}: no snapshots.json.gz"
        assert (set_dir / EXPECTED).is_file(), f"{set_dir.name}: no expected.json"


@pytest.fixture(scope="module")
def criteria():
    return load_criteria(default_criteria_path())


@pytest.mark.parametrize("set_dir", SETS, ids=[p.name for p in SETS])
def test_set_keeps_its_recorded_agreement(set_dir: Path, criteria) -> None:
    report = calibrate_set(set_dir, criteria)
    expected = json.loads((set_dir / EXPECTED).read_text(encoding="utf-8"))
    assert shortfalls(report, expected) == [], format_report(report)


@pytest.mark.parametrize("set_dir", SETS, ids=[p.name for p in SETS])
def test_set_has_no_silent_error_and_few_reviews(set_dir: Path, criteria) -> None:
    report = calibrate_set(set_dir, criteria)
    assert report["silent_errors"] == [], format_report(report)
    assert report["review_share"] <= MAX_REVIEW_SHARE
    assert report["labels_not_in_run"] == [] and report["unlabelled_in_run"] == []


def test_the_bundled_calibration_record_is_the_docs_table() -> None:
    """The method page cites calibration_record.yaml; it must say what docs/calibration.md says."""
    import re

    from audit.pipeline import calibration_record

    docs = (Path(__file__).resolve().parents[1] / "docs" / "calibration.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| (\d+) \| [\d-]+ \| \d+ \((\d+)\) \| [^|]+ \|((?: [\d.]+ % \([\d.]+\) \|){5})", docs, re.M)
    assert rows, "the pre-tuning table of docs/calibration.md was not found"
    record = {b["batch"]: b for b in calibration_record()}
    assert sorted(record) == sorted(int(r[0]) for r in rows)
    criteria = ("entry_exists", "on_front_page", "easy_to_find", "explains_help", "responsible_person")
    for batch, sites, cells in rows:
        figures = [float(x) for x in re.findall(r"([\d.]+) %", cells)]
        entry = record[int(batch)]
        assert entry["sites"] == int(sites)
        assert [entry["agreement"][c] for c in criteria] == figures, batch
