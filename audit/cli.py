"""The ``audit`` command: a thin layer over the pipeline. Data to stdout, people to stderr.

Exit codes: 0 done (sites that could not be assessed are results, not errors); 1 bad input or an
unusable run folder (one readable line); 2 usage error; 3 ``audit check`` scored below
``--min-score`` (or ``--strict`` found sites that could not be assessed); 4 no usable browser.
"""

from __future__ import annotations

import inspect
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
from audit.config import RunConfig
from audit.criteria import Criteria, default_criteria_path, load_criteria
from audit.errors import AuditError, Interrupted
from audit.models import CrawlFailure, SiteSnapshot
from audit.runfolder import RunKind, check_owned, claimed, require_run


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
        except BrokenPipeError:
            raise typer.Exit(0) from None  # the reader of stdout went away (| head): nothing to say
        except OSError as exc:
            # A read-only run folder, a full disk, a path that is a folder: one line, not a traceback.
            where = f" {exc.filename}" if exc.filename else ""
            err.print(
                f"error: cannot read or write{where}: {exc.strerror or exc}",
                markup=False,
                highlight=False,
                soft_wrap=True,
            )
            raise typer.Exit(1) from exc


app = typer.Typer(
    cls=_AuditGroup,
    add_completion=False,
    no_args_is_help=True,
    help="Audit how easy it is for residents to find their municipality's customer service.",
    pretty_exceptions_enable=False,
)
err = Console(stderr=True, highlight=False)

ListArg = Annotated[Path, typer.Argument(help="CSV with id,name,country,region,url.")]
OutOpt = Annotated[Path, typer.Option("--out", help="Run folder to write.")]
RunDirArg = Annotated[Path, typer.Argument(help="A run folder written by 'audit run' or 'audit crawl'.")]
CriteriaOpt = Annotated[
    Path | None, typer.Option("--criteria", help="criteria.yaml to use (default: the bundled rubric).")
]
ConcurrencyOpt = Annotated[int, typer.Option("--concurrency", min=1, max=64, help="Sites crawled at once.")]
PrivateOpt = Annotated[
    bool,
    typer.Option("--allow-private-network", help="Allow loopback and private addresses (for sites you host yourself)."),
]
QuietOpt = Annotated[bool, typer.Option("--quiet", "-q", help="No progress or summary on stderr.")]
PhoneOpt = Annotated[Path | None, typer.Option("--phone-checks", help="Researchers' phone-check CSV.")]
OverridesOpt = Annotated[Path | None, typer.Option("--overrides", help="CSV of researcher overrides (who, when, why).")]
InquiriesOpt = Annotated[
    Path | None, typer.Option("--inquiries", help="CSV of mystery-shopper inquiries (response times, not scored).")
]
LangOpt = Annotated[
    str | None,
    typer.Option("--lang", help="Report language: sv, nb, nn, da, fi or en (default: from the list's country)."),
]
RobotsOpt = Annotated[
    bool, typer.Option("--ignore-robots", help="Do not obey robots.txt (recorded in the run's metadata).")
]
UserAgentOpt = Annotated[
    str | None, typer.Option("--user-agent", help="User-Agent to send (default names the tool and its contact URL).")
]
PageTimeoutOpt = Annotated[
    float, typer.Option("--page-timeout", min=1, max=300, help="Seconds a page may take to load.")
]
SiteTimeoutOpt = Annotated[
    float, typer.Option("--site-timeout", min=5, max=3600, help="Seconds one site may take in all (hard limit).")
]
ResumeOpt = Annotated[
    bool, typer.Option("--resume", help="Finish an interrupted run in --out; finished sites are kept.")
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print results.json to stdout.")]
EngineOpt = Annotated[
    str,
    typer.Option(
        "--engine", help="Where to crawl: 'local' (this process) or 'ray' (a Ray cluster; pip install '.\\[ray]')."
    ),
]
AddressOpt = Annotated[
    str | None, typer.Option("--address", help="Ray cluster address (HEAD:6379); default starts a local Ray.")
]
WorkersOpt = Annotated[
    int,
    typer.Option(
        "--workers", min=1, max=1024, help="Ray actors (one browser each), each crawling --concurrency sites."
    ),
]
CompareOpt = Annotated[Path | None, typer.Option("--compare", help="A previous run folder to show changes against.")]
PublisherOpt = Annotated[str, typer.Option("--publisher", help="Who publishes the report (shown in its title).")]
StrictOpt = Annotated[bool, typer.Option("--strict", help="Exit 3 when any site could not be assessed.")]
WcagOpt = Annotated[
    bool,
    typer.Option(
        "--wcag/--no-wcag",
        help="Beside the score: axe-core (WCAG 2.1 A/AA) on the homepage and service page, and open the "
        "accessibility statement.",
    ),
]


def main() -> None:
    """Entry point of the ``audit`` command."""
    try:
        app()
    except KeyboardInterrupt:
        err.print("interrupted: finished sites are saved; run again with --resume")
        sys.exit(130)


def _criteria(path: Path | None) -> Criteria:
    return load_criteria(path or default_criteria_path())


@contextmanager
def _progress(total: int, quiet: bool) -> Iterator[Any]:
    """A progress bar on stderr with sites done, failed and the current rate."""
    if quiet or total == 0:
        yield lambda _site: None
        return
    counts: Counter[str] = Counter()
    with Progress(
        TextColumn("[bold]crawling"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[failed]} not assessed"),
        TextColumn("{task.fields[rate]}"),
        TimeElapsedColumn(),
        console=err,
        transient=False,
    ) as bar:
        task = bar.add_task("crawl", total=total, failed=0, rate="")
        started = datetime.now(UTC)

        def advance(site: SiteSnapshot | CrawlFailure) -> None:
            counts["failed" if isinstance(site, CrawlFailure) else "ok"] += 1
            elapsed = max((datetime.now(UTC) - started).total_seconds(), 0.001)
            done = counts["ok"] + counts["failed"]
            bar.update(task, advance=1, failed=counts["failed"], rate=f"{done / elapsed * 60:.1f} sites/min")

        yield advance


def execute(config: RunConfig, quiet: bool) -> dict[str, Any] | None:
    """Run ``config`` through the pipeline, with a progress bar and messages on stderr."""
    from audit.pipeline import execute as run_pipeline

    def notify(message: str) -> None:
        if not quiet:
            err.print(message, markup=False)

    results = run_pipeline(config, lambda total: _progress(total, quiet), notify)
    if results is not None:
        _summary(results, quiet)
    return results


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
            err.print(
                f"re-check pass: {len(recheck['sites'])} blocked or unreachable site(s) tried again, {recovered} recovered"
            )
        waiting = sum(1 for r in ok if r.get("awaiting_phone_check"))
        review = sum(1 for r in ok if r.get("needs_review"))
        verdicts = sum(1 for r in ok for o in r["outcomes"] if o["verdict"] == "needs_review")
        if waiting or review:
            err.print(f"provisional: {waiting} awaiting a phone check, {review} need review")
        err.print(f"needs review: {verdicts} of {len(ok) * len(results['criteria'])} verdicts")


def _emit(results: dict[str, Any], as_json: bool) -> None:
    if as_json:
        sys.stdout.write(json.dumps(results, ensure_ascii=False, indent=1) + "\n")


# The options of ``audit run`` and ``audit crawl``, declared once: (name, type with its help, default).
_REQUIRED = inspect.Parameter.empty
RUN_OPTIONS: tuple[tuple[str, Any, Any], ...] = (
    ("municipalities", ListArg, _REQUIRED),
    ("out", OutOpt, _REQUIRED),
    ("phone_checks", PhoneOpt, None),
    ("overrides", OverridesOpt, None),
    ("inquiries", InquiriesOpt, None),
    ("criteria", CriteriaOpt, None),
    ("concurrency", ConcurrencyOpt, 4),
    ("allow_private_network", PrivateOpt, False),
    ("ignore_robots", RobotsOpt, False),
    ("user_agent", UserAgentOpt, None),
    ("page_timeout", PageTimeoutOpt, 15.0),
    ("site_timeout", SiteTimeoutOpt, 90.0),
    ("resume", ResumeOpt, False),
    ("engine", EngineOpt, "local"),
    ("address", AddressOpt, None),
    ("workers", WorkersOpt, 2),
    ("lang", LangOpt, None),
    ("compare", CompareOpt, None),
    ("publisher", PublisherOpt, ""),
    ("wcag", WcagOpt, False),
    ("as_json", JsonOpt, False),
    ("quiet", QuietOpt, False),
    ("strict", StrictOpt, False),
)


def _signature(options: tuple[tuple[str, Any, Any], ...]) -> inspect.Signature:
    kind = inspect.Parameter.POSITIONAL_OR_KEYWORD
    return inspect.Signature(
        [inspect.Parameter(name, kind, default=default, annotation=hint) for name, hint, default in options]
    )


def _run_config(values: dict[str, Any], *, report: bool) -> RunConfig:
    from audit.crawl_types import CrawlOptions, default_user_agent

    options = CrawlOptions(
        concurrency=values["concurrency"], allow_private_network=values["allow_private_network"],
        obey_robots=not values["ignore_robots"], user_agent=values["user_agent"] or default_user_agent(),
        page_timeout_s=values["page_timeout"], site_timeout_s=values["site_timeout"], wcag=values["wcag"],
    )  # fmt: skip
    keep: tuple[str, ...] = ("resume", "engine", "address", "workers", "phone_checks", "overrides", "inquiries")
    keep = (*keep, "lang", "compare", "publisher")
    return RunConfig(
        values["municipalities"], values["out"], _criteria(values["criteria"]), options, report=report,
        **{k: values[k] for k in keep},
    )  # fmt: skip


def _crawl_command(*, report: bool) -> Any:
    """``audit run`` and ``audit crawl``: one command with the options of :data:`RUN_OPTIONS`."""

    def command(**values: Any) -> None:
        results = execute(_run_config(values, report=report), values["quiet"])
        if results is None:
            return
        _emit(results, values["as_json"])
        if values["strict"] and any(r["status"] != "ok" for r in results["results"]):
            raise typer.Exit(3)

    command.__signature__ = _signature(RUN_OPTIONS)  # type: ignore[attr-defined]
    return command


app.command(
    "run",
    help="""Run every stage: crawl, archive, score, report.

Usage: audit run municipalities.csv --out reports/2026-11 --phone-checks calls.csv""",
)(_crawl_command(report=True))
app.command(
    "crawl",
    help="""Crawl and archive only (stages 1-2); score and report later with 'audit score' and 'audit report'.

Takes the same options as 'audit run' (those of scoring and the report are checked, then kept for later).

Usage: audit crawl municipalities.csv --out reports/2026-11""",
)(_crawl_command(report=False))


@app.command("score")
def score_cmd(
    run_dir: RunDirArg,
    phone_checks: PhoneOpt = None,
    overrides: OverridesOpt = None,
    inquiries: InquiriesOpt = None,
    criteria: CriteriaOpt = None,
    as_json: JsonOpt = False,
    quiet: QuietOpt = False,
) -> None:
    """Re-score an archived run from its snapshots (never re-crawls) and write results.json.

    Usage: audit score reports/2026-11 --phone-checks calls.csv
    """
    from audit.pipeline import score_run

    with claimed(run_dir):
        results = score_run(run_dir, _criteria(criteria), phone_checks, overrides, inquiries)
    _summary(results, quiet)
    _emit(results, as_json)


@app.command("report")
def report_cmd(run_dir: RunDirArg, lang: LangOpt = None, compare: CompareOpt = None, quiet: QuietOpt = False) -> None:
    """Render index.html and the exports from results.json alone.

    Usage: audit report reports/2026-11 --lang sv --compare reports/2025-11
    """
    from audit.pipeline import check_report_options, load_results, report

    check_report_options(lang, compare)
    with claimed(run_dir):
        index = report(run_dir, load_results(run_dir), lang=lang, compare=compare)
    if not quiet:
        err.print(f"report: {index}")


@app.command("publish")
def publish_cmd(
    run_dir: RunDirArg,
    out: Annotated[Path, typer.Option("--out", help="The folder to upload: new, empty, or published before.")],
    with_pages: Annotated[
        bool, typer.Option("--with-pages", help="Also copy the stored copies of the municipalities' pages.")
    ] = False,
    with_archive: Annotated[bool, typer.Option("--with-archive", help="Also copy the WARC archives.")] = False,
    quiet: QuietOpt = False,
) -> None:
    """Copy the public report, its data and screenshots into a clean, world-readable folder.

    Usage: audit publish reports/2026-11 --out site/2026-11
    """
    from audit.publish import publish

    done = publish(run_dir, out, with_pages=with_pages, with_archive=with_archive)
    if not quiet:
        err.print(f"published {len(done.files)} file(s) to {done.folder}")


@app.command("desk")
def desk_cmd(
    run_dir: RunDirArg,
    host: Annotated[
        str, typer.Option("--host", help="Address to serve on; anything but 127.0.0.1 needs the printed token.")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="Port to serve on.")] = 8765,
    criteria: CriteriaOpt = None,
) -> None:
    """Open the researchers' desk: call list, review queue and inquiries in a browser.

    Usage: audit desk reports/demo
    """
    import secrets

    import uvicorn

    from audit.archive import load_municipalities_of_run
    from audit.desk.app import create_app

    token = None if host in ("127.0.0.1", "localhost", "::1") else secrets.token_urlsafe(24)
    with claimed(run_dir):
        ids = [m.id for m in load_municipalities_of_run(run_dir)]
        application = create_app(run_dir, _criteria(criteria), ids, token=token)
        address = f"http://{host}:{port}/" + (f"?token={token}" if token else "")
        err.print(f"the desk is open at {address} (Ctrl-C to close)")
        uvicorn.run(application, host=host, port=port, log_level="warning")


@app.command("call-list")
def call_list_cmd(
    run_dir: RunDirArg,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="CSV to write (default RUN_DIR/call_list.csv).")
    ] = None,
    quiet: QuietOpt = False,
) -> None:
    """Write the municipalities still awaiting a phone check, with the switchboard number to call.

    Usage: audit call-list reports/2026-11
    """
    from audit.pipeline import load_results, write_call_list

    target = output or run_dir / "call_list.csv"
    if target.is_dir():
        raise AuditError(f"{target} is a folder; give --output a file name")
    if not target.parent.is_dir():
        raise AuditError(f"cannot write {target}: the folder {target.parent} does not exist")
    require_run(run_dir)
    count = write_call_list(load_results(run_dir), target)
    if not quiet:
        err.print(f"{count} municipality(ies) to call: {target}")


@app.command("check")
def check_cmd(
    url: Annotated[str, typer.Argument(help="The homepage to check.")],
    name: Annotated[str, typer.Option("--name", help="The municipality's name.")] = "",
    country: Annotated[
        str, typer.Option("--country", help="SE, NO, DK or FI: sets the language of the advice.")
    ] = "SE",
    min_score: Annotated[
        int, typer.Option("--min-score", min=0, max=5, help="Exit 3 when the score is below this.")
    ] = 0,
    out: Annotated[
        Path | None,
        typer.Option("--out", help="Keep the run folder (and a report) here (default: a temporary folder)."),
    ] = None,
    criteria: CriteriaOpt = None,
    allow_private_network: PrivateOpt = False,
    ignore_robots: RobotsOpt = False,
    lang: LangOpt = None,
    wcag: WcagOpt = True,
    as_json: JsonOpt = False,
) -> None:
    """Check one municipality's site and explain each verdict and how to fix it.

    Usage: audit check https://www.example.se --name "Example kommun" --min-score 4
    """
    from audit.crawl_types import CrawlOptions
    from audit.selfcheck import run_self_check

    options = CrawlOptions(
        concurrency=1, allow_private_network=allow_private_network, obey_robots=not ignore_robots, wcag=wcag
    )
    code = run_self_check(
        url, name=name, country=country, min_score=min_score, out=out, criteria=_criteria(criteria),
        options=options, lang=lang, as_json=as_json, console=err,
    )  # fmt: skip
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
    from audit.demo import demo_config, serve_demo

    check_owned(out, RunKind.DEMO)  # before serving anything
    with serve_demo() as (listing, port):
        if not quiet:
            err.print(f"serving the demo municipalities on http://*.localhost:{port}/")
        execute(demo_config(listing, out, _criteria(None), concurrency), quiet)


SetArg = Annotated[Path, typer.Argument(help="A labelled set (labels.csv + snapshots.json.gz) or a scored run folder.")]
LabelsArg = Annotated[
    Path | None, typer.Argument(help="For a run folder: CSV of human labels (id,status,<five criteria>).")
]
FreezeOpt = Annotated[
    Path | None, typer.Option("--freeze-to", help="Store the run's snapshots in this labelled set's folder.")
]
RecordOpt = Annotated[
    bool,
    typer.Option("--record", help="Write the set's current figures to its expected.json (the floor a test keeps)."),
]
RecrawlOpt = Annotated[
    bool,
    typer.Option(
        "--recrawl", help="Serve the set's sites on 127.0.0.1, crawl them afresh and freeze the snapshots first."
    ),
]


@app.command("calibrate")
def calibrate_cmd(
    target: SetArg, labels: LabelsArg = None, criteria: CriteriaOpt = None, freeze_to: FreezeOpt = None,
    record: RecordOpt = False, recrawl: RecrawlOpt = False, as_json: JsonOpt = False,
) -> None:  # fmt: skip
    """Compare verdicts with human labels: agreement, confusion matrix, Cohen's kappa, silent errors.

    A labelled set is re-judged from its frozen snapshots, without a browser.

    Usage: audit calibrate calibration/batch1
           audit calibrate reports/demo calibration/demo/labels.csv
           audit calibrate RUN_DIR --freeze-to calibration/batch1
    """
    from audit.calibrate import format_report

    judged = _freeze(target, freeze_to, _criteria(criteria) if recrawl else None)
    if judged is None:
        return
    report_data = _calibration(judged, labels, _criteria(criteria), record)
    if as_json:
        sys.stdout.write(json.dumps(report_data, ensure_ascii=False, indent=1) + "\n")
    else:
        sys.stdout.write(format_report(report_data))


def _freeze(target: Path, freeze_to: Path | None, recrawl_with: Criteria | None) -> Path | None:
    """Crawl the set afresh, or store a run's snapshots in a set; the set to judge (None: nothing to judge)."""
    from audit.calibrate import freeze, recrawl

    if recrawl_with is not None:
        err.print(f"crawled and froze {recrawl(target, recrawl_with)} site(s) into {target}")
    if freeze_to is None:
        return target
    err.print(f"froze {freeze(target, freeze_to)} site(s) into {freeze_to}")
    return freeze_to if (freeze_to / "labels.csv").is_file() else None


def _calibration(target: Path, labels: Path | None, crit: Criteria, record: bool) -> dict[str, Any]:
    """The figures of a labelled set (stored as its floor with ``record``) or of a run against labels."""
    from audit.calibrate import EXPECTED, calibrate, calibrate_set, figures, is_set
    from audit.pipeline import load_results

    if is_set(target):
        report_data = calibrate_set(target, crit)
        if record:
            from audit.atomic import write_text_atomic

            write_text_atomic(target / EXPECTED, json.dumps(figures(report_data), indent=1) + "\n")
        return report_data
    if labels is None:
        raise AuditError(
            f"{target} is not a labelled set (labels.csv and snapshots.json.gz); give a LABELS file for a run folder"
        )
    return calibrate(load_results(target), labels)


@app.command("version")
def version_cmd() -> None:
    """Print the tool and rubric versions and the bundled rubric's sha256."""
    crit = _criteria(None)
    sys.stdout.write(f"audit {__version__} (rubric {crit.rubric_version}, criteria.yaml sha256 {crit.digest[:12]})\n")
