"""Shared view-model records and helpers: the parsed run, marks, links, rank labels, changes.

Python decides everything a page shows (which mark, which words, which link is safe);
templates only lay the records out. Every string taken from results.json passes through
:func:`~audit.report.safety.clean_text` here, and every URL through ``safe_href``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from typing import Any

from audit.errors import InputError, Problem
from audit.models import CriterionOutcome, SiteResult, Verdict, from_jsonable
from audit.report.compare import Change
from audit.report.i18n import Strings
from audit.report.safety import clean_text, safe_href

LONG_TEXT = 1000  # criteria wording and advice are ours, but still bounded

# Verdict shown in a cell -> (symbol, sort weight). The symbol is decoration only: each mark
# also carries its word, so meaning never rests on the symbol's shape or the cell's colour.
_MARKS: dict[str, tuple[str, int]] = {
    "pass": ("\u2713", 3),
    "needs_review": ("?", 2),
    "awaiting": ("\u260e", 1),
    "fail": ("\u2717", 0),
    "not_assessed": ("\u2013", -1),
}


@dataclass(frozen=True)
class Link:
    """A URL shown as text; ``href`` is set only when the URL is a safe http(s) link."""

    text: str
    href: str | None


@dataclass(frozen=True)
class Fact:
    """A labelled value; ``href`` turns the value into a link (already checked to be safe)."""

    label: str
    value: str
    href: str | None = None


@dataclass(frozen=True)
class Mark:
    """One criterion verdict as shown: key (CSS class), symbol, short and long words, sort key."""

    key: str
    symbol: str
    short: str
    long: str
    sort: int


@dataclass(frozen=True)
class Criterion:
    """A criterion's wording in the report language, from results["criteria"]."""

    id: str
    short: str
    question: str
    passes_when: str
    advice: str
    weight: int
    source: str


@dataclass(frozen=True)
class ChangeView:
    """A :class:`~audit.report.compare.Change` in words; ``sort`` orders the change column."""

    direction: str
    symbol: str
    rank_text: str
    score_text: str
    gained: tuple[str, ...]
    lost: tuple[str, ...]
    sort: int


@dataclass(frozen=True)
class Run:
    """Everything the views need from results.json, parsed once."""

    sites: tuple[SiteResult, ...]
    criteria: tuple[Criterion, ...]
    meta: dict[str, Any]
    viewport: tuple[int, int]
    service_names: dict[str, tuple[str, ...]] = field(default_factory=dict)
    calibration: tuple[dict[str, Any], ...] = ()
    inquiries: tuple[dict[str, Any], ...] | None = None  # response times, when an inquiry file was given

    @property
    def max_score(self) -> int:
        return sum(c.weight for c in self.criteria)

    # Asked once per municipality page: computed once per run, not once per page.
    @cached_property
    def rank_labels(self) -> dict[str, str]:
        return rank_labels(self.sites)

    @cached_property
    def assessed_count(self) -> int:
        return sum(1 for s in self.sites if s.assessed)


def link(url: object) -> Link:
    return Link(clean_text(url), safe_href(url))


def parse_sites(results: dict[str, Any], file: str = "results.json") -> tuple[SiteResult, ...]:
    """Decode results["results"]; raise InputError naming every entry that cannot be decoded."""
    entries = results.get("results")
    if not isinstance(entries, list):
        raise InputError([Problem(file, "'results' must be a list", field="results")])
    sites: list[SiteResult] = []
    problems: list[Problem] = []
    for i, entry in enumerate(entries):
        try:
            if not isinstance(entry, dict):
                raise TypeError("not an object")
            sites.append(from_jsonable(SiteResult, entry))
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            problems.append(Problem(file, f"result {i} cannot be read: {exc}", field="results"))
    if problems:
        raise InputError(problems)
    return tuple(sites)


def parse_run(results: dict[str, Any], t: Strings) -> Run:
    """The parsed :class:`Run` of a results.json dict, with criteria worded in ``t.lang``."""
    meta = results.get("run")
    meta = meta if isinstance(meta, dict) else {}
    criteria = tuple(_criterion(c, t) for c in results.get("criteria", []) if isinstance(c, dict))
    raw_names = results.get("service_names")
    names = (
        {
            clean_text(k, 8): tuple(clean_text(w, 80) for w in v if isinstance(w, str))
            for k, v in raw_names.items()
            if isinstance(v, list)
        }
        if isinstance(raw_names, dict)
        else {}
    )
    record = results.get("calibration")
    batches = tuple(b for b in record if isinstance(b, dict)) if isinstance(record, list) else ()
    asked = results.get("inquiries")
    inquiries = tuple(i for i in asked if isinstance(i, dict)) if isinstance(asked, list) else None
    return Run(parse_sites(results), criteria, meta, _viewport(meta), names, batches, inquiries)


def _viewport(meta: dict[str, Any]) -> tuple[int, int]:
    settings = meta.get("settings")
    size = settings.get("viewport") if isinstance(settings, dict) else None
    if isinstance(size, list) and len(size) == 2 and all(isinstance(v, int) and v > 0 for v in size):
        return (size[0], size[1])
    return (1366, 768)


def _worded(field: Any, lang: str) -> str:
    if not isinstance(field, dict):
        return clean_text(field, LONG_TEXT)
    return clean_text(field.get(lang) or field.get("en") or "", LONG_TEXT)


def _criterion(data: dict[str, Any], t: Strings) -> Criterion:
    cid = clean_text(data.get("id"), 64)
    weight = data.get("weight", 1)
    source = clean_text(data.get("source"), 64)
    return Criterion(
        id=cid,
        short=t.get(f"crit_{cid}", cid),
        question=_worded(data.get("question"), t.lang),
        passes_when=_worded(data.get("passes_when"), t.lang),
        advice=_worded(data.get("advice"), t.lang),
        weight=weight if isinstance(weight, int) else 1,
        source=t.get(f"criterion_source_{source}", source),
    )


def mark_key(outcome: CriterionOutcome | None) -> str:
    """Which mark an outcome gets: its verdict, except that a provisional fail (nothing on the
    site, no phone check yet) is "awaiting" a phone check. A provisional needs-review stays
    "needs_review": the researcher's check comes before the call."""
    if outcome is None or outcome.verdict is Verdict.NOT_ASSESSED:
        return "not_assessed"
    if outcome.verdict is Verdict.FAIL and outcome.provisional:
        return "awaiting"
    return outcome.verdict.value


def mark_for(outcome: CriterionOutcome | None, t: Strings) -> Mark:
    key = mark_key(outcome)
    symbol, sort = _MARKS[key]
    return Mark(key, symbol, t(f"mark_{key}"), t(f"verdict_{key}"), sort)


def rank_labels(sites: Sequence[SiteResult]) -> dict[str, str]:
    """Rank as displayed per municipality id: "=2" when the rank is shared, "2" otherwise."""
    counts = Counter(s.rank for s in sites if s.assessed and s.rank is not None)
    labels: dict[str, str] = {}
    for site in sites:
        if site.assessed and site.rank is not None:
            prefix = "=" if counts[site.rank] > 1 else ""
            labels[site.municipality.id] = f"{prefix}{site.rank}"
    return labels


def change_view(change: Change, criteria: Sequence[Criterion], t: Strings) -> ChangeView:
    """Words for a change: direction, rank and score text, criteria gained and lost."""
    names = {c.id: c.short for c in criteria}
    order = [c.id for c in criteria]
    gained = tuple(names[c] for c in order if c in change.gained)
    lost = tuple(names[c] for c in order if c in change.lost)
    score = "" if change.score_delta is None else t("change_score", delta=_signed(change.score_delta))
    if change.rank_delta is None or change.prev_rank is None:
        return ChangeView("new", "\u2022", t("change_new"), score, gained, lost, -(10**6))
    delta = change.rank_delta
    if delta > 0:
        text = t("change_up", n=delta, prev=change.prev_rank)
        return ChangeView("up", "\u2191", text, score, gained, lost, delta)
    if delta < 0:
        text = t("change_down", n=-delta, prev=change.prev_rank)
        return ChangeView("down", "\u2193", text, score, gained, lost, delta)
    return ChangeView("same", "=", t("change_same"), score, gained, lost, 0)


def _signed(value: int) -> str:
    # U+2212 is the typographic minus; it reads better than a hyphen next to a digit.
    return f"+{value}" if value > 0 else ("\u00b10" if value == 0 else f"\u2212{-value}")


def format_time(value: object) -> str:
    """An ISO timestamp as "YYYY-MM-DD HH:MM" plus its offset ("UTC" for +00:00)."""
    text = clean_text(value, 64)
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return text
    if len(text) <= 10:
        return moment.strftime("%Y-%m-%d")
    shown = moment.strftime("%Y-%m-%d %H:%M")
    offset = moment.utcoffset()
    if offset is None:
        return shown
    # isoformat() ends an aware time with its offset as "+02:00".
    return shown + (" UTC" if not offset else " " + moment.isoformat()[-6:])


def site_name(site: SiteResult) -> str:
    return clean_text(site.municipality.name) or clean_text(site.municipality.id)
