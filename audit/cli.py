"""The ``audit`` command: a thin layer over the pipeline. Data to stdout, people to stderr.

Exit codes: 0 done (sites that could not be assessed are results, not errors); 1 bad input or an
unusable run folder (one readable line); 2 usage error; 3 ``audit check`` scored below
``--min-score`` (or ``--strict`` found sites that could not be assessed); 4 no usable browser.
"""

from __future__ import annotations

import contextlib
import json
import sys
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from typer.core import TyperGroup

from audit import __version__
from audit.criteria import Criteria, default_criteria_path, load_criteria
from audit.errors import AuditError, Interrupted
from audit.models import CrawlFailure, Municipality, SiteSnapshot
from audit.runfolder import RunKind, claimed, require_run


class _AuditGroup(TyperGroup):
    """Turns expected errors into one line on stderr and their documented exit code."""

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except Interrupted as exc:
            err.print(str(exc), markup=False, highlight=False, soft_wrap=True)
            raise typer.Exit(exc.exit_code) from exc
        except AuditError as exc:
            err.print(f"error: {exc}", markup=False, highlight=False, soft_wrap=True)
            raise typer.Exit(exc.exit_code) from exc
        except OSError as exc:
            # A read-only run folder, a full disk, a path that is a folder: one line, not a traceback.
            where = f" {exc.filename}" if exc.filename else ""
            err.print(f"error: cannot read or write{where}: {exc.strerror or exc}", markup=False, highlight=False, soft_wrap=True)
            raise typer.Exit(1) from exc


app = typer.Typer(
    cls=_AuditGroup,
    add_completion=False,
    no_args_is_help=True,
    help="Audit how easy it is for residents to find their municipality's customer service.",
    pretty_exceptions_enable=False,
)
err = Console(stderr=True, highlight=False)

CriteriaOpt = Annotated[Path | None, typer.Option("--criteria", help="criteria.yaml to use (default: the bundled rubric).")]
ConcurrencyOpt = Annotated[int, typer.Option("--concurrency", min=1, max=64, help="Sites crawled at once.")]
PrivateOpt = Annotated[bool, typer.Option("--allow-private-network", help="Allow loopback and private addresses (for sites you host yourself).")]
QuietOpt = Annotated[bool, typer.Option("--quiet", "-q", help="No progress or summary on stderr.")]
PhoneOpt = Annotated[Path | None, typer.Option("--phone-checks", help="Researchers' phone-check CSV.")]
OverridesOpt = Annotated[Path | None, typer.Option("--overrides", help="CSV of researcher overrides (who, when, why).")]
LangOpt = Annotated[str | None, typer.Option("--lang", help="Report language: sv, nb, da, fi or en (default: from the list's country).")]
RobotsOpt = Annotated[bool, typer.Option("--ignore-robots", help="Do not obey robots.txt (recorded in the run's metadata).")]
UserAgentOpt = Annotated[str | None, typer.Option("--user-agent", help="User-Agent to send (default names the tool and its contact URL).")]
ResumeOpt = Annotated[bool, typer.Option("--resume", help="Finish an interrupted run in --out; finished sites are kept.")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print results.json to stdout.")]
EngineOpt = Annotated[str, typer.Option("--engine", help="Where to crawl: 'local' (this process) or 'ray' (a Ray cluster; pip install '.\\[ray]').")]
AddressOpt = Annotated[str | None, typer.Option("--address", help="Ray cluster address (HEAD:6379); default starts a local Ray.")]
WorkersOpt = Annotated[int, typer.Option("--workers", min=1, max=1024, help="Ray actors (one browser each), each crawling --concurrency sites.")]
CompareOpt = Annotated[Path | None, typer.Option("--compare", help="A previous run folder to show changes against.")]


def main() -> None:
    """Entry point of the ``audit`` command."""
    try:
        app()
    except KeyboardInterrupt:
        err.print("interrupted: finished sites are saved; run again with --resume")
        sys.exit(130)


def _criteria(path: Path | None) -> Criteria:
    return load_criteria(path or default_criteria_path())


def _crawl_options(concurrency: int, allow_private: bool, ignore_robots: bool, user_agent: str | None) -> Any:
    from audit.crawl_types import CrawlOptions, default_user_agent

    return CrawlOptions(
        concurrency=concurrency, allow_private_network=allow_private, obey_robots=not ignore_robots,
        user_agent=user_agent or default_user_agent(),
    )


@contextmanager
def _progress(total: int, quiet: bool) -> Iterator[Any]:
    """A progress bar on stderr with sites done, failed and the current rate."""
    if quiet or total == 0:
        yield lambda _site: None
        return
    counts: Counter[str] = Counter()
    with Progress(
        TextColumn("[bold]crawling"), BarColumn(), MofNCompleteColumn(), TextColumn("{task.fields[failed]} not assessed"),
        TextColumn("{task.fields[rate]}"), TimeElapsedColumn(), console=err, transient=False,
    ) as bar:
        task = bar.add_task("crawl", total=total, failed=0, rate="")
        started = datetime.now(UTC)

        def advance(site: SiteSnapshot | CrawlFailure) -> None:
            counts["failed" if isinstance(site, CrawlFailure) else "ok"] += 1
            elapsed = max((datetime.now(UTC) - started).total_seconds(), 0.001)
            done = counts["ok"] + counts["failed"]
            bar.update(task, advance=1, failed=counts["failed"], rate=f"{done / elapsed * 60:.1f} sites/min")

        yield advance


def _run_meta(muni_file: Path, criteria: Criteria, options: Any, municipalities: list[Municipality]) -> dict[str, Any]:
    from audit.municipalities import sniff_language

    return {
        "tool_version": __version__, "rubric_version": criteria.rubric_version,
        "started_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "municipality_file": str(muni_file), "criteria_file": criteria.path,
        "language": sniff_language(municipalities), "municipality_count": len(municipalities),
        "settings": {
            "concurrency": options.concurrency, "viewport": list(criteria.settings.viewport),
            "max_depth": criteria.settings.max_depth, "obey_robots": options.obey_robots,
            "robots_override": not options.obey_robots, "allow_private_network": options.allow_private_network,
            "user_agent": options.user_agent, "page_timeout_s": options.page_timeout_s,
            "site_timeout_s": options.site_timeout_s,
        },
    }


def _do_crawl(
    muni_file: Path, out: Path, criteria: Criteria, options: Any, *, resume: bool, quiet: bool,
    engine: str = "local", address: str | None = None, workers: int = 2, kind: RunKind = RunKind.RUN,
) -> list[Municipality]:
    from audit.municipalities import load_municipalities
    from audit.pipeline import crawl, prepare_run_dir

    _check_engine(engine)
    municipalities = load_municipalities(muni_file)
    todo = prepare_run_dir(out, municipalities, _run_meta(muni_file, criteria, options, municipalities), resume=resume, kind=kind)
    if not quiet and resume:
        err.print(f"resuming: {len(municipalities) - len(todo)} site(s) already done, {len(todo)} to go")
    with _progress(len(todo), quiet) as advance:
        crawl(out, todo, criteria, options, advance, engine=engine, address=address, workers=workers)
    return municipalities


def _check_engine(engine: str) -> None:
    if engine not in ("local", "ray"):
        raise AuditError(f"unknown engine {engine!r}: use 'local' or 'ray'")


def _check_report_options(lang: str | None, compare: Path | None) -> None:
    """Options used only at the end of a run are checked before its first request."""
    from audit.pipeline import load_results
    from audit.report.i18n import resolve_language

    if lang is not None:
        resolve_language(lang, None)
    if compare is not None:
        load_results(compare)


def _do_score(out: Path, criteria: Criteria, phone: Path | None, overrides: Path | None) -> dict[str, Any]:
    from audit.archive import load_municipalities_of_run
    from audit.overrides import load_overrides
    from audit.phone_checks import load_phone_checks
    from audit.pipeline import score

    ids = {m.id for m in load_municipalities_of_run(out)}
    # Inputs are validated before anything is written, so a bad file costs nothing collected.
    phone_rows = load_phone_checks(phone, ids) if phone else None
    override_rows = load_overrides(overrides, ids, criteria.ids) if overrides else None
    extra = {"phone_check_file": str(phone) if phone else None, "overrides_file": str(overrides) if overrides else None}
    return score(out, criteria, phone_checks=phone_rows, overrides=override_rows, extra_run=extra)


def _summary(results: dict[str, Any], quiet: bool) -> None:
    if quiet:
        return
    rows = results["results"]
    ok = [r for r in rows if r["status"] == "ok"]
    failed = Counter(r["status"] for r in rows if r["status"] != "ok")
    dist = Counter(r["score"] for r in ok)
    err.print(f"assessed {len(ok)} of {len(rows)} municipalities")
    if failed:
        err.print("not assessed: " + ", ".join(f"{n} {s}" for s, n in sorted(failed.items())))
    if ok:
        err.print("scores: " + "  ".join(f"{s}: {dist.get(s, 0)}" for s in range(len(results["criteria"]), -1, -1)))
        for recheck in results["run"].get("recheck", []):
            recovered = sum(1 for status in recheck["sites"].values() if status == "ok")
            err.print(f"re-check pass: {len(recheck['sites'])} blocked or unreachable site(s) tried again, {recovered} recovered")
        waiting = sum(1 for r in ok if r.get("awaiting_phone_check"))
        review = sum(1 for r in ok if r.get("needs_review"))
        if waiting or review:
            err.print(f"provisional: {waiting} awaiting a phone check, {review} need review")


def _emit(results: dict[str, Any], as_json: bool) -> None:
    if as_json:
        sys.stdout.write(json.dumps(results, ensure_ascii=False, indent=1) + "\n")


@app.command()
def run(
    municipalities: Annotated[Path, typer.Argument(help="CSV with id,name,country,region,url.")],
    out: Annotated[Path, typer.Option("--out", help="Run folder to write.")],
    phone_checks: PhoneOpt = None,
    overrides: OverridesOpt = None,
    criteria: CriteriaOpt = None,
    concurrency: ConcurrencyOpt = 4,
    allow_private_network: PrivateOpt = False,
    ignore_robots: RobotsOpt = False,
    user_agent: UserAgentOpt = None,
    resume: ResumeOpt = False,
    engine: EngineOpt = "local",
    address: AddressOpt = None,
    workers: WorkersOpt = 2,
    lang: LangOpt = None,
    compare: CompareOpt = None,
    as_json: JsonOpt = False,
    quiet: QuietOpt = False,
    strict: Annotated[bool, typer.Option("--strict", help="Exit 3 when any site could not be assessed.")] = False,
) -> None:
    """Run every stage: crawl, archive, score, report.

    Usage: audit run municipalities.csv --out reports/2026-11 --phone-checks calls.csv
    """
    crit = _criteria(criteria)
    # Validate every input and option before spending an hour crawling.
    _preflight(municipalities, phone_checks, overrides, crit)
    _check_engine(engine)
    _check_report_options(lang, compare)
    options = _crawl_options(concurrency, allow_private_network, ignore_robots, user_agent)
    with claimed(out, RunKind.RUN):
        _do_crawl(municipalities, out, crit, options, resume=resume, quiet=quiet, engine=engine, address=address, workers=workers)
        results = _finish(out, crit, phone_checks, overrides, lang, compare, quiet)
    _emit(results, as_json)
    if strict and any(r["status"] != "ok" for r in results["results"]):
        raise typer.Exit(3)


def _preflight(muni_file: Path, phone: Path | None, overrides: Path | None, crit: Criteria) -> None:
    from audit.municipalities import load_municipalities
    from audit.overrides import load_overrides
    from audit.phone_checks import load_phone_checks

    ids = {m.id for m in load_municipalities(muni_file)}
    if phone:
        load_phone_checks(phone, ids)
    if overrides:
        load_overrides(overrides, ids, crit.ids)


def _finish(out: Path, crit: Criteria, phone: Path | None, overrides: Path | None, lang: str | None, compare: Path | None, quiet: bool) -> dict[str, Any]:
    from audit.pipeline import report

    results = _do_score(out, crit, phone, overrides)
    index = report(out, results, lang=lang, compare=compare)
    _summary(results, quiet)
    if not quiet:
        err.print(f"report: {index}")
    return results


@app.command("crawl")
def crawl_cmd(
    municipalities: Annotated[Path, typer.Argument(help="CSV with id,name,country,region,url.")],
    out: Annotated[Path, typer.Option("--out", help="Run folder to write.")],
    criteria: CriteriaOpt = None,
    concurrency: ConcurrencyOpt = 4,
    allow_private_network: PrivateOpt = False,
    ignore_robots: RobotsOpt = False,
    user_agent: UserAgentOpt = None,
    resume: ResumeOpt = False,
    engine: EngineOpt = "local",
    address: AddressOpt = None,
    workers: WorkersOpt = 2,
    quiet: QuietOpt = False,
) -> None:
    """Crawl and archive only (stages 1-2); score later with 'audit score'.

    Usage: audit crawl municipalities.csv --out reports/2026-11
    """
    crit = _criteria(criteria)
    options = _crawl_options(concurrency, allow_private_network, ignore_robots, user_agent)
    with claimed(out, RunKind.RUN):
        _do_crawl(municipalities, out, crit, options, resume=resume, quiet=quiet, engine=engine, address=address, workers=workers)


@app.command("score")
def score_cmd(
    run_dir: Annotated[Path, typer.Argument(help="A run folder written by 'audit crawl' or 'audit run'.")],
    phone_checks: PhoneOpt = None,
    overrides: OverridesOpt = None,
    criteria: CriteriaOpt = None,
    as_json: JsonOpt = False,
    quiet: QuietOpt = False,
) -> None:
    """Re-score an archived run from its snapshots (never re-crawls) and write results.json.

    Usage: audit score reports/2026-11 --phone-checks calls.csv
    """
    with claimed(run_dir):
        results = _do_score(run_dir, _criteria(criteria), phone_checks, overrides)
    _summary(results, quiet)
    _emit(results, as_json)


@app.command("report")
def report_cmd(
    run_dir: Annotated[Path, typer.Argument(help="A scored run folder.")],
    lang: LangOpt = None,
    compare: CompareOpt = None,
    quiet: QuietOpt = False,
) -> None:
    """Render index.html and the exports from results.json alone.

    Usage: audit report reports/2026-11 --lang sv --compare reports/2025-11
    """
    from audit.pipeline import load_results, report

    _check_report_options(lang, compare)
    with claimed(run_dir):
        index = report(run_dir, load_results(run_dir), lang=lang, compare=compare)
    if not quiet:
        err.print(f"report: {index}")


@app.command("call-list")
def call_list_cmd(
    run_dir: Annotated[Path, typer.Argument(help="A scored run folder.")],
    output: Annotated[Path | None, typer.Option("--output", "-o", help="CSV to write (default RUN_DIR/call_list.csv).")] = None,
    quiet: QuietOpt = False,
) -> None:
    """Write the municipalities still awaiting a phone check, with the switchboard number to call.

    Usage: audit call-list reports/2026-11
    """
    from audit.csvio import write_csv
    from audit.pipeline import call_list, load_results

    target = output or run_dir / "call_list.csv"
    if target.is_dir():
        raise AuditError(f"{target} is a folder; give --output a file name")
    if not target.parent.is_dir():
        raise AuditError(f"cannot write {target}: the folder {target.parent} does not exist")
    require_run(run_dir)
    rows = call_list(load_results(run_dir))
    header = ["municipality_id", "name", "region", "switchboard_phone", "url", "checked_on", "responsible_person_named", "person_name", "role", "caller", "notes"]
    write_csv(target, header, ([r["id"], r["name"], r["region"], r["switchboard_phone"], r["url"], "", "", "", "", "", ""] for r in rows))
    if not quiet:
        err.print(f"{len(rows)} municipality(ies) to call: {target}")


@app.command("check")
def check_cmd(
    url: Annotated[str, typer.Argument(help="The homepage to check.")],
    name: Annotated[str, typer.Option("--name", help="The municipality's name.")] = "",
    country: Annotated[str, typer.Option("--country", help="SE, NO, DK or FI: sets the language of the advice.")] = "SE",
    min_score: Annotated[int, typer.Option("--min-score", min=0, max=5, help="Exit 3 when the score is below this.")] = 0,
    out: Annotated[Path | None, typer.Option("--out", help="Keep the run folder here (default: a temporary folder).")] = None,
    criteria: CriteriaOpt = None,
    allow_private_network: PrivateOpt = False,
    ignore_robots: RobotsOpt = False,
    lang: LangOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Check one municipality's site and explain each verdict and how to fix it.

    Usage: audit check https://www.example.se --name "Example kommun" --min-score 4
    """
    from audit.selfcheck import run_self_check

    _check_report_options(lang, None)
    with claimed(out, RunKind.CHECK) if out is not None else contextlib.nullcontext():
        code = run_self_check(url, name=name, country=country, min_score=min_score, out=out, criteria=_criteria(criteria), options=_crawl_options(1, allow_private_network, ignore_robots, None), lang=lang, as_json=as_json, console=err)
    raise typer.Exit(code)


@app.command("demo")
def demo_cmd(
    out: Annotated[Path, typer.Option("--out", help="Where to write the demo run.")] = Path("reports/demo"),
    concurrency: ConcurrencyOpt = 4,
    quiet: QuietOpt = False,
) -> None:
    """Serve the bundled fictional municipalities on 127.0.0.1 and run the whole pipeline on them.

    Usage: audit demo --out reports/demo
    """
    from audit.demo import run_demo

    with claimed(out, RunKind.DEMO):
        run_demo(out, concurrency=concurrency, quiet=quiet, console=err, finish=_finish, crawl=_do_crawl, crawl_options=_crawl_options, criteria=_criteria(None))


@app.command("calibrate")
def calibrate_cmd(
    target: Annotated[Path, typer.Argument(help="A labelled set (labels.csv + snapshots.json.gz) or a scored run folder.")],
    labels: Annotated[Path | None, typer.Argument(help="For a run folder: CSV of human labels (id,status,<five criteria>).")] = None,
    criteria: CriteriaOpt = None,
    freeze_to: Annotated[Path | None, typer.Option("--freeze-to", help="Store the run's snapshots in this labelled set's folder.")] = None,
    record: Annotated[bool, typer.Option("--record", help="Write the set's current figures to its expected.json (the floor a test keeps).")] = False,
    recrawl: Annotated[bool, typer.Option("--recrawl", help="Serve the set's sites on 127.0.0.1, crawl them afresh and freeze the snapshots first.")] = False,
    as_json: JsonOpt = False,
) -> None:
    """Compare verdicts with human labels: agreement, confusion matrix, Cohen's kappa, silent errors.

    A labelled set is re-judged from its frozen snapshots, without a browser.

    Usage: audit calibrate calibration/batch1
           audit calibrate reports/demo calibration/demo/labels.csv
           audit calibrate RUN_DIR --freeze-to calibration/batch1
    """
    from audit.calibrate import EXPECTED, calibrate, calibrate_set, figures, format_report, freeze, is_set
    from audit.pipeline import load_results

    if recrawl:
        from audit.calibrate import recrawl as recrawl_set

        count = recrawl_set(target, _criteria(criteria))
        err.print(f"crawled and froze {count} site(s) into {target}")
    if freeze_to is not None:
        count = freeze(target, freeze_to)
        err.print(f"froze {count} site(s) into {freeze_to}")
        if not (freeze_to / "labels.csv").is_file():
            return
        target = freeze_to
    if is_set(target):
        report_data = calibrate_set(target, _criteria(criteria))
        if record:
            from audit.archive import write_json_atomic

            write_json_atomic(target / EXPECTED, figures(report_data))
    elif labels is not None:
        report_data = calibrate(load_results(target), labels)
    else:
        raise AuditError(f"{target} is not a labelled set (labels.csv and snapshots.json.gz); give a LABELS file for a run folder")
    if as_json:
        sys.stdout.write(json.dumps(report_data, ensure_ascii=False, indent=1) + "\n")
    else:
        sys.stdout.write(format_report(report_data))


@app.command("version")
def version_cmd() -> None:
    """Print the tool and rubric versions."""
    crit = _criteria(None)
    sys.stdout.write(f"audit {__version__} (rubric {crit.rubric_version})\n")
