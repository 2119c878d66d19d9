"""Agreement between the tool's verdicts and human labels."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from audit.calibrate import calibrate, cohen_kappa, format_report, load_labels
from audit.criteria import default_criteria_path, load_criteria
from audit.errors import InputError
from audit.models import CriterionOutcome, Evidence, Municipality, SiteResult, SiteStatus, Verdict, to_jsonable

IDS = ("entry_exists", "on_front_page", "easy_to_find", "explains_help", "responsible_person")
HEADER = "id,status," + ",".join(IDS) + ",notes\n"
P, F, R = Verdict.PASS, Verdict.FAIL, Verdict.NEEDS_REVIEW


# --- kappa ------------------------------------------------------------------------------------


def test_kappa_perfect_agreement_is_one() -> None:
    assert cohen_kappa([("1", "1"), ("0", "0"), ("review", "review"), ("1", "1")]) == 1.0
    assert cohen_kappa([("1", "1"), ("1", "1")]) == 1.0  # one category only


def test_kappa_hand_computed_two_by_two() -> None:
    # label\tool   1    0
    #     1       20    5
    #     0       10   15     po = 35/50 = 0.7; pe = (25*30 + 25*20)/50^2 = 0.5; kappa = 0.2/0.5 = 0.4
    pairs = [("1", "1")] * 20 + [("1", "0")] * 5 + [("0", "1")] * 10 + [("0", "0")] * 15
    assert cohen_kappa(pairs) == pytest.approx(0.4)


def test_kappa_chance_and_worse_than_chance() -> None:
    assert cohen_kappa([("1", "1"), ("1", "0"), ("0", "1"), ("0", "0")]) == pytest.approx(0.0)
    assert cohen_kappa([("1", "0"), ("0", "1")]) == pytest.approx(-1.0)
    assert cohen_kappa([("1", "0"), ("1", "0")]) == 0.0  # pe = 0, po = 0


def test_kappa_undefined_without_pairs() -> None:
    assert cohen_kappa([]) is None


# --- calibrate over a results document --------------------------------------------------------


def _result(mid: str, status: SiteStatus, verdicts: tuple[Verdict, ...] = ()) -> dict[str, Any]:
    outcomes = tuple(
        CriterionOutcome(
            cid,
            v,
            f"{cid} was {v.value}",
            evidence=(Evidence(url=f"https://{mid}.example/", text=f"link for {cid}"),)
            if cid == "on_front_page"
            else (),
        )
        for cid, v in zip(IDS, verdicts or (Verdict.NOT_ASSESSED,) * 5, strict=True)
    )
    muni = Municipality(mid, f"Kommun {mid}", "SE", "", f"https://{mid}.example/")
    return to_jsonable(
        SiteResult(muni, status, detail="" if status is SiteStatus.OK else "no such host", outcomes=outcomes)
    )


@pytest.fixture(scope="module")
def criteria_dicts() -> list[dict[str, Any]]:
    return [c.to_dict() for c in load_criteria(default_criteria_path()).criteria]


@pytest.fixture
def results(criteria_dicts: list[dict[str, Any]]) -> dict[str, Any]:
    doc = {
        "criteria": criteria_dicts,
        "results": [
            _result("0001", SiteStatus.OK, (P, F, F, R, P)),
            _result("0002", SiteStatus.OK, (P, P, P, P, P)),
            _result("0003", SiteStatus.DNS_ERROR),
            _result("0004", SiteStatus.OK, (P, P, P, P, P)),
            _result("0005", SiteStatus.OK, (F, F, F, F, F)),
        ],
    }
    return json.loads(json.dumps(doc))  # as read back from results.json


def _labels(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "labels.csv"
    path.write_text(HEADER + body, encoding="utf-8")
    return path


LABELS = (
    "0001,ok,1,1,0,review,1,link hidden in hover menu\n"
    "0002,ok,1,1,1,0,1,\n"
    "0003,dns_error,,,,,,\n"
    "0004,timeout,,,,,,\n"
    "0099,ok,1,1,1,1,1,\n"
)


def test_calibrate_report(tmp_path: Path, results: dict[str, Any]) -> None:
    report = calibrate(results, _labels(tmp_path, LABELS))
    assert report["sites_labelled"] == 5
    assert report["labels_not_in_run"] == ["0099"]
    assert report["unlabelled_in_run"] == ["0005"]

    assert report["status"]["agreement"] == pytest.approx(0.75)
    assert report["status"]["disagreements"] == [{"id": "0004", "label": "timeout", "tool": "ok", "detail": ""}]

    crit = report["criteria"]
    assert {cid: c["n"] for cid, c in crit.items()} == dict.fromkeys(IDS, 2)
    assert crit["entry_exists"]["agreement"] == 1.0 and crit["entry_exists"]["kappa"] == 1.0
    assert crit["easy_to_find"]["agreement"] == 1.0 and crit["easy_to_find"]["kappa"] == pytest.approx(1.0)
    assert crit["on_front_page"]["agreement"] == 0.5 and crit["on_front_page"]["kappa"] == pytest.approx(0.0)
    assert crit["on_front_page"]["confusion"] == {
        "1": {"1": 1, "0": 1, "review": 0},
        "0": {"1": 0, "0": 0, "review": 0},
        "review": {"1": 0, "0": 0, "review": 0},
    }
    assert crit["explains_help"]["confusion"]["review"]["review"] == 1
    assert crit["explains_help"]["confusion"]["0"]["1"] == 1

    assert crit["on_front_page"]["disagreements"] == [
        {
            "id": "0001",
            "name": "Kommun 0001",
            "label": "1",
            "tool": "0",
            "reason": "on_front_page was fail",
            "evidence_url": "https://0001.example/",
            "evidence_text": "link for on_front_page",
            "note": "link hidden in hover menu",
        }
    ]
    [d] = crit["explains_help"]["disagreements"]
    assert (d["id"], d["label"], d["tool"], d["evidence_url"]) == ("0002", "0", "1", "")
    assert crit["entry_exists"]["disagreements"] == [] and crit["responsible_person"]["disagreements"] == []

    text = format_report(report)
    assert "status agreement: 75.0 %" in text
    assert "status 0004: label timeout, tool ok" in text
    assert "DISAGREE 0001 Kommun 0001: label 1, tool 0: on_front_page was fail" in text
    assert "labels for ids not in the run: 0099" in text


def test_labels_are_case_and_space_insensitive(tmp_path: Path, results: dict[str, Any]) -> None:
    report = calibrate(results, _labels(tmp_path, "0001,ok, 1 ,0,0,REVIEW,1,\n"))
    assert all(c["agreement"] == 1.0 for c in report["criteria"].values())


def test_no_comparable_sites_gives_no_agreement(tmp_path: Path, results: dict[str, Any]) -> None:
    report = calibrate(results, _labels(tmp_path, "0003,dns_error,,,,,,\n"))
    assert report["status"]["agreement"] == 1.0
    assert all(c["n"] == 0 and c["agreement"] is None and c["kappa"] is None for c in report["criteria"].values())
    assert "n/a" in format_report(report)


# --- label file errors ------------------------------------------------------------------------


def test_bad_label_value_names_line_and_field(tmp_path: Path) -> None:
    path = _labels(tmp_path, "0001,ok,1,1,0,review,1,\n0002,ok,1,yes,0,0,2,\n")
    with pytest.raises(InputError) as info:
        load_labels(path, IDS)
    problems = [(p.file, p.line, p.field) for p in info.value.problems]
    assert problems == [(str(path), 3, "on_front_page"), (str(path), 3, "responsible_person")]
    assert "got 'yes'" in info.value.problems[0].message


def test_empty_label_on_an_assessed_site_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(InputError) as info:
        load_labels(_labels(tmp_path, "0001,ok,1,,1,1,1,\n"), IDS)
    [problem] = info.value.problems
    assert (problem.line, problem.field) == (2, "on_front_page")


def test_duplicate_label_id(tmp_path: Path) -> None:
    with pytest.raises(InputError) as info:
        load_labels(_labels(tmp_path, "0001,ok,1,1,1,1,1,\n0001,ok,1,1,1,1,1,\n"), IDS)
    [problem] = info.value.problems
    assert (problem.line, problem.field) == (3, "id") and "duplicate id '0001'" in problem.message


def test_missing_criterion_column(tmp_path: Path) -> None:
    path = tmp_path / "labels.csv"
    path.write_text("id,status,entry_exists\n0001,ok,1\n", encoding="utf-8")
    with pytest.raises(InputError) as info:
        load_labels(path, IDS)
    assert len(info.value.problems) == 4
    assert all(p.file == str(path) for p in info.value.problems)


def test_valid_labels_keep_leading_zeros(tmp_path: Path) -> None:
    labels = load_labels(_labels(tmp_path, "0114,ok,1,0,review,1,0,fine\n"), IDS)
    assert list(labels) == ["0114"]
    assert labels["0114"]["easy_to_find"] == "review" and labels["0114"]["notes"] == "fine"
