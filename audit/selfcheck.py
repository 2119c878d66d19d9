"""``audit check URL``: one municipality checks its own site and learns how to fix each failure."""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path
from typing import Any

from audit.criteria import Criteria
from audit.models import Municipality
from audit.municipalities import language_for, url_problem
from audit.runfolder import RunKind

_MARKS = {"pass": "PASS", "fail": "FAIL", "needs_review": "REVIEW", "not_assessed": "N/A"}
EXIT_BELOW_MIN = 3


def run_self_check(
    url: str, *, name: str, country: str, min_score: int, out: Path | None, criteria: Criteria,
    options: Any, lang: str | None, as_json: bool, console: Any,
) -> int:
    """Crawl and score one site; print verdicts, evidence and advice; return the exit code."""
    from audit.errors import AuditError
    from audit.pipeline import crawl, prepare_run_dir, score

    problem = url_problem(url)
    if problem:
        raise AuditError(f"{url!r} is not a usable homepage URL: {problem}")
    muni = Municipality(id="self", name=name or url, country=country.upper(), region="", url=url)
    language = lang or language_for(muni.country)
    with tempfile.TemporaryDirectory(prefix="audit-check-") as tmp:
        run_dir = out or Path(tmp)
        meta = {"tool_version": "", "rubric_version": criteria.rubric_version, "language": language, "settings": {}}
        todo = prepare_run_dir(run_dir, [muni], meta, resume=False, kind=RunKind.CHECK)
        crawl(run_dir, todo, criteria, options)
        results = score(run_dir, criteria)
    result = results["results"][0]
    if as_json:
        sys.stdout.write(json.dumps(result, ensure_ascii=False, indent=1) + "\n")
    else:
        _print(result, results["criteria"], language, console)
    if result["status"] != "ok":
        return 1
    return EXIT_BELOW_MIN if (result["score"] or 0) < min_score else 0


def _print(result: dict[str, Any], criteria: list[dict[str, Any]], lang: str, console: Any) -> None:
    from audit.failures import explain
    from audit.messages import render
    from audit.models import SiteStatus

    if result["status"] != "ok":
        status = SiteStatus(result["status"])
        name, fix = explain(status, lang)
        detail = render(result.get("reason"), lang) or result["detail"]
        console.print(f"{result['homepage_url']}: {name} ({status.value}): {detail}", markup=False)
        console.print(f"  {fix}", markup=False)
        return
    by_id = {c["id"]: c for c in criteria}
    console.print(f"{result['final_url']}: score {result['score']} of {len(criteria)}")
    for outcome in result["outcomes"]:
        crit = by_id[outcome["criterion"]]
        question = crit["question"].get(lang) or crit["question"]["en"]
        console.print(f"\n[{_MARKS[outcome['verdict']]}] {outcome['criterion']}: {question}", markup=False)
        why = render(outcome["reason"], lang)
        if outcome.get("doubt"):
            why = f"{why} {render({'code': 'doubt', 'params': {'why': outcome['doubt']}}, lang)}"
        console.print(f"  why: {why}", markup=False)
        for ev in outcome["evidence"][:2]:
            where = f"{ev['region']}, depth {ev['depth']}" + (f", at y={ev['box']['y']:.0f}px" if ev.get("box") else "")
            console.print(f"  evidence: \"{ev['text'][:100]}\" ({where}) {ev['url']}", markup=False)
        if outcome["verdict"] != "pass":
            advice = crit["advice"].get(lang) or crit["advice"]["en"]
            console.print(f"  how to fix: {advice}", markup=False)
