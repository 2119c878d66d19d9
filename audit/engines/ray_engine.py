"""Spread the crawl over a Ray cluster: one browser per actor, the run folder stays on the driver.

Each :class:`CrawlActor` owns one Chromium and crawls up to ``options.concurrency`` sites at once.
Actors are restarted when they die (``max_restarts=-1``) and a task that was running on a dead
actor is retried on its replacement (``max_task_retries``). Results come back to the driver,
which archives them into the run folder keyed by municipality id: a retried task overwrites the
same files and upserts the same ledger row, so a site can never count twice.

Start a cluster across machines (see README, "Scaling out"), then ``audit run ... --engine ray
--address HEAD:6379``. Without ``--address`` a local Ray instance is started.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable, Sequence
from typing import Any

import ray

from audit.crawl_types import Captured, CrawlOptions
from audit.crawler.policy import HostPacer
from audit.crawler.pool import BrowserPool
from audit.crawler.runner import crawl_one
from audit.criteria import Criteria
from audit.errors import AuditError
from audit.models import Municipality

# A task on an actor that died is run again on the restarted actor; a site that kills its
# browser three times in a row is reported by the actor itself as browser_crash.
TASK_RETRIES = 3


@ray.remote(max_restarts=-1, max_task_retries=TASK_RETRIES)
class CrawlActor:
    """One browser, several sites at once (an async actor)."""

    def __init__(self, criteria: Criteria, options: CrawlOptions) -> None:
        self.criteria = criteria
        self.options = options
        self.pool: BrowserPool | None = None
        self.pacer = HostPacer(options.per_host, options.host_delay_s)
        self._starting = asyncio.Lock()

    async def _browser_pool(self) -> BrowserPool:
        async with self._starting:
            if self.pool is None:
                self.pool = await BrowserPool(self.options.chromium, self.options.chromium_args).__aenter__()
            return self.pool

    async def crawl(self, muni: Municipality) -> Captured:
        pool = await self._browser_pool()
        return await crawl_one(pool, muni, self.criteria, self.options, self.pacer)

    def pid(self) -> int:
        return os.getpid()


def _connect(address: str | None, workers: int) -> None:
    if ray.is_initialized():
        return
    try:
        if address:
            ray.init(address=address, log_to_driver=False, configure_logging=False)
        else:
            ray.init(num_cpus=max(workers, 1), include_dashboard=False, log_to_driver=False, configure_logging=False)
    except Exception as exc:  # Ray raises many types; one readable line is what the user needs
        raise AuditError(f"could not start or reach Ray{f' at {address}' if address else ''}: {exc}") from exc


def start_actors(criteria: Criteria, options: CrawlOptions, workers: int) -> list[Any]:
    actor_class: Any = CrawlActor  # Ray's decorator hides .options()/.remote() from type checkers
    return [
        actor_class.options(max_concurrency=max(1, options.concurrency)).remote(criteria, options)
        for _ in range(max(1, workers))
    ]


def crawl_with_ray(
    todo: Sequence[Municipality],
    criteria: Criteria,
    options: CrawlOptions,
    on_done: Callable[[Captured], None],
    *,
    address: str | None = None,
    workers: int = 2,
    actors: list[Any] | None = None,
) -> None:
    """Crawl ``todo`` on Ray actors, calling ``on_done`` on the driver as each site finishes."""
    _connect(address, workers)
    pool = actors or start_actors(criteria, options, workers)
    per_actor = max(1, options.concurrency)
    pending: dict[Any, str] = {}
    queue = list(todo)
    turn = 0
    while queue or pending:
        while queue and len(pending) < per_actor * len(pool):
            muni = queue.pop(0)
            ref = pool[turn % len(pool)].crawl.remote(muni)
            turn += 1
            pending[ref] = muni.id
        ready, _ = ray.wait(list(pending), num_returns=1)
        for ref in ready:
            pending.pop(ref)
            on_done(ray.get(ref))
