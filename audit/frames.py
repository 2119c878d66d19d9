"""A run folder's tables as typed pandas DataFrames, for analysis in a notebook or a script.

    import audit

    run = audit.load_run("reports/se-2026-11")
    run.results.groupby("region", observed=True)["easy_to_find"].mean()

The frames are the very ones the exports are written from (:func:`audit.exports.table_frames`),
so ``results.csv``, the Parquet files and ``results.xlsx`` hold exactly these values. Every
column's dtype is in the codebook (``docs/CODEBOOK.md``, column ``pandas``).
"""

from __future__ import annotations

import copy
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from audit.codebook import CRITERIA
from audit.exports import table_frames


@dataclass(frozen=True, eq=False)
class Run:
    """One run's tables, with the codebook's dtypes.

    - ``results``: one row per municipality, the columns of ``results.csv`` in the same order
      (ranked municipalities by rank, then those not assessed). Ids are ``string``; criteria,
      flags and the outcomes beside the score are ``Int8`` and scores, ranks and counts
      ``Int64``, both ``<NA>`` while pending or when not assessed; ``status`` and the
      ``*_verdict`` columns are categoricals whose categories are the codebook's values.
    - ``verdicts``: one row per municipality, criterion (the outcomes beside the score
      included) and piece of evidence, the columns of ``verdicts.csv``; ``crawled_at`` is a UTC
      datetime. ``phone_checked_on`` and ``override_when`` stay text: they are dates as the
      researchers wrote them, not instants.
    - ``evidence``: the rows of ``verdicts`` that carry a piece of evidence (``evidence_index``
      not missing), with the same columns and dtypes and a fresh index; verdicts without
      evidence are left out.
    - ``wcag``: one row per municipality, scanned page and axe-core rule violated (``wcag.csv``);
      ``impact`` is a categorical of critical, serious, moderate, minor. Empty, with its columns
      and dtypes, when no site was scanned.
    - ``run``: the run's facts, a copy of results.json's ``run`` record.

    Text cells are as in the exports: formula-safe (a leading ``= + - @`` gets a ``'``) and an
    empty text is ``<NA>``. The dataclass is frozen, the frames are not: copy one before changing
    it if another part of the analysis reads it too.
    """

    results: pd.DataFrame
    verdicts: pd.DataFrame
    evidence: pd.DataFrame
    wcag: pd.DataFrame
    run: dict[str, Any]


def load_run(directory: str | os.PathLike[str]) -> Run:
    """The tables of the run folder ``directory``, read from its ``results.json`` alone.

    Raises :class:`audit.errors.AuditError` when the folder has no results this version can read.
    """
    from audit.pipeline import load_results

    return from_results(load_results(Path(directory)))


def from_results(results: dict[str, Any]) -> Run:
    """The tables of a results.json document already read."""
    frames = table_frames(results)
    verdicts = frames["verdicts"]
    evidence = verdicts[verdicts["evidence_index"].notna()].reset_index(drop=True)
    meta = results.get("run")
    facts = copy.deepcopy(meta) if isinstance(meta, dict) else {}
    return Run(frames["results"], verdicts, evidence, frames["wcag"], facts)


def compare(old: Run, new: Run) -> pd.DataFrame:
    """What changed from ``old`` to ``new``: one row per municipality in either run.

    Columns: ``id``, ``name`` (the new run's, else the old's), ``status_old``/``status_new``,
    ``score_old``/``score_new``, ``score_change`` (new minus old), ``rank_old``/``rank_new``,
    ``<criterion>_old``/``<criterion>_new`` for each criterion, and ``changed``: the status, the
    score or a criterion's value differs (a settled value against an empty one counts), or the
    municipality is in one run only. A rank alone does not make a change, since it moves when
    others move. Rows follow the new run's order, then those only in the old run; a side a
    municipality is missing from is ``<NA>``. Dtypes are those of :class:`Run`'s ``results``.
    """
    ids = new.results["id"].tolist()
    known = set(ids)
    ids += [i for i in old.results["id"].tolist() if i not in known]
    before = old.results.set_index("id").reindex(ids)
    after = new.results.set_index("id").reindex(ids)
    columns: dict[str, Any] = {"id": pd.array(ids, dtype="string"), "name": after["name"].fillna(before["name"])}
    for column in ("status", "score"):
        columns[f"{column}_old"], columns[f"{column}_new"] = before[column], after[column]
    columns["score_change"] = after["score"] - before["score"]
    for column in ("rank", *CRITERIA):
        columns[f"{column}_old"], columns[f"{column}_new"] = before[column], after[column]
    columns["changed"] = _changed(before, after, old, new)
    return pd.DataFrame({k: _values(v) for k, v in columns.items()})


def _changed(before: pd.DataFrame, after: pd.DataFrame, old: Run, new: Run) -> pd.Series:
    one_side = ~before.index.isin(old.results["id"]) | ~after.index.isin(new.results["id"])
    changed = pd.Series(one_side, index=before.index)
    for column in ("status", "score", *CRITERIA):
        changed |= _differs(before[column], after[column])
    return changed


def _differs(a: pd.Series, b: pd.Series) -> pd.Series:
    # Compared as text with a marker for missing, so <NA> against a value counts as a change
    # and <NA> against <NA> does not (a plain != would give <NA> for both).
    missing = "\x00"
    return (a.astype("string").fillna(missing) != b.astype("string").fillna(missing)).astype(bool)


def _values(column: Any) -> Any:
    """A column without its id index, so the frame gets a fresh one."""
    return column.reset_index(drop=True) if isinstance(column, pd.Series) else column
