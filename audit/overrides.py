"""Researcher overrides of verdicts, each recorded with who decided, when and why.

A verdict the tool could not make with confidence is flagged "needs review"; a researcher
confirms or corrects it in a CSV file::

    municipality_id,criterion,verdict,who,when,why

Every column is required and non-empty: an override without its reason or author would make a
published score unverifiable. All problems of the file are reported at once.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Mapping
from datetime import date, datetime, timedelta
from pathlib import Path

from audit.csvio import read_rows
from audit.errors import InputError, Problem
from audit.models import Override, Verdict
from audit.municipalities import unknown_id_message

COLUMNS = ("municipality_id", "criterion", "verdict", "who", "when", "why")

_VERDICTS = {"pass": Verdict.PASS, "1": Verdict.PASS, "fail": Verdict.FAIL, "0": Verdict.FAIL}
_DATE_ONLY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
# Python's fromisoformat also takes forms such as "20250305" or "2025-W10"; insist on the
# readable calendar form so every recorded "when" looks the same.
_DATE_TIME = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}.*")
_FUTURE_SLACK = timedelta(days=1)  # time zones: a decision logged "tomorrow" elsewhere is fine
_EMPTY_HINTS = {
    "who": "; write who made the decision",
    "when": "; write the date of the decision as YYYY-MM-DD",
    "why": "; write the reason, it is part of the published record",
}

Key = tuple[str, str]


def load_overrides(
    path: Path,
    known_ids: Collection[str],
    criterion_ids: Collection[str],
    *,
    today: date | None = None,
) -> dict[Key, Override]:
    """Read the overrides at ``path``: ``(municipality_id, criterion)`` -> :class:`Override`.

    ``known_ids`` are the municipality list's ids and ``criterion_ids`` the rubric's criteria.
    ``today`` (default: the local date) bounds ``when``. A file with a header and no rows
    gives ``{}``.

    Raises :class:`InputError` with one :class:`Problem` (file, line, field) per issue in the
    whole file, and returns nothing in that case: an empty column; an unknown municipality id
    (with a hint when Excel seems to have dropped leading zeros); an unknown criterion; a
    ``verdict`` other than ``pass``/``fail``/``1``/``0`` (any case); a ``when`` that is not an
    ISO date or date-time, not a real date, or later than tomorrow; the same (id, criterion)
    pair on two rows (naming both lines); plus everything :func:`read_table` rejects.
    ``when`` is returned in ISO form (``YYYY-MM-DD`` or ``YYYY-MM-DDTHH:MM:SS[+zone]``).
    """
    file = str(path)
    problems: list[Problem] = []
    rows = read_rows(path, problems, required=COLUMNS)
    known = frozenset(known_ids)
    criteria = frozenset(criterion_ids)
    latest = (today or date.today()) + _FUTURE_SLACK
    overrides: dict[Key, Override] = {}
    first_line: dict[Key, int] = {}
    for line, row in rows:
        override, found = _parse_row(file, line, row, (known, criteria), latest)
        key = (row["municipality_id"], row["criterion"])
        found += _repeated(file, line, key, first_line)
        problems.extend(found)
        if override is not None and not found:
            overrides[key] = override
    if problems:
        raise InputError(problems)
    return overrides


def _repeated(file: str, line: int, key: Key, first_line: dict[Key, int]) -> list[Problem]:
    """A problem when (id, criterion) was overridden on an earlier line; else remember this line."""
    if key in first_line:
        message = f"municipality {key[0]} has two overrides of '{key[1]}', lines {first_line[key]} and {line}; keep one"
        return [Problem(file, message, line, "criterion")]
    if all(key):
        first_line[key] = line
    return []


def parse_verdict(text: str) -> Verdict | None:
    """``PASS`` for pass/1, ``FAIL`` for fail/0 (any case, whitespace ignored), else ``None``."""
    return _VERDICTS.get(text.strip().casefold())


def parse_when(text: str, latest: date) -> str:
    """``text`` as a normalised ISO date or date-time, no later than ``latest``.

    Raises ``ValueError`` with a message for the researcher otherwise.
    """
    expected = "write it as YYYY-MM-DD or YYYY-MM-DDTHH:MM"
    if not (_DATE_ONLY.fullmatch(text) or _DATE_TIME.fullmatch(text)):
        raise ValueError(f"'{text}' is not a date; {expected}")
    try:
        day, normalised = _iso_day(text)
    except ValueError:
        raise ValueError(f"'{text}' is not a real date or time; {expected}") from None
    if day > latest:
        raise ValueError(f"'{text}' is in the future")
    return normalised


def _iso_day(text: str) -> tuple[date, str]:
    """The calendar day of an ISO date or date-time, and the value in normalised ISO form."""
    if _DATE_ONLY.fullmatch(text):
        day = date.fromisoformat(text)
        return day, day.isoformat()
    moment = datetime.fromisoformat(text)
    return moment.date(), moment.isoformat()


def _parse_row(
    file: str,
    line: int,
    row: Mapping[str, str],
    allowed: tuple[Collection[str], Collection[str]],
    latest: date,
) -> tuple[Override | None, list[Problem]]:
    """The row as an :class:`Override`, or ``None`` with the row's own problems."""
    problems: list[Problem] = []

    def problem(field: str, message: str) -> None:
        problems.append(Problem(file, message, line, field))

    for field in COLUMNS:
        if not row[field]:
            problem(field, f"{field} is empty{_EMPTY_HINTS.get(field, '')}")
    known, criteria = allowed
    municipality_id, criterion = row["municipality_id"], row["criterion"]
    if municipality_id and municipality_id not in known:
        problem("municipality_id", unknown_id_message(municipality_id, known))
    if criterion and criterion not in criteria:
        expected = ", ".join(sorted(criteria))
        problem("criterion", f"unknown criterion '{criterion}'; expected one of: {expected}")
    verdict = _verdict(row["verdict"], problem)
    when = _when(row["when"], latest, problem)
    if problems or verdict is None or when is None:
        return None, problems
    override = Override(
        municipality_id=municipality_id,
        criterion=criterion,
        verdict=verdict,
        who=row["who"],
        when=when,
        why=row["why"],
        line=line,
    )
    return override, problems


def _verdict(text: str, problem: Callable[[str, str], None]) -> Verdict | None:
    """The parsed verdict; ``None`` (reported unless empty, which is reported already)."""
    verdict = parse_verdict(text)
    if verdict is None and text:
        problem("verdict", f"verdict '{text}' is not pass or fail (or 1 or 0)")
    return verdict


def _when(text: str, latest: date, problem: Callable[[str, str], None]) -> str | None:
    """The normalised ``when``; ``None`` (reported unless empty, which is reported already)."""
    if not text:
        return None
    try:
        return parse_when(text, latest)
    except ValueError as exc:
        problem("when", str(exc))
        return None
