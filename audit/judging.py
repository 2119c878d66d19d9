"""Stage 3, spread over the cores: read each archived snapshot and judge it.

Reading ``site.json`` and running the checks is pure work per site, and most of a re-score. A
large run is handed to a pool of processes (started fresh, never forked from a process that may
hold threads), each of which reads and judges whole sites and sends back the result; a small
one is judged in this process, where starting workers would cost more than it saves. Either way
the results come back in the list's order and are identical.
"""

from __future__ import annotations

import os
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from multiprocessing import get_context
from pathlib import Path
from typing import Any

from audit.archive import check_id, inside, load_municipalities_of_run, load_site
from audit.criteria import Criteria
from audit.errors import AuditError
from audit.models import SiteResult, SiteSnapshot

# Below this many sites one process is quicker than starting a pool.
POOL_FROM = 120
# Sites handed to a worker at a time: small, so the workers finish together (the last chunk of
# one is not left running while the other waits), large enough that messages stay few.
_CHUNK = 4


@dataclass(frozen=True)
class Judged:
    """One site's result, with what the run's facts need from its snapshot."""

    result: SiteResult
    finished_at: str
    browser: str


def judge_run(
    run_dir: Path, criteria: Criteria, phone_checks: dict[str, Any], overrides: dict[tuple[str, str], Any]
) -> list[Judged]:
    """Every site of the run, judged, in the list's order; a site never crawled is an error."""
    ids = [m.id for m in load_municipalities_of_run(run_dir)]
    missing = [mid for mid in ids if not inside(run_dir, f"snapshots/{check_id(mid)}/site.json").exists()]
    if missing:
        raise AuditError(
            f"{len(missing)} municipality(ies) were never crawled (first: {missing[0]}); finish the run with --resume"
        )
    workers = min(os.cpu_count() or 1, 4)
    if len(ids) < POOL_FROM or workers < 2:
        _setup(run_dir, criteria, phone_checks, overrides)
        return [_judge(mid) for mid in ids]
    context = get_context("forkserver")
    args = (run_dir, criteria, phone_checks, overrides)
    with ProcessPoolExecutor(workers, mp_context=context, initializer=_setup, initargs=args) as pool:
        return list(pool.map(_judge, ids, chunksize=_CHUNK))


_STATE: dict[str, Any] = {}


def _setup(
    run_dir: Path, criteria: Criteria, phone_checks: dict[str, Any], overrides: dict[tuple[str, str], Any]
) -> None:
    from audit.pipeline import judge_site  # the pipeline imports this module; bound once per worker

    _STATE.update(run_dir=run_dir, criteria=criteria, phone_checks=phone_checks, overrides=overrides)
    _STATE["judge_site"] = judge_site


def _judge(muni_id: str) -> Judged:
    judge_site = _STATE["judge_site"]
    site = load_site(_STATE["run_dir"], muni_id)
    if site is None:
        raise AuditError(f"municipality {muni_id} was never crawled; finish the run with --resume")
    result = judge_site(site, _STATE["criteria"], _STATE["phone_checks"], _STATE["overrides"])
    browser = site.browser_version if isinstance(site, SiteSnapshot) else ""
    return Judged(result, site.finished_at, browser)
