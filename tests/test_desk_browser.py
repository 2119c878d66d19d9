"""The desk end to end in a real Chromium, against a copy of the crawled demo run."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx2 as httpx
import pytest
import uvicorn

from audit.archive import load_municipalities_of_run
from audit.criteria import default_criteria_path, load_criteria
from audit.desk.app import create_app
from audit.phone_checks import load_phone_checks

pytestmark = pytest.mark.browser

import axe_playwright_python.sync_playwright as axe_api  # noqa: E402
from browsers import sync_chromium  # noqa: E402

SCREENSHOTS = Path(__file__).resolve().parent / "output" / "screenshots"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def desk_run(demo_run: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "run"
    shutil.copytree(demo_run, copy, ignore=shutil.ignore_patterns(".audit.lock"))
    return copy


@pytest.fixture
def desk_url(desk_run: Path) -> Iterator[str]:
    ids = [m.id for m in load_municipalities_of_run(desk_run)]
    app = create_app(desk_run, load_criteria(default_criteria_path()), ids)
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture
def browser() -> Iterator[Any]:
    with sync_chromium() as instance:
        yield instance


def _results(run: Path) -> dict[str, Any]:
    return {
        r["municipality"]["id"]: r for r in json.loads((run / "results.json").read_text(encoding="utf-8"))["results"]
    }


def _outcome(result: dict[str, Any], criterion: str) -> dict[str, Any]:
    return next(o for o in result["outcomes"] if o["criterion"] == criterion)


def test_a_call_a_decision_and_an_inquiry_change_the_report(browser: Any, desk_url: str, desk_run: Path) -> None:
    page = browser.new_page(viewport={"width": 1366, "height": 900})
    page.goto(f"{desk_url}/calls")
    card = page.locator("section.desk-card").first
    mid = card.get_attribute("id").removeprefix("call-")  # type: ignore[union-attr]
    card.get_by_label("Caller").fill("Eva Ek")
    card.get_by_label("Responsible person named?").select_option("yes")
    card.get_by_label("Name given").fill("Karin Lund")
    card.get_by_label("Role").fill("enhetschef")
    card.get_by_role("button", name="Save the call").click()
    assert "Saved the phone check" in page.locator(".desk-message").inner_text()

    page.goto(f"{desk_url}/review")
    # Another municipality's verdict: a call was just saved for ``mid``.
    review = page.locator(f"section.desk-card:not([id^='review-{mid}-'])").first
    review_id, criterion = review.get_attribute("id").removeprefix("review-").split("-", 1)  # type: ignore[union-attr]
    review.get_by_label("Final verdict").select_option("pass")
    review.get_by_label("Who decides").fill("M. Researcher")
    review.get_by_label("Why").fill("the entry is visible once the page settles")
    review.get_by_role("button", name="Save the decision").click()

    page.goto(f"{desk_url}/inquiries")
    page.get_by_label("Municipality").select_option(mid)
    page.get_by_label("Channel").select_option("email")
    page.get_by_label("Question asked").fill("Hur söker jag bygglov?")
    page.get_by_label("Sent at").fill("2025-03-03T09:00")
    page.get_by_label("Answered at").fill("2025-03-05T10:00")
    page.get_by_role("button", name="Save the inquiry").click()

    started = time.perf_counter()
    page.get_by_role("button", name="Re-score and re-render the report").click()
    assert "Re-scored and re-rendered" in page.locator(".desk-message").inner_text()
    print(f"save to updated report: {time.perf_counter() - started:.2f} s")  # noqa: T201 - the closing figure

    after = _results(desk_run)
    assert _outcome(after[mid], "responsible_person")["source"] == "phone_check"
    assert _outcome(after[review_id], criterion)["source"] == "override"
    page.goto(f"{desk_url}/calls")
    assert page.locator(f"#call-{mid}").count() == 0  # no longer awaiting a call
    page.goto(f"{desk_url}/run/index.html")
    assert page.locator("#inquiries").is_visible()
    page.close()


@pytest.mark.parametrize("path", ["/calls", "/review", "/inquiries", "/history"])
def test_every_desk_page_passes_axe(browser: Any, desk_url: str, path: str) -> None:
    page = browser.new_page(viewport={"width": 1366, "height": 900})
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.goto(f"{desk_url}{path}")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"desk{path.replace('/', '-')}.png"))
    violations = axe_api.Axe().run(page).response["violations"]
    for violation in violations:
        print(violation["id"], [n["target"] for n in violation["nodes"][:3]])  # noqa: T201
    assert violations == [] and errors == []
    page.close()


def test_two_researchers_saving_at_the_same_moment_lose_nothing(browser: Any, desk_url: str, desk_run: Path) -> None:
    first, second = browser.new_context().new_page(), browser.new_context().new_page()
    for page in (first, second):
        page.goto(f"{desk_url}/calls")
    cards = first.locator("section.desk-card")
    ids = [cards.nth(i).get_attribute("id").removeprefix("call-") for i in range(2)]  # type: ignore[union-attr]
    for page, mid in zip((first, second), ids, strict=True):
        card = page.locator(f"#call-{mid}")
        card.get_by_label("Caller").fill(f"caller {mid}")
        card.get_by_label("Responsible person named?").select_option("no")
    # Both forms are submitted before either answer arrives.
    for page, mid in zip((first, second), ids, strict=True):
        page.evaluate(f"document.querySelector('#call-{mid} form').requestSubmit()")
    for page, mid in zip((first, second), ids, strict=True):
        # Each researcher is told of their own save, not of the other's.
        page.wait_for_url(f"{desk_url}/calls?done=call&id={mid}")
        assert f"Saved the phone check of {mid}." in page.locator(".desk-message").inner_text()
    ids_known = [m.id for m in load_municipalities_of_run(desk_run)]
    checks = load_phone_checks(desk_run / "phone_checks.csv", ids_known)
    assert set(ids) <= set(checks)


def test_killing_the_desk_mid_save_loses_nothing_saved_and_leaves_no_half_file(desk_run: Path) -> None:
    port = _free_port()
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    cmd = [sys.executable, "-m", "audit", "desk", str(desk_run), "--port", str(port)]
    proc = subprocess.Popen(cmd, env=env, stderr=subprocess.PIPE, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    ids = [m.id for m in load_municipalities_of_run(desk_run)]
    saved: list[str] = []
    try:
        with httpx.Client(base_url=base, timeout=5) as client:
            deadline = time.monotonic() + 20
            while time.monotonic() < deadline:
                try:
                    page = client.get("/calls")
                    break
                except httpx.TransportError:
                    time.sleep(0.1)
            csrf = page.text.split('name="csrf" value="', 1)[1].split('"', 1)[0]
            awaiting = [i for i in ids if f'id="call-{i}"' in page.text]
            killer = threading.Timer(1.0, lambda: os.killpg(proc.pid, signal.SIGKILL))
            killer.start()
            for n in range(10_000):
                mid = awaiting[n % len(awaiting)]
                data = {"csrf": csrf, "municipality_id": mid, "checked_on": "2025-03-05", "caller": f"c{n}",
                        "responsible_person_named": "no", "person_name": "", "role": "", "notes": ""}  # fmt: skip
                try:
                    answer = client.post("/calls", data=data)
                    if answer.status_code == 303 and "done=call" in answer.headers["location"]:
                        saved.append(f"{mid}:c{n}")
                except httpx.TransportError:
                    break
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
    assert len(saved) > 3
    checks = load_phone_checks(desk_run / "phone_checks.csv", ids)  # a whole file, not half of one
    for entry in saved[-len(awaiting) :]:
        mid, caller = entry.split(":")
        assert int(checks[mid].caller[1:]) >= int(caller[1:]), entry


def test_the_question_is_in_the_runs_language_and_that_of_the_municipality_called(desk_url: str) -> None:
    page = httpx.get(f"{desk_url}/calls").text
    finnish = page.split('id="call-0902"', 1)[1].split("</section>", 1)[0]  # Kalliolan kunta, FI
    assert '<dd lang="sv">Vem är ansvarig för kommunens kundtjänst' in finnish  # the run's language
    assert '<dd lang="fi">Kuka vastaa kunnan asiakaspalvelusta' in finnish  # and the one spoken there
    assert '<html lang="en"' in page  # the desk's own words are English; the question is marked as Finnish
