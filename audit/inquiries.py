"""Mystery-shopper inquiries: questions sent to a municipality and how it answered.

Beyond the five points (as consumer councils do with anonymous e-mails and web-form questions),
researchers record each inquiry as one CSV row::

    municipality_id,channel,question,sent_at,answered_at,adequate,notes

``channel`` is ``email``, ``web_form`` or ``phone``; ``sent_at`` and ``answered_at`` are ISO
dates or date-times (``answered_at`` empty while unanswered); ``adequate`` is yes/no, empty while
unanswered. Every problem of the file is reported at once (file, line, field), nothing is
returned until the file is clean, and the inquiries never change the five-point score: the
report shows response times beside it.
"""

from __future__ import annotations

import statistics
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from audit.csvio import read_rows
from audit.errors import InputError, Problem
from audit.municipalities import id_problem
from audit.phone_checks import parse_yes_no

COLUMNS = ("municipality_id", "channel", "question", "sent_at", "answered_at", "adequate", "notes")
CHANNELS = ("email", "web_form", "phone")
_FUTURE_SLACK = timedelta(days=1)


@dataclass(frozen=True)
class Inquiry:
    municipality_id: str
    channel: str
    question: str
    sent_at: str
    answered_at: str = ""
    adequate: bool | None = None
    notes: str = ""
    line: int = 0


def load_inquiries(path: Path, known_ids: Collection[str], *, today: date | None = None) -> list[Inquiry]:
    """Read ``path``; raise :class:`InputError` naming every problem (file, line, field)."""
    file = str(path)
    problems: list[Problem] = []
    rows = read_rows(path, problems, required=COLUMNS)
    known = frozenset(known_ids)
    latest = datetime.combine((today or date.today()) + _FUTURE_SLACK, datetime.max.time(), UTC)
    found: list[Inquiry] = []
    for line, row in rows:
        inquiry, row_problems = _parse_row(file, line, row, known, latest)
        problems.extend(row_problems)
        if inquiry is not None:
            found.append(inquiry)
    if problems:
        raise InputError(problems)
    return found


def parse_moment(text: str) -> datetime | None:
    """An ISO date or date-time as an aware UTC datetime (a date alone is its midnight), or None."""
    try:
        moment = datetime.fromisoformat(text.strip().replace(" ", "T", 1))
    except ValueError:
        return None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _parse_row(
    file: str, line: int, row: Mapping[str, str], known: Collection[str], latest: datetime
) -> tuple[Inquiry | None, list[Problem]]:
    problems: list[Problem] = []

    def problem(field: str, message: str) -> None:
        problems.append(Problem(file, message, line, field))

    mid = row["municipality_id"]
    wrong_id = id_problem(mid, known)
    if wrong_id:
        problem("municipality_id", wrong_id)
    if row["channel"] not in CHANNELS:
        problem("channel", f"'{row['channel']}' is not a channel; accepted: {', '.join(CHANNELS)}")
    if not row["question"]:
        problem("question", "question is empty; write what was asked")
    sent = _moment(row, "sent_at", latest, problem, required=True)
    answered = _moment(row, "answered_at", latest, problem, required=False)
    if sent and answered and answered < sent:
        problem("answered_at", "answered_at is before sent_at")
    adequate = _adequate(row, answered is not None, problem)
    if problems:
        return None, problems
    return Inquiry(
        mid, row["channel"], row["question"], row["sent_at"], row["answered_at"], adequate, row["notes"], line
    ), []


def _moment(
    row: Mapping[str, str], field: str, latest: datetime, problem: Callable[[str, str], None], *, required: bool
) -> datetime | None:
    text = row[field]
    if not text:
        if required:
            problem(field, f"{field} is empty; write when, as YYYY-MM-DD or YYYY-MM-DDTHH:MM")
        return None
    moment = parse_moment(text)
    if moment is None:
        problem(field, f"'{text}' is not a date; write YYYY-MM-DD or YYYY-MM-DDTHH:MM")
    elif moment > latest:
        problem(field, f"{text} is in the future")
    return moment


def _adequate(row: Mapping[str, str], answered: bool, problem: Callable[[str, str], None]) -> bool | None:
    text = row["adequate"]
    if not text:
        return None
    value = parse_yes_no(text)
    if value is None:
        problem("adequate", f"'{text}' is not yes or no")
    elif not answered:
        problem("adequate", "adequate is given but answered_at is empty; an unanswered inquiry is not judged")
    return value


# --- response times -------------------------------------------------------------------------------


def working_days(start: datetime, end: datetime) -> float:
    """Monday-to-Friday days between two moments (weekends do not count; public holidays do)."""
    days = 0.0
    cursor = start
    while cursor < end:
        step = min(end, datetime.combine(cursor.date() + timedelta(days=1), datetime.min.time(), cursor.tzinfo))
        if cursor.weekday() < 5:
            days += (step - cursor).total_seconds() / 86400
        cursor = step
    return days


@dataclass(frozen=True)
class ResponseTimes:
    """One municipality's inquiries: how many, answered, median working days, shares in 1 and 3 days."""

    municipality_id: str
    sent: int
    answered: int
    adequate: int
    median_days: float | None
    within_one: float
    within_three: float


def response_times(inquiries: Sequence[Inquiry]) -> list[ResponseTimes]:
    """Per municipality, in id order. Unanswered inquiries count as not answered within any limit."""
    by_id: dict[str, list[Inquiry]] = {}
    for inquiry in inquiries:
        by_id.setdefault(inquiry.municipality_id, []).append(inquiry)
    return [_times(mid, group) for mid, group in sorted(by_id.items())]


def _times(mid: str, group: list[Inquiry]) -> ResponseTimes:
    delays = []
    for inquiry in group:
        sent, answered = parse_moment(inquiry.sent_at), parse_moment(inquiry.answered_at)
        if sent and answered:
            delays.append(working_days(sent, answered))
    total = len(group)
    return ResponseTimes(
        municipality_id=mid,
        sent=total,
        answered=len(delays),
        adequate=sum(1 for i in group if i.adequate),
        median_days=statistics.median(delays) if delays else None,
        within_one=sum(1 for d in delays if d <= 1) / total,
        within_three=sum(1 for d in delays if d <= 3) / total,
    )
