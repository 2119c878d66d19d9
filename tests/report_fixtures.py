"""A realistic results.json for the report and export tests, built from the real records.

Six assessed municipalities (a tie for second place, a provisional score awaiting a phone
check, a needs-review verdict, a phone-check pass, a researcher's override) and three that
could not be assessed (dns_error, blocked, timeout). Some fields carry hostile text: markup,
``javascript:`` URLs, a right-to-left override, a 10,000-character string and spreadsheet
formulas. :func:`write_screenshots` writes a plain 1366x768 PNG for the screenshot paths.
"""

from __future__ import annotations

import copy
import dataclasses
import struct
import zlib
from pathlib import Path
from typing import Any

import yaml

from audit.models import (
    Attempt,
    Box,
    CriterionOutcome,
    Evidence,
    Municipality,
    Override,
    PhoneCheck,
    SiteResult,
    SiteStatus,
    Source,
    Verdict,
    to_jsonable,
)
from audit.pipeline import calibration_record

CRITERIA_FILE = Path(__file__).resolve().parents[1] / "criteria.yaml"
CRITERIA = ("entry_exists", "on_front_page", "easy_to_find", "explains_help", "responsible_person")

SCRIPT_TITLE = "</title><script>alert(1)</script>"
IMG_ATTR = "\"'><img src=x onerror=alert(2)>"
JS_URL = "javascript:alert(3)"
RLO = "\u202e"
FORMULA = '=HYPERLINK("http://x")'
LONG = "Kontaktcenter " + "x" * 10_000

HEADER_BOX = Box(1110.0, 20.0, 140.0, 34.0)
SHOTS = ("0114", "0115", "0117", "0120", "0123")

P, F, R, NA = Verdict.PASS, Verdict.FAIL, Verdict.NEEDS_REVIEW, Verdict.NOT_ASSESSED


def _criteria() -> list[dict[str, Any]]:
    data = yaml.safe_load(CRITERIA_FILE.read_text(encoding="utf-8"))
    keys = ("id", "weight", "source", "question", "passes_when", "advice")
    return [{k: c[k] for k in keys} for c in data["criteria"]]


def _muni(mid: str, name: str, region: str, host: str, phone: str = "") -> Municipality:
    return Municipality(mid, name, "SE", region, f"https://www.{host}.se", phone)


def _entry(host: str, text: str, mid: str, box: Box | None = HEADER_BOX) -> Evidence:
    return Evidence(
        url=f"https://www.{host}.se/kontaktcenter",
        page_url=f"https://www.{host}.se/",
        text=text,
        selector="header nav a.kontaktcenter",
        region="header" if box else "footer",
        box=box,
        depth=0,
        matched=("kontaktcenter",),
        screenshot=f"snapshots/{mid}/home.png" if box else "",
    )


def _page(host: str, snippet: str, matched: tuple[str, ...]) -> Evidence:
    return Evidence(
        url=f"https://www.{host}.se/kontaktcenter",
        text="Kontaktcenter",
        region="main",
        depth=1,
        matched=matched,
        snippet=snippet,
    )


def _o(cid: str, verdict: Verdict, reason: str, *evidence: Evidence, **extra: Any) -> CriterionOutcome:
    return CriterionOutcome(cid, verdict, reason, evidence=evidence, **extra)


def _site(muni: Municipality, outcomes: list[CriterionOutcome], rank: int, **extra: Any) -> SiteResult:
    score = sum(1 for o in outcomes if o.verdict is Verdict.PASS)
    return SiteResult(
        municipality=muni,
        status=SiteStatus.OK,
        outcomes=tuple(outcomes),
        score=score,
        rank=rank,
        homepage_url=muni.url,
        final_url=muni.url + "/",
        screenshot=f"snapshots/{muni.id}/home.png",
        **extra,
    )


def _vasby() -> SiteResult:
    m = _muni("0114", "Upplands Väsby", "Stockholms län", "upplandsvasby", "08-590 970 00")
    entry = _entry("upplandsvasby", "Kontaktcenter", m.id)
    call = PhoneCheck(
        "0114",
        "2025-03-04",
        True,
        "Anna Berg",
        "enhetschef",
        "K. Lind",
        "Answered after two minutes.",
        line=2,
    )
    snippet = (
        "Kontaktcenter hjälper dig med frågor om skola, bygglov och avfall. Ring 08-590 970 00 "
        "eller skriv till kontaktcenter@upplandsvasby.se. Öppet vardagar 8–17."
    )
    return _site(
        m,
        [
            _o("entry_exists", P, "The homepage header links to 'Kontaktcenter'.", entry),
            _o("on_front_page", P, "A header link names the service.", entry),
            _o("easy_to_find", P, "The link is visible in the first screen.", entry),
            _o(
                "explains_help",
                P,
                "The service page lists topics and three channels.",
                _page("upplandsvasby", snippet, ("hjalp med", "telefon", "e-post", "oppet")),
            ),
            _o(
                "responsible_person",
                P,
                "The phone check named a responsible person.",
                source=Source.PHONE_CHECK,
                automatic_verdict=F,
                phone_check=call,
            ),
        ],
        rank=1,
    )


def _vallentuna() -> SiteResult:
    m = _muni("0115", "Vallentuna", "Stockholms län", "vallentuna", "08-587 850 00")
    footer = _entry("vallentuna", "Kontaktcenter 08-587 850 00", m.id, box=None)
    person = Evidence(
        url="https://www.vallentuna.se/kontaktcenter",
        text="Enhetschef Karin Holm",
        region="main",
        depth=1,
        matched=("enhetschef",),
    )
    return _site(
        m,
        [
            _o("entry_exists", P, "The footer names 'Kontaktcenter' with its number.", footer),
            _o("on_front_page", P, "A footer block names the service with a phone number.", footer),
            _o(
                "easy_to_find",
                F,
                "The entry is only in the footer, below the first screen.",
                footer,
            ),
            _o(
                "explains_help",
                P,
                "The service page lists topics, phone and opening hours.",
                _page("vallentuna", "Vi hjälper dig med frågor om kommunens service.", ("vi hjalper",)),
            ),
            _o("responsible_person", P, "The service page names the head of the unit.", person),
        ],
        rank=2,
    )


def _osteraker() -> SiteResult:
    m = _muni("0117", "Österåker", "Stockholms län", "osteraker", "08-540 810 00")
    entry = _entry("osteraker", "Kontakta oss", m.id, box=Box(40.0, 700.0, 120.0, 28.0))
    decision = Override(
        "0117",
        "easy_to_find",
        P,
        "M. Researcher",
        "2025-03-06",
        "Checked by hand: the link is visible at 1366x768; a sticky banner confused the overlap test.",
        line=3,
    )
    person = Evidence(
        url="https://www.osteraker.se/kontakt",
        text="Verksamhetschef Per Ek",
        region="main",
        depth=1,
        matched=("verksamhetschef",),
    )
    return _site(
        m,
        [
            _o("entry_exists", P, "The contact page is titled 'Kontaktcenter'.", entry),
            _o("on_front_page", P, "'Kontakta oss' leads in one click to the service page.", entry),
            _o(
                "easy_to_find",
                P,
                "Overridden by a researcher.",
                entry,
                source=Source.OVERRIDE,
                automatic_verdict=R,
                override=decision,
            ),
            _o(
                "explains_help",
                F,
                "Only a phone number; no topics, no opening hours.",
                _page("osteraker", "Kontaktcenter: 08-540 810 00.", ("telefon",)),
            ),
            _o("responsible_person", P, "The service page names the head of operations.", person),
        ],
        rank=2,
    )


def _varmdo() -> SiteResult:
    m = _muni("0120", "Värmdö", "Stockholms län", "varmdo", "08-570 470 00")
    entry = _entry("varmdo", "Medborgarservice", m.id, box=Box(600.0, 4.0, 150.0, 30.0))
    return _site(
        m,
        [
            _o("entry_exists", P, "The header links to 'Medborgarservice'.", entry),
            _o("on_front_page", P, "A header link names the service.", entry),
            _o("easy_to_find", P, "The link is visible in the first screen.", entry),
            _o(
                "explains_help",
                F,
                "The service page gives a phone number but no topics.",
                _page("varmdo", "Ring oss på 08-570 470 00.", ("ring",)),
            ),
            _o(
                "responsible_person",
                F,
                "No responsible person on the site; awaiting a phone check.",
                provisional=True,
            ),
        ],
        rank=4,
        provisional=True,
        awaiting_phone_check=True,
    )


def _hostile() -> SiteResult:
    m = Municipality("0123", SCRIPT_TITLE, "SE", f"Uppsala{RLO} län", JS_URL, "018-000 00 00")
    entry = Evidence(
        url=JS_URL,
        text=IMG_ATTR,
        region="nav",
        box=Box(300.0, 110.0, 90.0, 24.0),
        depth=0,
        matched=("kundtjanst",),
        snippet=LONG,
        screenshot="snapshots/0123/home.png",
        note=f"evil{RLO}txt.exe",
    )
    call = PhoneCheck("0123", "2025-03-05", False, caller=SCRIPT_TITLE, notes=IMG_ATTR)
    result = _site(
        m,
        [
            _o("entry_exists", P, "A navigation link names 'Kundtjänst'.", entry),
            _o("on_front_page", P, "A navigation link names the service.", entry),
            _o("easy_to_find", F, "The link is covered by a cookie banner.", entry),
            _o("explains_help", R, LONG, _page("evil", IMG_ATTR, ("apua",))),
            _o(
                "responsible_person",
                F,
                "The phone check found no responsible person.",
                source=Source.PHONE_CHECK,
                automatic_verdict=F,
                phone_check=call,
            ),
        ],
        rank=5,
        needs_review=True,
    )
    return SiteResult(**{**result.__dict__, "homepage_url": JS_URL, "final_url": "data:text/html,x"})


def _formula() -> SiteResult:
    m = _muni("0125", FORMULA, "Uppsala län", "ekero", "+46 8 124 571 00")
    call = PhoneCheck("0125", "2025-03-05", False, caller="@SUM(A1:A2)", notes="-2+3")
    dep = "No service entry, so this criterion is 0."
    return _site(
        m,
        [
            _o("entry_exists", F, "No service entry on the homepage or two clicks from it."),
            _o("on_front_page", F, dep),
            _o("easy_to_find", F, dep),
            _o("explains_help", F, dep),
            _o(
                "responsible_person",
                F,
                "The phone check found no responsible person.",
                source=Source.PHONE_CHECK,
                automatic_verdict=F,
                phone_check=call,
            ),
        ],
        rank=6,
    )


def _failed(mid: str, name: str, status: SiteStatus, detail: str) -> SiteResult:
    m = _muni(mid, name, "Stockholms län", name.lower())
    outcomes = tuple(CriterionOutcome(c, NA, "Not assessed.") for c in CRITERIA)
    tries = (
        Attempt("2025-03-01T08:10:00+00:00", "2025-03-01T08:10:31+00:00", status, 2),
        Attempt("2025-03-01T09:05:00+00:00", "2025-03-01T09:05:30+00:00", status, 1),
    )
    return SiteResult(m, status, detail=detail, outcomes=outcomes, homepage_url=m.url, attempts=tries)


def _ranked_with_ranges(sites: list[SiteResult]) -> list[SiteResult]:
    """Score bounds and rank ranges as scoring computes them (the fixture's ranks are the same)."""
    from audit.criteria import default_criteria_path, load_criteria
    from audit.scoring import rank, score_bounds

    criteria = load_criteria(default_criteria_path())
    bounded = []
    for site in sites:
        if site.assessed:
            low, high = score_bounds(site.outcomes, criteria)
            site = dataclasses.replace(site, score_min=low, score_max=high)
        bounded.append(site)
    return rank(bounded)


def build_results() -> dict[str, Any]:
    """The results.json dict: run metadata, the five criteria and nine municipalities."""
    sites = [
        _vasby(),
        _vallentuna(),
        _osteraker(),
        _varmdo(),
        _hostile(),
        _formula(),
        _failed("0126", "Huddinge", SiteStatus.DNS_ERROR, "DNS lookup failed for www.huddinge.se"),
        _failed("0127", "Botkyrka", SiteStatus.BLOCKED, f"Bot challenge page: {SCRIPT_TITLE}"),
        _failed("0128", "Salem", SiteStatus.TIMEOUT, "No response within 30 s. " + LONG),
    ]
    sites = _ranked_with_ranges(sites)
    return {
        "schema_version": 1,
        "run": {
            "tool_version": "0.1.0",
            "rubric_version": "1.0",
            "criteria_sha256": "c" * 64,
            "run_id": "run-0001",
            "chromium_version": "Chromium 131.0.6778.85",
            "started_at": "2025-03-01T08:00:00+00:00",
            "finished_at": "2025-03-01T09:12:30+00:00",
            "settings": {
                "concurrency": 4,
                "viewport": [1366, 768],
                "max_depth": 2,
                "user_agent": "audit/0.1.0",
            },
            "municipality_file": "municipalities.csv",
            "phone_check_file": "phone_checks.csv",
            "overrides_file": None,
            "language": "sv",
        },
        "criteria": _criteria(),
        "service_names": _service_names(),
        "calibration": calibration_record(),
        "results": [to_jsonable(s) for s in sites],
    }


def build_previous(results: dict[str, Any]) -> dict[str, Any]:
    """An earlier run: Upplands Väsby was 2nd (no responsible person yet), Vallentuna was 1st."""
    previous = copy.deepcopy(results)
    previous["run"]["finished_at"] = "2024-03-01T09:00:00+00:00"
    for entry in previous["results"]:
        mid = entry["municipality"]["id"]
        if mid == "0114":
            entry.update(rank=2, score=4)
            _set_verdict(entry, "responsible_person", "fail")
        elif mid == "0115":
            entry.update(rank=1, score=5)
            _set_verdict(entry, "easy_to_find", "pass")
        elif mid == "0117":
            entry.update(rank=3, score=4)
    return previous


def _set_verdict(entry: dict[str, Any], criterion: str, verdict: str) -> None:
    for outcome in entry["outcomes"]:
        if outcome["criterion"] == criterion:
            outcome["verdict"] = verdict


def write_screenshots(run_dir: Path) -> None:
    """A 1366x768 PNG per assessed municipality: a dark header band, a nav band, white body."""
    data = _png(1366, 768)
    for mid in SHOTS:
        target = run_dir / "snapshots" / mid / "home.png"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)


def _png(width: int, height: int) -> bytes:
    bands = [(0, 70, (20, 50, 79)), (70, 150, (226, 230, 235)), (150, height, (250, 250, 250))]
    rows = []
    for top, bottom, rgb in bands:
        rows.append((b"\x00" + bytes(rgb) * width) * (bottom - top))
    raw = b"".join(rows)

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b"")


def _service_names() -> dict[str, list[str]]:
    from audit.criteria import default_criteria_path, load_criteria

    names = load_criteria(default_criteria_path()).vocabulary.service_names
    return {k: list(v) for k, v in names.items()}
