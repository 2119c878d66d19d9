"""The researchers' desk without a browser: saves, validation, history, safety, concurrency."""

from __future__ import annotations

import csv
import json
import threading
from pathlib import Path
from typing import Any

import pytest
from report_fixtures import build_results, write_screenshots
from starlette.testclient import TestClient

from audit.criteria import default_criteria_path, load_criteria
from audit.desk.app import TOKEN_COOKIE, create_app
from audit.desk.store import DeskFiles
from audit.phone_checks import load_phone_checks
from audit.pipeline import RESULTS_SCHEMA_VERSION

CRITERIA = load_criteria(default_criteria_path())
IDS = ["0114", "0115", "0117", "0120", "0123", "0125", "0126", "0127", "0128"]


@pytest.fixture
def run_dir(tmp_path: Path) -> Path:
    results = build_results()
    results["schema_version"] = RESULTS_SCHEMA_VERSION
    (tmp_path / "results.json").write_text(json.dumps(results), encoding="utf-8")
    write_screenshots(tmp_path)
    return tmp_path


def _client(run_dir: Path, token: str | None = None) -> TestClient:
    return TestClient(create_app(run_dir, CRITERIA, IDS, token=token), base_url="http://127.0.0.1:8765")


def _csrf(client: TestClient, page: str = "/calls") -> str:
    html = client.get(page).text
    return html.split('name="csrf" value="', 1)[1].split('"', 1)[0]


def _call(**values: str) -> dict[str, str]:
    row = {
        "municipality_id": "0120",
        "checked_on": "2025-03-05",
        "caller": "Eva",
        "responsible_person_named": "yes",
        "person_name": "Karin Lund",
        "role": "enhetschef",
        "notes": "",
    }
    return {**row, **values}


def test_the_call_list_shows_who_to_call_and_what_to_ask(run_dir: Path) -> None:
    page = _client(run_dir).get("/calls").text
    assert "Värmdö" in page and "08-570 470 00" in page
    assert "Vem är ansvarig för kommunens kundtjänst" in page  # the run's language


def test_a_saved_call_lands_in_phone_checks_csv_as_the_loader_reads_it(run_dir: Path) -> None:
    client = _client(run_dir)
    response = client.post("/calls", data={**_call(), "csrf": _csrf(client)}, follow_redirects=False)
    assert response.status_code == 303
    checks = load_phone_checks(run_dir / "phone_checks.csv", IDS)
    assert checks["0120"].person_name == "Karin Lund" and checks["0120"].responsible_person_named
    history = [json.loads(line) for line in (run_dir / "desk_history.jsonl").read_text(encoding="utf-8").splitlines()]
    assert (
        history[-1]["who"] == "Eva" and history[-1]["old"] is None and history[-1]["new"]["person_name"] == "Karin Lund"
    )
    assert "Saved" in client.get("/calls").text


def test_a_bad_entry_gets_the_loaders_own_error_next_to_the_field_and_nothing_changes(run_dir: Path) -> None:
    client = _client(run_dir)
    client.post("/calls", data={**_call(), "csrf": _csrf(client)})
    before = (run_dir / "phone_checks.csv").read_bytes()
    page = client.post("/calls", data={**_call(checked_on="2025-13-40", caller=""), "csrf": _csrf(client)}).text
    assert "checked_on" in page and "caller is empty; write who made the call" in page
    assert "phone_checks.csv, line 2" in page
    assert (run_dir / "phone_checks.csv").read_bytes() == before
    assert not list(run_dir.glob(".*.tmp"))


def test_a_decision_in_the_review_queue_lands_in_overrides_csv(run_dir: Path) -> None:
    client = _client(run_dir)
    page = client.get("/review").text
    assert "Värmdö" in page  # awaiting a call
    data = {
        "municipality_id": "0123",
        "criterion": "explains_help",
        "verdict": "pass",
        "who": "M. R.",
        "why": "lists matters",
    }
    assert (
        client.post("/review", data={**data, "csrf": _csrf(client, "/review")}, follow_redirects=False).status_code
        == 303
    )
    with (run_dir / "overrides.csv").open(encoding="utf-8") as handle:
        [row] = list(csv.DictReader(handle))
    assert (row["criterion"], row["verdict"], row["who"], row["why"]) == (
        "explains_help",
        "pass",
        "M. R.",
        "lists matters",
    )
    assert row["when"]


def test_an_inquiry_is_recorded_and_a_broken_import_changes_nothing(run_dir: Path) -> None:
    client = _client(run_dir)
    data = {
        "municipality_id": "0114",
        "channel": "email",
        "question": "Hur ansöker jag om bygglov?",
        "sent_at": "2025-03-03T09:00",
        "answered_at": "2025-03-04T15:00",
        "adequate": "yes",
        "notes": "",
        "who": "Eva",
    }
    assert (
        client.post(
            "/inquiries", data={**data, "csrf": _csrf(client, "/inquiries")}, follow_redirects=False
        ).status_code
        == 303
    )
    before = (run_dir / "inquiries.csv").read_bytes()
    broken = b"municipality_id,channel,question,sent_at,answered_at,adequate,notes\n9999,fax,,yesterday,,maybe,\n"
    files = {"file": ("inquiries.csv", broken, "text/csv")}
    client.post("/inquiries/import", data={"csrf": _csrf(client, "/inquiries"), "who": "Eva"}, files=files)
    assert (run_dir / "inquiries.csv").read_bytes() == before
    page = client.get("/inquiries").text
    assert "Hur ansöker jag om bygglov?" in page


def test_forms_without_the_secret_or_from_another_site_are_refused(run_dir: Path) -> None:
    client = _client(run_dir)
    assert client.post("/calls", data=_call()).status_code == 403
    foreign = client.post("/calls", data={**_call(), "csrf": _csrf(client)}, headers={"Origin": "https://evil.example"})
    assert foreign.status_code == 403
    assert not (run_dir / "phone_checks.csv").exists()


def test_on_a_lan_every_request_needs_the_token(run_dir: Path) -> None:
    client = _client(run_dir, token="s3cret")
    assert client.get("/calls").status_code == 403
    assert client.get("/calls?token=wrong").status_code == 403
    entered = client.get("/calls?token=s3cret", follow_redirects=False)
    assert entered.status_code == 303 and TOKEN_COOKIE in entered.headers["set-cookie"]
    assert client.get("/calls").status_code == 200


def test_the_run_folder_is_served_without_its_private_files_or_stored_pages(run_dir: Path) -> None:
    (run_dir / "ledger.sqlite").write_bytes(b"x")
    (run_dir / "snapshots" / "0114").mkdir(parents=True, exist_ok=True)
    (run_dir / "snapshots" / "0114" / "page-0.html").write_text("<script>alert(1)</script>", encoding="utf-8")
    client = _client(run_dir)
    assert client.get("/run/ledger.sqlite").status_code == 404
    assert client.get("/run/snapshots/0114/page-0.html").status_code == 404
    assert client.get("/run/../../etc/passwd").status_code == 404
    assert client.get("/run/snapshots/0114/home.png").status_code == 200


def test_hostile_page_text_is_escaped_on_desk_pages(run_dir: Path) -> None:
    page = _client(run_dir).get("/review").text
    assert "<script>alert(1)</script>" not in page and "&lt;/title&gt;&lt;script&gt;" in page


def test_two_researchers_saving_at_once_both_land(run_dir: Path) -> None:
    files = DeskFiles(run_dir, IDS, CRITERIA.ids)
    errors: list[Any] = []

    def save(mid: str) -> None:
        for day in range(1, 21):
            errors.extend(files.save_phone_check(_call(municipality_id=mid, checked_on=f"2025-03-{day:02d}"), mid))

    threads = [threading.Thread(target=save, args=(mid,)) for mid in ("0120", "0123", "0114")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    checks = load_phone_checks(run_dir / "phone_checks.csv", IDS)
    assert {mid: c.checked_on for mid, c in checks.items()} == dict.fromkeys(("0120", "0123", "0114"), "2025-03-20")
    assert len(files.history()) == 60


# --- the run folder keeps its own copies, so a re-score never drops a call saved at the desk ----


@pytest.fixture
def archived(tmp_path: Path) -> Path:
    from audit.archive import Ledger, write_captured
    from audit.crawl_types import Captured
    from audit.models import CrawlFailure, Municipality, SiteStatus
    from audit.pipeline import prepare_run_dir

    run = tmp_path / "run"
    munis = [Municipality(mid, f"Ort {mid}", "SE", "Testlän", f"https://ort{mid}.example/") for mid in IDS[:3]]
    prepare_run_dir(run, munis, {"settings": {}, "language": "sv"}, resume=False)
    ledger = Ledger(run)
    for muni in munis:
        write_captured(run, Captured(result=CrawlFailure(muni, SiteStatus.DNS_ERROR, "no such host")), ledger)
    ledger.close()
    return run


def _phone_file(path: Path, *rows: dict[str, str]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(_call()))
        writer.writeheader()
        writer.writerows(rows)
    return path


def test_a_phone_check_file_given_once_stays_with_the_run(archived: Path, tmp_path: Path) -> None:
    from audit.pipeline import score_run

    given = _phone_file(tmp_path / "calls.csv", _call(municipality_id=IDS[0]))
    score_run(archived, CRITERIA, phone=given)
    assert (archived / "phone_checks.csv").read_bytes() == given.read_bytes()
    # The desk adds a call; a later re-score without the option keeps both.
    files = DeskFiles(archived, IDS[:3], CRITERIA.ids)
    assert files.save_phone_check(_call(municipality_id=IDS[1], caller="Nils"), "Nils") == []
    results = score_run(archived, CRITERIA)
    assert results["run"]["phone_check_file"] == "phone_checks.csv"
    assert set(load_phone_checks(archived / "phone_checks.csv", IDS[:3])) == {IDS[0], IDS[1]}


def test_a_phone_check_file_that_differs_from_the_runs_own_is_refused_by_name(archived: Path, tmp_path: Path) -> None:
    from audit.errors import InputError
    from audit.pipeline import score_run

    score_run(archived, CRITERIA, phone=_phone_file(tmp_path / "calls.csv", _call(municipality_id=IDS[0])))
    before = (archived / "phone_checks.csv").read_bytes()
    other = _phone_file(tmp_path / "other.csv", _call(municipality_id=IDS[2]))
    with pytest.raises(InputError) as refused:
        score_run(archived, CRITERIA, phone=other)
    assert "other.csv" in str(refused.value) and "phone_checks.csv" in str(refused.value)
    assert (archived / "phone_checks.csv").read_bytes() == before  # nothing saved at the desk is lost
