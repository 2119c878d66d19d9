"""The one orchestrator: compose the stages over a run folder, crawl -> archive -> score -> report.

:func:`execute` runs a :class:`~audit.config.RunConfig` from start to end (the CLI, the demo and a
self-check all call it). Each stage reads what the previous one wrote to disk, so a run can stop
after any stage and be resumed, and re-scoring never touches the network.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import uuid
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from dataclasses import replace
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import Any

from audit import __version__
from audit.archive import (
    Ledger,
    check_id,
    forget_crawl,
    read_json,
    remove_partial_writes,
    write_captured,
    write_json_atomic,
)
from audit.atomic import write_bytes_atomic
from audit.checks import run_checks
from audit.checks.identity import foreign_site
from audit.config import ENGINES, RunConfig
from audit.criteria import Criteria
from audit.errors import AuditError, InputError, Interrupted, Problem
from audit.messages import render
from audit.models import CrawlFailure, Municipality, Reason, SiteResult, SiteSnapshot, SiteStatus, to_jsonable
from audit.runfolder import (
    INQUIRIES_FILE,
    OVERRIDES_FILE,
    PHONE_CHECKS_FILE,
    TOOL,
    RunKind,
    check_owned,
    claimed,
    list_changes,
    list_digest,
)
from audit.scoring import not_assessed, rank, ranked_order, score_site

RESULTS_SCHEMA_VERSION = 2  # 2: reasons are codes with parameters (messages.yaml)
# Failures worth one more try at the end of a run: they often lift after a while.
RECHECK = (SiteStatus.BLOCKED, SiteStatus.RATE_LIMITED, SiteStatus.TIMEOUT, SiteStatus.CONNECT_ERROR)
Progress = Callable[[SiteSnapshot | CrawlFailure], None]
# Opens a progress display for N sites and yields the function to call per finished site.
ProgressFactory = Callable[[int], AbstractContextManager[Progress]]
Notify = Callable[[str], None]


@contextlib.contextmanager
def _no_progress(_total: int) -> Iterator[Progress]:
    yield lambda _site: None


def check_config(config: RunConfig) -> list[Municipality]:
    """Every input and option, checked before the first request: the list, the phone-check and
    override files, the engine, the report language and the run to compare with."""
    from audit.municipalities import load_municipalities
    from audit.overrides import load_overrides
    from audit.phone_checks import load_phone_checks

    municipalities = load_municipalities(config.municipalities)
    ids = {m.id for m in municipalities}
    if config.phone_checks:
        load_phone_checks(config.phone_checks, ids)
    if config.overrides:
        load_overrides(config.overrides, ids, config.criteria.ids)
    if config.inquiries:
        from audit.inquiries import load_inquiries

        load_inquiries(config.inquiries, ids)
    if config.out.is_dir():  # a resumed run: its folder's own copies must agree with the files given
        for given, name in _researchers_files(config.phone_checks, config.overrides, config.inquiries):
            _run_copy(config.out, given, name)
    if config.engine not in ENGINES:
        raise AuditError(f"unknown engine {config.engine!r}: use {' or '.join(repr(e) for e in ENGINES)}")
    check_report_options(config.lang, config.compare)
    return municipalities


def check_report_options(lang: str | None, compare: Path | None) -> None:
    """Options used only at the end of a run are checked before its first request."""
    from audit.report.i18n import resolve_language

    if lang is not None:
        resolve_language(lang, None)
    if compare is not None:
        load_results(compare)


def run_meta(config: RunConfig, municipalities: list[Municipality]) -> dict[str, Any]:
    """What run.json records of the run's settings (no machine paths beyond the file names)."""
    from audit.municipalities import sniff_language

    options, criteria = config.crawl, config.criteria
    return {
        "tool_version": __version__,
        "rubric_version": criteria.rubric_version,
        "criteria_sha256": criteria.digest,
        "started_at": _now(),
        "municipality_file": config.municipalities.name,
        "criteria_file": Path(criteria.path).name if criteria.path else "",
        "language": config.lang or sniff_language(municipalities),
        "municipality_count": len(municipalities),
        "publisher": config.publisher,
        "settings": {
            "concurrency": options.concurrency,
            "viewport": list(criteria.settings.viewport),
            "max_depth": criteria.settings.max_depth,
            "obey_robots": options.obey_robots,
            "robots_override": not options.obey_robots,
            "allow_private_network": options.allow_private_network,
            "user_agent": options.user_agent,
            "page_timeout_s": options.page_timeout_s,
            "site_timeout_s": options.site_timeout_s,
            "max_pages": options.max_pages,
            "first_sight_ms": criteria.settings.first_sight_ms,
            "engine": config.engine,
            "wcag": options.wcag,
        },
        "axe_version": _axe_version() if options.wcag else None,
    }


def _axe_version() -> str:
    from audit.crawler.wcag import axe_version

    return axe_version()


def execute(
    config: RunConfig, progress: ProgressFactory = _no_progress, notify: Notify = lambda _m: None
) -> dict[str, Any] | None:
    """Run ``config`` end to end; the results (None when it stops after the crawl).

    Everything is checked first; the run folder is claimed (marked and locked) for the whole run.
    """
    municipalities = check_config(config)
    with claimed(config.out, config.kind):
        todo = prepare_run_dir(
            config.out, municipalities, run_meta(config, municipalities), resume=config.resume, kind=config.kind
        )
        if config.resume:
            notify(f"resuming: {len(municipalities) - len(todo)} site(s) already done, {len(todo)} to go")
        with progress(len(todo)) as advance:
            crawl(
                config.out,
                todo,
                config.criteria,
                config.crawl,
                advance,
                engine=config.engine,
                address=config.address,
                workers=config.workers,
            )
        if not config.report:
            return None
        results = score_run(config.out, config.criteria, config.phone_checks, config.overrides, config.inquiries)
        notify(f"report: {report(config.out, results, lang=config.lang, compare=config.compare)}")
        return results


def score_run(
    run_dir: Path,
    criteria: Criteria,
    phone: Path | None = None,
    overrides: Path | None = None,
    inquiries: Path | None = None,
) -> dict[str, Any]:
    """Score an archived run with its phone-check, override and inquiry files (all validated
    before anything is written). Inquiries never change a score; their response times are added.

    The run folder keeps its own copy of each file (the desk edits those): a file given here is
    copied in when the folder has none, and a file not given is taken from the folder."""
    from audit.archive import load_municipalities_of_run
    from audit.inquiries import load_inquiries, response_times
    from audit.overrides import load_overrides
    from audit.phone_checks import load_phone_checks

    ids = {m.id for m in load_municipalities_of_run(run_dir)}
    phone, overrides, inquiries = (
        _run_copy(run_dir, g, name) for g, name in _researchers_files(phone, overrides, inquiries)
    )
    phone_rows = load_phone_checks(phone, ids) if phone else None
    override_rows = load_overrides(overrides, ids, criteria.ids) if overrides else None
    asked = load_inquiries(inquiries, ids) if inquiries else []
    for given, name in _researchers_files(phone, overrides, inquiries):
        if given is not None and not (run_dir / name).exists():
            write_bytes_atomic(run_dir / name, given.read_bytes())
    extra = {
        "phone_check_file": phone.name if phone else None,
        "phone_checks_sha256": hashlib.sha256(phone.read_bytes()).hexdigest() if phone else None,
        "overrides_file": overrides.name if overrides else None,
        "inquiries_file": inquiries.name if inquiries else None,
    }
    times = [to_jsonable(t) for t in response_times(asked)] if inquiries else None
    return score(run_dir, criteria, phone_checks=phone_rows, overrides=override_rows, extra_run=extra, inquiries=times)


def _researchers_files(
    phone: Path | None, overrides: Path | None, inquiries: Path | None
) -> list[tuple[Path | None, str]]:
    return [(phone, PHONE_CHECKS_FILE), (overrides, OVERRIDES_FILE), (inquiries, INQUIRIES_FILE)]


def _run_copy(run_dir: Path, given: Path | None, name: str) -> Path | None:
    """The researchers' file to score with: the one given, or the run folder's own copy.

    Two different versions are refused rather than one silently winning: the run folder's copy
    may hold calls saved at the desk that the given file lacks."""
    own = run_dir / name
    if given is None:
        return own if own.is_file() else None
    if not own.is_file() or given.resolve() == own.resolve() or own.read_bytes() == given.read_bytes():
        return given
    raise InputError([Problem(
        str(given),
        f"differs from the run folder's own {own}, which may hold entries saved at the desk; "
        f"merge the two into {own} and score without the option, or pass {own}",
    )])  # fmt: skip


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def prepare_run_dir(
    run_dir: Path,
    municipalities: list[Municipality],
    meta: dict[str, Any],
    *,
    resume: bool,
    kind: RunKind = RunKind.RUN,
) -> list[Municipality]:
    """Create (or reopen with ``resume``) a run folder; return the municipalities still to crawl.

    Only an empty folder or one of the tool's own of the same kind is written into. A demo or a
    self-check folder is redone from scratch (removing only the files its ledger lists); a run
    folder with finished sites needs ``resume``, and then the very list it was started with.
    """
    for m in municipalities:
        check_id(m.id)
    records = [m.to_dict() for m in municipalities]
    marker = _reopen(run_dir, records, resume=resume, kind=kind)
    try:
        run_dir.mkdir(parents=True, exist_ok=True)
        write_bytes_atomic(
            run_dir / "municipalities.json", json.dumps(records, ensure_ascii=False, indent=1).encode("utf-8")
        )
    except OSError as exc:
        raise AuditError(f"cannot write to {run_dir}: {exc.strerror}") from exc
    if resume and marker is not None:
        remove_partial_writes(run_dir)
        meta = {**marker, "resumed_at": [*marker.get("resumed_at", []), _now()]}
    run_id = (marker or {}).get("run_id") or uuid.uuid4().hex[:12]
    meta = {**meta, "tool": TOOL, "kind": kind.value, "run_id": run_id, "list_sha256": list_digest(records)}
    write_json_atomic(run_dir / "run.json", meta)
    done = Ledger(run_dir).done_ids() if resume else set()
    return [m for m in municipalities if m.id not in done or not (run_dir / "snapshots" / m.id / "site.json").exists()]


def _reopen(run_dir: Path, records: list[dict[str, Any]], *, resume: bool, kind: RunKind) -> dict[str, Any] | None:
    """The folder's marker when it is reopened for this run (None when it starts afresh).

    A demo or self-check folder is forgotten first; a run with finished sites needs ``resume``,
    and ``resume`` needs the very list the run was started with.
    """
    marker = check_owned(run_dir, kind)
    if marker is None:
        return None
    if kind is not RunKind.RUN:
        forget_crawl(run_dir)
        return None
    if not resume:
        done = Ledger(run_dir).done_ids()
        if done:
            raise AuditError(
                f"{run_dir} already holds a run with {len(done)} site(s); use --resume to finish it or choose another --out"
            )
        return marker
    old_records = read_json(run_dir / "municipalities.json")
    if old_records != records:
        changes = list_changes(old_records, records)
        raise AuditError(
            f"--resume needs the list the run in {run_dir} was started with; this one differs: {changes}; start a new run folder for a changed list"
        )
    return marker


def crawl(
    run_dir: Path,
    todo: list[Municipality],
    criteria: Criteria,
    options: Any,
    progress: Progress | None = None,
    *,
    engine: str = "local",
    address: str | None = None,
    workers: int = 2,
) -> None:
    """Crawl ``todo`` and archive each site as soon as it is done (stage 1 + 2).

    ``engine`` is ``local`` (one browser in this process) or ``ray`` (one browser per Ray actor;
    the results still come back here and are archived into ``run_dir``).
    """
    ledger = Ledger(run_dir)
    failed: list[CrawlFailure] = []

    def on_done(captured: Any) -> None:
        write_captured(run_dir, captured, ledger)
        if isinstance(captured.result, CrawlFailure) and captured.result.status in RECHECK:
            failed.append(captured.result)
        if progress:
            progress(captured.result)

    try:
        _run_engine(todo, criteria, options, on_done, engine, address, workers)
        if failed:
            _recheck(run_dir, failed, criteria, options, ledger, engine, address, workers)
        write_json_atomic(run_dir / "run.json", {**read_json(run_dir / "run.json"), "finished_at": _now()})
    except (Interrupted, KeyboardInterrupt):
        total = len(read_json(run_dir / "municipalities.json"))
        raise Interrupted(len(ledger.done_ids()), total) from None
    finally:
        ledger.close()


def _recheck(
    run_dir: Path,
    failed: list[CrawlFailure],
    criteria: Criteria,
    options: Any,
    ledger: Ledger,
    engine: str,
    address: str | None,
    workers: int,
) -> None:
    """One more try for sites that were blocked or unreachable, once the rest of the run is over.

    A bot challenge or a rate limit often lifts after a while; the outcome of this pass is
    recorded separately in run.json so a published ranking can say which sites were re-checked.
    """
    outcome: dict[str, str] = {}
    first = {f.municipality.id: f for f in failed}

    def on_done(captured: Any) -> None:
        result = captured.result
        outcome[result.municipality.id] = result.status.value
        if isinstance(result, CrawlFailure):
            # The failure stands, with the first try kept in its history (the report shows both).
            captured.result = replace(result, earlier=first[result.municipality.id].history)
        else:
            captured.result = replace(result, flags=(*result.flags, "rechecked"))
        write_captured(run_dir, captured, ledger)

    _run_engine([f.municipality for f in failed], criteria, options, on_done, engine, address, workers)
    meta = read_json(run_dir / "run.json")
    checks = meta.get("recheck", [])
    checks.append({"at": _now(), "sites": {f.municipality.id: outcome.get(f.municipality.id, "") for f in failed}})
    write_json_atomic(run_dir / "run.json", {**meta, "recheck": checks})


def _run_engine(
    todo: list[Municipality],
    criteria: Criteria,
    options: Any,
    on_done: Callable[[Any], None],
    engine: str,
    address: str | None,
    workers: int,
) -> None:
    if engine == "ray":
        try:
            from audit.engines.ray_engine import crawl_with_ray
        except ImportError as exc:
            raise AuditError("the Ray engine needs the optional extra: pip install '.[ray]'") from exc
        crawl_with_ray(todo, criteria, options, on_done, address=address, workers=workers)
    else:
        from audit.crawler.runner import crawl_sites  # the browser is imported only by the stage that needs it

        asyncio.run(crawl_sites(todo, criteria, options, on_done))


def score_sites(
    sites: list[SiteSnapshot | CrawlFailure],
    criteria: Criteria,
    *,
    phone_checks: dict[str, Any] | None = None,
    overrides: dict[tuple[str, str], Any] | None = None,
) -> list[SiteResult]:
    """Judge and score archived sites (stages 3-5), ranked; pure, no files and no network."""
    phone_checks = phone_checks or {}
    overrides = overrides or {}
    return ranked_order(rank([judge_site(site, criteria, phone_checks, overrides) for site in sites]))


def judge_site(
    site: SiteSnapshot | CrawlFailure,
    criteria: Criteria,
    phone_checks: dict[str, Any],
    overrides: dict[tuple[str, str], Any],
) -> SiteResult:
    """One site's result before ranking: the checks, the phone check and the overrides merged."""
    mid = site.municipality.id
    if isinstance(site, CrawlFailure):
        return not_assessed(site, criteria)
    foreign = foreign_site(site, criteria)
    if foreign:
        return not_assessed(_not_own_site(site, foreign), criteria)
    own = {cid: o for (m, cid), o in overrides.items() if m == mid}
    if not site.municipality.switchboard_phone:
        muni = replace(site.municipality, switchboard_phone=switchboard_from_site(site, criteria))
        site = replace(site, municipality=muni)
    return score_site(site, run_checks(site, criteria), criteria, phone_checks.get(mid), own)


def _not_own_site(site: SiteSnapshot, why: Reason) -> CrawlFailure:
    home = site.homepage
    return CrawlFailure(
        site.municipality,
        SiteStatus.NOT_MUNICIPAL,
        render(why),
        url=site.municipality.url,
        final_url=home.final_url,
        http_status=home.status,
        started_at=site.started_at,
        finished_at=site.finished_at,
        attempts=site.attempts,
        screenshot=home.screenshot,
        reason=why,
    )


def calibration_record() -> list[dict[str, Any]]:
    """The checks' pre-tuning agreement per blind batch (calibration_record.yaml)."""
    from audit.yamlfile import safe_load

    text = resources.files("audit").joinpath("calibration_record.yaml").read_text(encoding="utf-8")
    batches = safe_load(text)["batches"]
    return [dict(b) for b in batches]


def results_document(meta: dict[str, Any], results: list[SiteResult], criteria: Criteria) -> dict[str, Any]:
    """The content of results.json."""
    return {
        "schema_version": RESULTS_SCHEMA_VERSION,
        "run": {
            **meta,
            "rubric_version": criteria.rubric_version,
            "criteria_sha256": criteria.digest,
            "tool_version": __version__,
            "scored_at": _now(),
        },
        "criteria": [c.to_dict() for c in criteria.criteria],
        "service_names": {k: list(v) for k, v in criteria.vocabulary.service_names.items()},
        "calibration": calibration_record(),
        "results": [to_jsonable(r) for r in results],
    }


def score(
    run_dir: Path,
    criteria: Criteria,
    *,
    phone_checks: dict[str, Any] | None = None,
    overrides: dict[tuple[str, str], Any] | None = None,
    extra_run: dict[str, Any] | None = None,
    inquiries: list[Any] | None = None,
) -> dict[str, Any]:
    """Score every archived site (stage 3-5) and write results.json; no network involved.

    Reading and judging the snapshots is spread over the machine's cores for a large run
    (:mod:`audit.judging`); the results are the same, in the same order, as judged one by one."""
    from audit.judging import judge_run

    meta = read_json(run_dir / "run.json") if (run_dir / "run.json").is_file() else {}
    judged = judge_run(run_dir, criteria, phone_checks or {}, overrides or {})
    results = ranked_order(rank([j.result for j in judged]))
    facts = {
        "finished_at": max((j.finished_at for j in judged if j.finished_at), default=None),  # the last site's end
        "chromium_version": "; ".join(sorted({j.browser for j in judged if j.browser})),
    }
    document = results_document({**meta, **facts, **(extra_run or {})}, results, criteria)
    if inquiries is not None:
        document["inquiries"] = inquiries  # response times beside the score, never part of it
    write_json_atomic(run_dir / "results.json", document)
    return document


def load_results(run_dir: Path) -> dict[str, Any]:
    data = read_json(run_dir / "results.json")
    if not isinstance(data, dict) or data.get("schema_version") != RESULTS_SCHEMA_VERSION:
        raise AuditError(f"{run_dir / 'results.json'} is not a results file this version can read")
    return data


def report(run_dir: Path, results: dict[str, Any], *, lang: str | None = None, compare: Path | None = None) -> Path:
    """Render the HTML report and the exports from results alone (stage 6)."""
    from audit.exports import write_exports
    from audit.report import render_report

    previous = load_results(compare) if compare else None
    write_exports(run_dir, results)  # first, so the method page can link the data files
    return render_report(run_dir, results, lang=lang, compare=previous)


def write_call_list(results: dict[str, Any], target: Path) -> int:
    """Write the call list as a CSV a researcher fills in (the phone-check columns left empty)."""
    from audit.csvio import write_csv
    from audit.phone_checks import COLUMNS as PHONE_COLUMNS

    rows = call_list(results)
    # The phone-check columns themselves, so the filled-in file loads as it is.
    known = ("name", "region", "switchboard_phone", "url")
    to_fill = PHONE_COLUMNS[1:]
    header = [PHONE_COLUMNS[0], *known, *to_fill]
    write_csv(target, header, ([r["id"], *(r[k] for k in known), *([""] * len(to_fill))] for r in rows))
    return len(rows)


def call_list(results: dict[str, Any]) -> list[dict[str, str]]:
    """Assessed municipalities still awaiting a phone check, with the switchboard number to call."""
    rows = []
    for r in results["results"]:
        if r["status"] == "ok" and r.get("awaiting_phone_check"):
            m = r["municipality"]
            rows.append(
                {
                    "id": m["id"],
                    "name": m["name"],
                    "region": m["region"],
                    "switchboard_phone": m.get("switchboard_phone", ""),
                    "url": r.get("final_url") or m["url"],
                }
            )
    return rows


def switchboard_from_site(site: SiteSnapshot, criteria: Criteria) -> str:
    """The switchboard number the homepage shows: one labelled as the switchboard (växel,
    sentralbord, omstilling, hovednummer, vaihde) first, else a number labelled as a phone in the
    footer. Organisation, CVR and business-id numbers are never taken for a phone number."""
    from audit.checks.channels import labelled_phone, phone_numbers

    vocab = criteria.for_country(site.municipality.country).vocabulary
    blocks = sorted((e for e in site.homepage.elements if e.kind == "block"), key=lambda e: e.landmark != "footer")
    for labels in (vocab.terms("switchboard"), vocab.channels["phone"]):
        for el in blocks:
            phone = labelled_phone(el.text, labels, vocab)
            if phone:
                return phone
    unlabelled = [n for el in blocks if el.landmark == "footer" for n, _ in phone_numbers(el.text, vocab)]
    return unlabelled[0] if unlabelled else ""
