"""Write the report files: index.html, method.html, municipalities/<id>.html, report.css/js.

Rendering reads only the results dict (and checks which screenshots exist in the run folder);
it never touches the network and never puts the current time in a page, so the same input
always gives byte-identical output.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from audit.atomic import write_text_atomic
from audit.errors import Problem
from audit.models import SiteResult
from audit.report.compare import compute_changes
from audit.report.i18n import Strings, resolve_language, strings_for
from audit.report.method import build_method
from audit.report.overview import build_overview, byline
from audit.report.page import build_page
from audit.report.safety import clean_text, is_safe_id
from audit.report.view import Run, format_time, parse_run

log = logging.getLogger(__name__)

PAGES_DIR = "municipalities"
STATIC_FILES = ("report.css", "report.js")
# The data files linked from the report, with the string that describes each.
DATA_FILES = (
    ("results.csv", "dl_results_csv"),
    ("verdicts.csv", "dl_verdicts_csv"),
    ("results.xlsx", "dl_xlsx"),
    ("results.parquet", "dl_parquet"),
    ("verdicts.parquet", "dl_parquet"),
    ("wcag.csv", "dl_wcag_csv"),
    ("wcag.parquet", "dl_parquet"),
    ("results.json", "dl_json"),
    ("CODEBOOK.md", "dl_codebook"),
)


@dataclass(frozen=True)
class Download:
    href: str
    name: str
    text: str


@dataclass(frozen=True)
class Layout:
    """What every page's frame needs: language, strings, links back up, footer line."""

    t: Strings
    lang: str
    footer: str
    run: Run


def make_environment() -> Environment:
    """Jinja environment: package templates, HTML autoescaping, undefined names are errors."""
    return Environment(
        loader=PackageLoader("audit", "report/templates"),
        autoescape=select_autoescape(["html"], default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def render_report(
    run_dir: Path,
    results: dict[str, Any],
    *,
    lang: str | None = None,
    compare: dict[str, Any] | None = None,
) -> Path:
    """Render the report of ``results`` into ``run_dir`` and return the path of index.html.

    ``lang`` picks the interface language (sv, nb, da, fi, en); None uses the run's language,
    falling back to en. ``compare`` is a previous results.json dict: ranks, scores and criteria
    are then shown with their change. Municipalities whose id is not a safe file name get no
    page; they are still listed, and the problem is logged and shown on the method page.
    Raises InputError when results.json cannot be decoded, AuditError for an unknown ``lang``.
    """
    t = strings_for(resolve_language(lang, _get(results, "run", "language")))
    run = parse_run(results, t)
    root = run_dir.resolve()
    (root / PAGES_DIR).mkdir(parents=True, exist_ok=True)
    pages, problems = plan_pages(run.sites, root)
    for problem in problems:
        log.warning("%s", problem)
    changes = compute_changes(run.sites, compare) if compare is not None else None
    env = make_environment()
    layout = _layout(run, t)
    links = {mid: f"{PAGES_DIR}/{path.name}" for mid, path in pages.items()}
    previous_finished = _get(compare, "run", "finished_at") if compare is not None else None
    overview = build_overview(run, t, links, changes, previous_finished)
    downloads = [Download(name, name, t(key)) for name, key in DATA_FILES if (root / name).is_file()]
    index = _render_page(
        env, root / "index.html", layout, "index", view=overview, criteria=run.criteria, downloads=downloads
    )
    _render_page(env, root / "calls.html", layout, "calls", view=overview)
    method = build_method(run, t, [_problem_text(p, t) for p in problems])
    _render_page(env, root / "method.html", layout, "method", view=method, data_files=[d.name for d in downloads])
    _write_pages(env, run, layout, root, pages, changes)
    _copy_static(root)
    return index


def _render_page(env: Environment, path: Path, layout: Layout, name: str, **context: Any) -> Path:
    """One of the report's top-level pages (``index``, ``calls`` or ``method``); the overview's
    title names the publisher and the date, as a published report must."""
    title = layout.t(f"{name}_title")
    if name == "index":
        title = f"{title} \u2013 {byline(layout.run, layout.t)}"
    _render(env, f"{name}.html", path, layout, prefix="", current=name, page_title=title, **context)
    return path


def _get(data: dict[str, Any], section: str, key: str) -> Any:
    """``data[section][key]`` when both levels are mappings, else None."""
    inner = data.get(section)
    return inner.get(key) if isinstance(inner, dict) else None


def _render(env: Environment, name: str, path: Path, layout: Layout, **context: Any) -> None:
    """Render template ``name`` with the page frame's values plus ``context`` into ``path``."""
    _write(path, env.get_template(name).render(t=layout.t, layout=layout, **context))


def plan_pages(sites: Sequence[SiteResult], root: Path) -> tuple[dict[str, Path], list[Problem]]:
    """Decide each municipality's page file; refuse unsafe or duplicate ids (with a Problem)."""
    pages: dict[str, Path] = {}
    problems: list[Problem] = []
    for site in sites:
        mid = site.municipality.id
        shown = clean_text(mid, 64)
        if not is_safe_id(mid):
            problems.append(Problem("results.json", f"unsafe municipality id {shown!r}: no page"))
            continue
        path = (root / PAGES_DIR / f"{mid}.html").resolve()
        if not path.is_relative_to(root):
            problems.append(Problem("results.json", f"page of {shown!r} leaves the run folder"))
        elif mid in pages:
            problems.append(Problem("results.json", f"duplicate municipality id {shown!r}"))
        else:
            pages[mid] = path
    return pages, problems


def _problem_text(problem: Problem, t: Strings) -> str:
    # Problems are logged in English; the report shows them with a translated lead-in.
    return t("problem_item", message=clean_text(problem.message))


def _layout(run: Run, t: Strings) -> Layout:
    meta = run.meta
    footer = t(
        "footer",
        tool=clean_text(meta.get("tool_version"), 64) or t("none"),
        rubric=clean_text(meta.get("rubric_version"), 64) or t("none"),
        started=format_time(meta.get("started_at")) or t("none"),
        finished=format_time(meta.get("finished_at")) or t("none"),
    )
    return Layout(t, t.lang, footer, run)


def _write_pages(
    env: Environment,
    run: Run,
    layout: Layout,
    root: Path,
    pages: Mapping[str, Path],
    changes: Mapping[str, Any] | None,
) -> None:
    def exists(relative: str) -> bool:
        target = (root / relative).resolve()
        return target.is_relative_to(root) and target.is_file()

    seen: set[str] = set()
    for site in run.sites:
        mid = site.municipality.id
        if mid not in pages or mid in seen:
            continue
        seen.add(mid)
        change = changes.get(mid) if changes is not None else None
        view = build_page(site, run, layout.t, exists, change)
        _render(
            env,
            "municipality.html",
            pages[mid],
            layout,
            prefix="../",
            current="",
            view=view,
            page_title=layout.t("muni_title", name=view.name),
        )


def _copy_static(root: Path) -> None:
    static = resources.files("audit.report").joinpath("static")
    for name in STATIC_FILES:
        _write(root / name, static.joinpath(name).read_text(encoding="utf-8"))


def _write(path: Path, text: str) -> None:
    """Write atomically, so an interrupted render never leaves a half-written page behind. Not
    flushed to disk page by page: ``audit report`` renders every page again from results.json."""
    write_text_atomic(path, text, durable=False)
