"""The researchers' phone-check file.

When a site names no one responsible for its customer service, a researcher phones the
municipality and asks (rubric: ``responsible_person`` can pass through the phone check).
Each call is one CSV row::

    municipality_id,checked_on,responsible_person_named,person_name,role,caller,notes

The file is typed by hand, often in Excel and in Swedish, Norwegian, Danish or Finnish, so yes/no
and dates are accepted in the spellings researchers use; anything else is reported, with every
problem of the file at once, and nothing is returned until the file is clean.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Collection, Mapping
from datetime import date, timedelta
from pathlib import Path

from audit.csvio import read_rows
from audit.errors import InputError, Problem
from audit.models import PhoneCheck
from audit.municipalities import id_problem

COLUMNS = (
    "municipality_id",
    "checked_on",
    "responsible_person_named",
    "person_name",
    "role",
    "caller",
    "notes",
)

_YES = ("yes", "ja", "true", "1", "y", "kyllä")
_NO = ("no", "nej", "nei", "false", "0", "n", "ei")
_ISO_DATE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")
_DOTTED_DATE = re.compile(r"([0-9]{1,2})\.([0-9]{1,2})\.([0-9]{4})")
# A day of slack: a call logged late in the evening east of here can carry tomorrow's date.
_FUTURE_SLACK = timedelta(days=1)


def load_phone_checks(path: Path, known_ids: Collection[str], *, today: date | None = None) -> dict[str, PhoneCheck]:
    """Read the phone-check file at ``path``: municipality id -> :class:`PhoneCheck`.

    ``known_ids`` are the ids of the municipality list, compared as strings. ``today`` (default:
    the local date) bounds ``checked_on``. A file with a header and no rows gives ``{}``.

    Raises :class:`InputError` with one :class:`Problem` (file, line, field) per issue in the whole
    file, and returns nothing in that case: an empty or unknown municipality id (with a hint when
    Excel seems to have dropped leading zeros); an id on two rows (naming both lines);
    ``responsible_person_named`` not a recognised yes/no; ``checked_on`` empty, not ``YYYY-MM-DD``
    or ``DD.MM.YYYY``, not a real date, or later than tomorrow; an empty ``caller``; a "yes"
    without a ``person_name``; plus everything :func:`read_table` rejects.
    ``checked_on`` is returned as ISO ``YYYY-MM-DD``.
    """
    file = str(path)
    problems: list[Problem] = []
    rows = read_rows(path, problems, required=COLUMNS)
    known = frozenset(known_ids)
    limit = (today or date.today()) + _FUTURE_SLACK
    checks: dict[str, PhoneCheck] = {}
    first_line: dict[str, int] = {}
    for line, row in rows:
        check, found = _parse_row(file, line, row, known, limit)
        municipality_id = row["municipality_id"]
        found += _repeated(file, line, municipality_id, first_line)
        problems.extend(found)
        if check is not None and not found:
            checks[municipality_id] = check
    if problems:
        raise InputError(problems)
    return checks


def _repeated(file: str, line: int, municipality_id: str, first_line: dict[str, int]) -> list[Problem]:
    """A problem when the municipality had a row already; else remember this line."""
    if municipality_id in first_line:
        message = (
            f"municipality {municipality_id} has two rows, lines {first_line[municipality_id]} and {line}; keep one"
        )
        return [Problem(file, message, line, "municipality_id")]
    if municipality_id:
        first_line[municipality_id] = line
    return []


def parse_yes_no(text: str) -> bool | None:
    """``True``/``False`` for an accepted yes/no spelling, ``None`` for anything else.

    Accepted, ignoring case and surrounding whitespace: yes, ja, true, 1, y, kyllä and
    no, nej, nei, false, 0, n, ei.
    """
    # NFC so a "kyllä" typed on a Mac (a + combining diaeresis) matches too.
    word = unicodedata.normalize("NFC", text).strip().casefold()
    if word in _YES:
        return True
    if word in _NO:
        return False
    return None


def parse_check_date(text: str, latest: date) -> date:
    """The date in ``text`` (``YYYY-MM-DD`` or ``DD.MM.YYYY``), no later than ``latest``.

    Raises ``ValueError`` with a message for the researcher otherwise. ``D/M/YYYY`` is refused on
    purpose: it cannot be told apart from the American ``M/D/YYYY``.
    """
    iso = _ISO_DATE.fullmatch(text)
    dotted = _DOTTED_DATE.fullmatch(text)
    if iso is not None:
        year, month, day = (int(part) for part in iso.groups())
    elif dotted is not None:
        day, month, year = (int(part) for part in dotted.groups())
    else:
        raise ValueError(f"'{text}' is not a date; write it as YYYY-MM-DD (or DD.MM.YYYY)")
    try:
        value = date(year, month, day)
    except ValueError:
        raise ValueError(f"'{text}' is not a real date") from None
    if value > latest:
        raise ValueError(f"'{text}' is in the future")
    return value


def _parse_row(
    file: str, line: int, row: Mapping[str, str], known: Collection[str], latest: date
) -> tuple[PhoneCheck | None, list[Problem]]:
    """The row as a :class:`PhoneCheck`, or ``None`` with the row's own problems."""
    problems: list[Problem] = []

    def problem(field: str, message: str) -> None:
        problems.append(Problem(file, message, line, field))

    municipality_id = row["municipality_id"]
    wrong_id = id_problem(municipality_id, known)
    if wrong_id:
        problem("municipality_id", wrong_id)
    named = parse_yes_no(row["responsible_person_named"])
    if named is None:
        accepted = ", ".join((*_YES, *_NO))
        shown = row["responsible_person_named"]
        problem("responsible_person_named", f"'{shown}' is not yes or no; accepted: {accepted}")
    checked_on = _checked_on(row["checked_on"], latest, problem)
    if not row["caller"]:
        problem("caller", "caller is empty; write who made the call")
    if named and not row["person_name"]:
        message = "person_name is empty but responsible_person_named is yes; write the name given"
        problem("person_name", message)
    if problems or named is None or checked_on is None:
        return None, problems
    check = PhoneCheck(
        municipality_id=municipality_id,
        checked_on=checked_on.isoformat(),
        responsible_person_named=named,
        person_name=row["person_name"],
        role=row["role"],
        caller=row["caller"],
        notes=row["notes"],
        line=line,
    )
    return check, problems


def _checked_on(text: str, latest: date, problem: Callable[[str, str], None]) -> date | None:
    """The parsed ``checked_on`` value, or ``None`` after reporting why it is unusable."""
    if not text:
        problem("checked_on", "checked_on is empty; write the date of the call as YYYY-MM-DD")
        return None
    try:
        return parse_check_date(text, latest)
    except ValueError as exc:
        problem("checked_on", str(exc))
        return None
