"""The run folder: safe ids and paths, atomic writes, the ledger, site records, WARC files."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from audit.archive import Ledger, check_id, inside, load_site, write_bytes_atomic, write_captured, write_warc
from audit.crawl_types import Captured, WarcEntry
from audit.errors import AuditError
from audit.models import (
    Box,
    ConsentAction,
    CrawlFailure,
    CriterionOutcome,
    Element,
    Evidence,
    Heading,
    Municipality,
    Override,
    PageSnapshot,
    PhoneCheck,
    Reason,
    SiteResult,
    SiteSnapshot,
    SiteStatus,
    Source,
    Verdict,
    from_jsonable,
    to_jsonable,
)

MUNI = Municipality(
    "0114", "Upplands Väsby", "SE", "Stockholms län", "https://www.upplandsvasby.example/", "08-590 970 00"
)


# --- ids and paths ----------------------------------------------------------------------------


@pytest.mark.parametrize("good", ["0114", "a", "oslo-0301", "Kommune_1", "x" * 32, "CON", "nul"])
def test_check_id_accepts_the_safe_alphabet(good: str) -> None:
    # "CON"/"NUL" are made of safe characters and are accepted: ids are only used as file names
    # under Linux/macOS run folders; Windows reserved device names are out of scope.
    assert check_id(good) == good


@pytest.mark.parametrize(
    "bad",
    ["../x", "a/b", "a\\b", "", "x" * 33, "x" * 40, "a\x00b", "0114\n", "\n0114", "a b", ".", "..", "åre", "0114.json"],
)
def test_check_id_rejects_anything_else(bad: str) -> None:
    with pytest.raises(AuditError, match="cannot name a file"):
        check_id(bad)


def test_inside_keeps_paths_in_the_root(tmp_path: Path) -> None:
    root = tmp_path / "run"
    root.mkdir()
    assert inside(root, "snapshots/0114/site.json") == (root / "snapshots/0114/site.json").resolve()
    assert inside(root, "snapshots/../archive/x.warc.gz") == (root / "archive/x.warc.gz").resolve()


@pytest.mark.parametrize("escape", ["../outside.txt", "snapshots/../../outside.txt", "/etc/passwd", "link/evil.txt"])
def test_inside_refuses_escapes(tmp_path: Path, escape: str) -> None:
    root = tmp_path / "run"
    root.mkdir()
    (root / "link").symlink_to(tmp_path)  # a symlink pointing out of the run folder
    with pytest.raises(AuditError, match="outside the run folder"):
        inside(root, escape)


def test_write_bytes_atomic_replaces_and_leaves_no_temp_file(tmp_path: Path) -> None:
    path = tmp_path / "deep" / "er" / "page-0.html"
    write_bytes_atomic(path, b"first")
    assert path.read_bytes() == b"first"
    write_bytes_atomic(path, b"second, longer content")
    assert path.read_bytes() == b"second, longer content"
    assert sorted(p.name for p in path.parent.iterdir()) == ["page-0.html"]


def test_only_durable_writes_are_flushed_before_the_rename(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    flushed: list[int] = []
    real_fsync = os.fsync
    monkeypatch.setattr(os, "fsync", lambda fd: flushed.append(fd) or real_fsync(fd))
    write_bytes_atomic(tmp_path / "site.json", b"{}")
    assert len(flushed) == 1
    write_bytes_atomic(tmp_path / "index.html", b"<p>report</p>", durable=False)
    assert len(flushed) == 1  # a report page is rendered again from results.json at any time
    assert (tmp_path / "index.html").read_bytes() == b"<p>report</p>"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["index.html", "site.json"]


# --- the ledger -------------------------------------------------------------------------------


def test_ledger_keeps_one_row_per_id_and_survives_reopening(tmp_path: Path) -> None:
    ledger = Ledger(tmp_path)
    assert ledger.done_ids() == set()
    ledger.mark_done("0114", "timeout")
    ledger.mark_done("0114", "ok")
    ledger.mark_done("0115", "dns_error")
    assert ledger.done_ids() == {"0114", "0115"}
    ledger.close()

    reopened = Ledger(tmp_path)
    assert reopened.done_ids() == {"0114", "0115"}
    reopened.close()
    with sqlite3.connect(tmp_path / "ledger.sqlite") as conn:
        rows = sorted(conn.execute("SELECT id, status FROM sites"))
    assert rows == [("0114", "ok"), ("0115", "dns_error")]


# --- site records and WARC --------------------------------------------------------------------


def _snapshot() -> SiteSnapshot:
    link = Element(
        kind="link",
        text="Kontaktcenter",
        name="Kontaktcenter – ring oss",
        href="https://www.upplandsvasby.example/kontakt",
        landmark="header",
        box=Box(1040.5, 12.0, 118.25, 24.0),
        font_size=15.5,
        selector="header a:nth-of-type(3)",
    )
    hidden = Element(
        kind="link",
        text="Kundtjänst",
        href="https://www.upplandsvasby.example/kt",
        landmark="nav",
        box=Box(0, 0, 0, 0),
        visible=False,
        hidden_container=True,
        covered=True,
        in_article=True,
        frame="https://www.upplandsvasby.example/frame",
    )
    footer = Element(kind="block", text="Kontaktcenter 08-590 970 00", landmark="footer", box=None)
    home = PageSnapshot(
        url="https://www.upplandsvasby.example/",
        final_url="https://www.upplandsvasby.example/start",
        depth=0,
        status=200,
        title="Upplands Väsby kommun",
        lang="sv",
        headings=(Heading(1, "Välkommen"), Heading(2, "Nyheter")),
        elements=(link, hidden, footer),
        text="Välkommen Kontaktcenter",
        main_text="Välkommen",
        redirect_chain=("https://upplandsvasby.example/", "https://www.upplandsvasby.example/start"),
        content_type="text/html",
        html_file="snapshots/0114/page-0.html",
        screenshot="snapshots/0114/page-0.png",
        consent=ConsentAction(found=True, clicked="Endast nödvändiga", closed=True, detail="tier 2"),
        mobile_elements=(link,),
        flags=("frameset",),
    )
    service = PageSnapshot(
        url="https://www.upplandsvasby.example/kontakt",
        final_url="https://www.upplandsvasby.example/kontakt",
        depth=1,
        status=200,
        title="Kontaktcenter",
        via_text="Kontaktcenter",
        via_url="https://www.upplandsvasby.example/kontakt",
        parent_url="https://www.upplandsvasby.example/start",
        headings=(Heading(1, "Kontaktcenter"),),
        text="Vi hjälper dig med frågor om allt.",
        viewport=(1366, 768),
    )
    return SiteSnapshot(
        MUNI,
        (home, service),
        "2025-01-01T10:00:00+00:00",
        "2025-01-01T10:00:12+00:00",
        user_agent="audit/0.1",
        attempts=2,
        flags=("slow",),
    )


def test_snapshot_round_trips_through_the_run_folder(tmp_path: Path) -> None:
    snapshot = _snapshot()
    captured = Captured(
        result=snapshot,
        blobs={
            "snapshots/0114/page-0.html": "<html><body>Välkommen</body></html>".encode(),
            "snapshots/0114/page-0.png": b"\x89PNG",
        },
        warc=[
            WarcEntry(
                "https://www.upplandsvasby.example/start",
                "response",
                "text/html; charset=utf-8",
                b"<html>raw</html>",
                200,
                (("Content-Type", "text/html; charset=utf-8"), ("Content-Encoding", "gzip")),
            ),
            WarcEntry(
                "https://www.upplandsvasby.example/kontakt",
                "response",
                "text/html",
                b"<html>k</html>",
                404,
                (("Content-Type", "text/html"),),
            ),
            WarcEntry(
                "https://www.upplandsvasby.example/start", "resource", "text/html; charset=utf-8", b"<html>dom</html>"
            ),
            WarcEntry("urn:screenshot:https://www.upplandsvasby.example/start", "resource", "image/png", b"\x89PNG"),
        ],
    )
    ledger = Ledger(tmp_path)
    write_captured(tmp_path, captured, ledger)
    assert ledger.done_ids() == {"0114"}
    ledger.close()

    loaded = load_site(tmp_path, "0114")
    assert isinstance(loaded, SiteSnapshot)
    assert loaded == snapshot
    assert loaded.pages[0].elements[0].box == Box(1040.5, 12.0, 118.25, 24.0)
    assert loaded.status is SiteStatus.OK
    assert (tmp_path / "snapshots/0114/page-0.html").read_text(
        encoding="utf-8"
    ) == "<html><body>Välkommen</body></html>"
    assert (tmp_path / "snapshots/0114/page-0.png").read_bytes() == b"\x89PNG"

    with (tmp_path / "archive/0114.warc.gz").open("rb") as fh:
        records = [
            (r.rec_type, r.rec_headers.get_header("WARC-Target-URI"), r.http_headers, r.content_stream().read())
            for r in ArchiveIterator(fh)
        ]
    assert [(kind, uri) for kind, uri, _, _ in records] == [
        ("response", "https://www.upplandsvasby.example/start"),
        ("response", "https://www.upplandsvasby.example/kontakt"),
        ("resource", "https://www.upplandsvasby.example/start"),
        ("resource", "urn:screenshot:https://www.upplandsvasby.example/start"),
    ]
    first_http, second_http = records[0][2], records[1][2]
    assert first_http.get_statuscode() == "200"
    assert first_http.get_header("Content-Encoding") is None  # the stored body is already decoded
    assert second_http.get_statuscode() == "404"
    assert [body for *_, body in records] == [b"<html>raw</html>", b"<html>k</html>", b"<html>dom</html>", b"\x89PNG"]


def test_failure_round_trips_and_writes_no_warc(tmp_path: Path) -> None:
    failure = CrawlFailure(
        MUNI,
        SiteStatus.HTTP_ERROR,
        "HTTP 503",
        url=MUNI.url,
        final_url=MUNI.url + "fel",
        http_status=503,
        started_at="2025-01-01T10:00:00+00:00",
        finished_at="2025-01-01T10:00:01+00:00",
        attempts=3,
        screenshot="snapshots/0114/page-0.png",
    )
    ledger = Ledger(tmp_path)
    write_captured(tmp_path, Captured(result=failure), ledger)
    ledger.close()
    loaded = load_site(tmp_path, "0114")
    assert isinstance(loaded, CrawlFailure)
    assert loaded == failure
    assert not (tmp_path / "archive").exists()
    assert json.loads((tmp_path / "snapshots/0114/site.json").read_text(encoding="utf-8"))["kind"] == "failure"
    with sqlite3.connect(tmp_path / "ledger.sqlite") as conn:
        assert list(conn.execute("SELECT status FROM sites WHERE id = '0114'")) == [("http_error",)]


def test_load_site_of_an_unfinished_site_is_none(tmp_path: Path) -> None:
    assert load_site(tmp_path, "0999") is None
    with pytest.raises(AuditError):
        load_site(tmp_path, "../0999")


@pytest.mark.parametrize("record", [{"municipality": {"id": "../../evil"}}, {"municipality": {"id": "0115"}}])
def test_a_snapshot_naming_another_municipality_is_refused(tmp_path: Path, record: dict) -> None:
    ledger = Ledger(tmp_path)
    write_captured(tmp_path, Captured(result=CrawlFailure(MUNI, SiteStatus.DNS_ERROR, "no")), ledger)
    ledger.close()
    path = tmp_path / "snapshots/0114/site.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    data["record"]["municipality"].update(record["municipality"])
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(AuditError, match="not '0114'") as info:
        load_site(tmp_path, "0114")
    assert "\n" not in str(info.value) and "site.json" in str(info.value)


@pytest.mark.parametrize("content", ['{"kind": "snapshot", "record": {}}', '{"kind": "failure"}', "[]"])
def test_an_undecodable_snapshot_is_one_readable_error(tmp_path: Path, content: str) -> None:
    path = tmp_path / "snapshots/0114/site.json"
    path.parent.mkdir(parents=True)
    path.write_text(content, encoding="utf-8")
    with pytest.raises(AuditError, match="site.json"):
        load_site(tmp_path, "0114")


def test_write_captured_refuses_blobs_outside_the_run_folder(tmp_path: Path) -> None:
    run = tmp_path / "run"
    run.mkdir()
    ledger = Ledger(run)
    with pytest.raises(AuditError, match="outside the run folder"):
        write_captured(run, Captured(result=_snapshot(), blobs={"../escaped.html": b"x"}), ledger)
    assert not (tmp_path / "escaped.html").exists()
    assert ledger.done_ids() == set()
    ledger.close()


def test_write_captured_refuses_an_unsafe_id(tmp_path: Path) -> None:
    bad = CrawlFailure(Municipality("../x", "X", "SE", "", "https://x.example/"), SiteStatus.DNS_ERROR, "no")
    ledger = Ledger(tmp_path)
    with pytest.raises(AuditError):
        write_captured(tmp_path, Captured(result=bad), ledger)
    assert ledger.done_ids() == set()
    ledger.close()


# --- results JSON round trip ------------------------------------------------------------------


def test_site_result_round_trips_through_json() -> None:
    phone = PhoneCheck("0114", "2025-02-03", True, "Karin Lund", "enhetschef", "Per", "asked twice", line=4)
    override = Override("0114", "easy_to_find", Verdict.PASS, "Anna", "2025-03-05", "visible after all", line=2)
    evidence = Evidence(
        url=MUNI.url,
        text="Kontaktcenter",
        selector="header a",
        region="header",
        box=Box(10, 20.5, 100, 24),
        depth=0,
        matched=("kontaktcenter",),
        snippet="…Kontaktcenter…",
        screenshot="snapshots/0114/page-0.png",
        note=Reason("note.on_homepage"),
        phone=Reason("phone.visible"),
    )
    result = SiteResult(
        municipality=MUNI,
        status=SiteStatus.OK,
        detail="",
        score=4,
        rank=2,
        provisional=False,
        needs_review=True,
        awaiting_phone_check=False,
        homepage_url=MUNI.url,
        final_url=MUNI.url + "start",
        screenshot="s.png",
        flags=("consent_closed",),
        outcomes=(
            CriterionOutcome(
                "entry_exists",
                Verdict.PASS,
                Reason("entry.on_homepage", {"words": ["Kontaktcenter"]}),
                evidence=(evidence,),
                automatic_verdict=Verdict.PASS,
            ),
            CriterionOutcome(
                "easy_to_find",
                Verdict.PASS,
                Reason("override", {"who": "Anna", "when": "2025-03-05", "why": "visible"}),
                Source.OVERRIDE,
                (evidence,),
                automatic_verdict=Verdict.FAIL,
                override=override,
            ),
            CriterionOutcome(
                "explains_help",
                Verdict.NEEDS_REVIEW,
                Reason("help.nothing"),
                automatic_verdict=Verdict.NEEDS_REVIEW,
                leaning=Verdict.FAIL,
                doubt=Reason("doubt.entry_under_review"),
            ),
            CriterionOutcome(
                "responsible_person",
                Verdict.PASS,
                Reason("phone.named", {"date": "2025-02-03", "who": "Karin Lund"}),
                Source.PHONE_CHECK,
                automatic_verdict=Verdict.FAIL,
                phone_check=phone,
            ),
            CriterionOutcome(
                "on_front_page", Verdict.NOT_ASSESSED, Reason("not_assessed", {"status": {"word": "status.dns_error"}})
            ),
        ),
    )
    data = json.loads(json.dumps(to_jsonable(result)))
    assert (
        data["outcomes"][1]["source"] == "override"
        and data["outcomes"][3]["phone_check"]["person_name"] == "Karin Lund"
    )
    back = from_jsonable(SiteResult, data)
    assert back == result
    assert back.outcomes[1].override.verdict is Verdict.PASS
    assert back.outcomes[3].source is Source.PHONE_CHECK
    assert back.outcomes[0].evidence[0].box == Box(10, 20.5, 100, 24)


def test_from_jsonable_ignores_unknown_keys_and_uses_defaults() -> None:
    back = from_jsonable(
        CrawlFailure, {"municipality": to_jsonable(MUNI), "status": "timeout", "detail": "slow", "extra": 1}
    )
    assert back == CrawlFailure(MUNI, SiteStatus.TIMEOUT, "slow")


def test_from_jsonable_names_a_missing_field_and_keeps_nulls() -> None:
    muni = to_jsonable(MUNI)
    with pytest.raises(TypeError, match="CrawlFailure record, or one inside it, lacks the field 'status'"):
        from_jsonable(CrawlFailure, {"municipality": muni, "detail": "slow"})
    with pytest.raises(TypeError, match="lacks the field 'id'"):
        from_jsonable(CrawlFailure, {"municipality": {"name": "Hagsjö kommun"}, "status": "timeout"})
    back = from_jsonable(
        CrawlFailure, {"municipality": muni, "status": "timeout", "detail": "slow", "http_status": None}
    )
    assert back.http_status is None and back.screenshot == ""


def test_free_text_where_a_reason_is_expected_is_kept_as_text() -> None:
    outcome = from_jsonable(
        CriterionOutcome, {"criterion": "entry_exists", "verdict": "pass", "reason": "written by hand"}
    )
    assert outcome.reason == Reason("text", {"text": "written by hand"})


def test_warc_records_are_gzip_members_each_readable_with_pictures_stored(tmp_path: Path) -> None:
    import gzip
    import zlib

    markup = b"<html><body>" + b"<p>Kontaktcenter 021-39 00 00</p>" * 400 + b"</body></html>"
    # Compressible bytes typed as a picture: only a stored member keeps them at full size.
    picture = b"\x89PNG\r\n\x1a\n" + bytes(20_000)
    entries = [
        WarcEntry("https://kommun.example/", "response", "text/html", markup, 200, (("Content-Type", "text/html"),)),
        WarcEntry("urn:screenshot:https://kommun.example/", "resource", "image/png", picture),
    ]
    path = tmp_path / "site.warc.gz"
    write_warc(path, entries)
    data = path.read_bytes()
    with open(path, "rb") as fh:
        bodies = [(r.rec_type, r.content_stream().read()) for r in ArchiveIterator(fh)]
    assert bodies == [("response", markup), ("resource", picture)]
    # Two gzip members: the first (markup) compressed, the second (the picture) stored.
    first = zlib.decompressobj(zlib.MAX_WBITS + 16)
    first.decompress(data)
    second = data[len(data) - len(first.unused_data) :]
    assert len(data) - len(second) < len(markup) // 4
    assert len(second) > len(picture) and gzip.decompress(second).endswith(picture + b"\r\n\r\n")
