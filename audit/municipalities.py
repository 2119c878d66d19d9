"""The municipality list: who is audited, and where their homepage is.

The list is a CSV with columns ``id,name,country,region,url`` and optionally
``switchboard_phone``, ``note``, ``language_form``, ``population_2025`` and ``email`` (the last
four are accepted for the researchers' benefit and ignored here). Every row is validated and
all problems are reported at once, so a researcher can fix the file in one pass.

Whether a URL's host is private or local is *not* checked here: that needs DNS and is the
crawler's guard. Here a URL only has to be a well-formed absolute http(s) address.
"""

from __future__ import annotations

import ipaddress
import re
from collections import Counter
from collections.abc import Collection, Mapping, Sequence
from pathlib import Path
from urllib.parse import SplitResult, urlsplit

from audit.csvio import read_rows
from audit.errors import InputError, Problem
from audit.models import Municipality

REQUIRED_COLUMNS = ("id", "name", "country", "region", "url")
OPTIONAL_COLUMNS = ("switchboard_phone", "note", "language_form", "population_2025", "email")

_LANGUAGES = {"SE": "sv", "NO": "nb", "DK": "da", "FI": "fi"}
_DEFAULT_LANGUAGE = "en"
_COUNTRY = re.compile(r"[A-Z]{2}")
# Ids end up in file names of later stages, so keep them to characters that are safe there.
_ID = re.compile(r"[A-Za-z0-9_-]+")
_WEB_SCHEMES = ("http", "https")
# Schemes that are plainly not a homepage; named so the message can say "not allowed" instead of
# the misleading "missing scheme" (``javascript:alert(1)`` has no "://").
_OTHER_SCHEMES = frozenset(
    {
        "javascript",
        "vbscript",
        "data",
        "file",
        "ftp",
        "ftps",
        "sftp",
        "ssh",
        "mailto",
        "tel",
        "about",
        "blob",
        "ws",
        "wss",
        "chrome",
        "view-source",
    }
)
_MAX_LABEL = 63
MAX_ID_LENGTH = 32


def load_municipalities(path: Path) -> list[Municipality]:
    """Read and validate the municipality list at ``path``, in file order.

    Raises :class:`InputError` with one :class:`Problem` (file, line, field) per issue, covering
    the whole file: an empty id, name or url; an id with characters other than letters, digits,
    ``-`` and ``_``; a repeated id (the message names the line that first used it); a country
    that is not a two-letter code; a url that is not an absolute http(s) address with a host
    (the message says why); a list with no rows; plus everything :func:`read_table` rejects.
    Values are stripped of surrounding whitespace and the country is upper-cased.
    """
    file = str(path)
    problems: list[Problem] = []
    rows = read_rows(path, problems, required=REQUIRED_COLUMNS, optional=OPTIONAL_COLUMNS)
    municipalities: list[Municipality] = []
    first_line: dict[str, int] = {}
    for line, row in rows:
        found = _row_problems(file, line, row)
        municipality_id = row["id"]
        if municipality_id in first_line:
            first = first_line[municipality_id]
            message = f"duplicate id {municipality_id}; first used on line {first}"
            found.append(Problem(file, message, line, "id"))
        elif municipality_id:
            first_line[municipality_id] = line
        problems.extend(found)
        if not found:
            municipalities.append(_municipality(row))
    if not rows and not problems:
        problems.append(Problem(file, "the list has no municipalities"))
    if problems:
        raise InputError(problems)
    return municipalities


def url_problem(url: str) -> str | None:
    """Why ``url`` is not usable as a homepage address, or ``None`` when it is.

    Usable means: absolute ``http``/``https`` with a host name that has at least two labels (or
    an IP address), no user name or password, a numeric port if any, and no whitespace, control
    characters or backslashes anywhere (browsers silently rewrite those, so the page fetched
    would not be the one written).
    """
    if not url:
        return "it is empty"
    if any(ch.isspace() for ch in url):
        return "it contains a space; remove it or write it as %20"
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in url):
        return "it contains a control character"
    if "\\" in url:
        return "it contains a backslash, which browsers read as '/'"
    try:
        parts = urlsplit(url)
    except ValueError as exc:
        return f"it cannot be parsed ({exc})"
    scheme = parts.scheme.lower()
    if scheme not in _WEB_SCHEMES:
        if "://" in url or scheme in _OTHER_SCHEMES:
            return f"the scheme '{parts.scheme}:' is not allowed; only http and https are"
        return "it does not start with http:// or https://"
    return _authority_problem(url, parts)


def language_for(country: str) -> str:
    """The interface language for a country code: SE sv, NO nb, DK da, FI fi, anything else en."""
    return _LANGUAGES.get(country.strip().upper(), _DEFAULT_LANGUAGE)


def sniff_language(municipalities: Sequence[Municipality]) -> str:
    """The default interface language for a list: that of its most common country.

    A tie goes to the country that appears first in the list; an empty list gives ``en``.
    """
    counts = Counter(m.country.strip().upper() for m in municipalities)
    if not counts:
        return _DEFAULT_LANGUAGE
    country, _ = counts.most_common(1)[0]
    return language_for(country)


def id_problem(value: str, known_ids: Collection[str]) -> str | None:
    """What is wrong with a municipality id given in a researcher's file, or None."""
    if not value:
        return "municipality_id is empty"
    return None if value in known_ids else unknown_id_message(value, known_ids)


def unknown_id_message(value: str, known_ids: Collection[str]) -> str:
    """The message for a municipality id that is not in the list, with a hint when it can help.

    When ``value`` is all digits and a known id is the same number with leading zeros (``114``
    where ``0114`` is known), the message asks whether Excel dropped the zeros: that is what
    Excel does to such ids when a CSV is opened and saved again.
    """
    message = f"municipality id '{value}' is not in the municipality list"
    candidates = sorted(_zero_padded_matches(value, known_ids))
    if candidates:
        message += f"; did Excel drop leading zeros? expected {' or '.join(candidates)}"
    return message


# --- helpers ------------------------------------------------------------------------------------


def _zero_padded_matches(value: str, known_ids: Collection[str]) -> list[str]:
    """Known ids that equal ``value`` once leading zeros are added."""
    if not (value.isascii() and value.isdigit()):
        return []
    return [
        known
        for known in known_ids
        if len(known) > len(value) and known.isascii() and known.isdigit() and known.lstrip("0") == value.lstrip("0")
    ]


def _row_problems(file: str, line: int, row: Mapping[str, str]) -> list[Problem]:
    """Problems of one row taken alone (duplicates are the caller's business)."""
    problems: list[Problem] = []
    for field in ("id", "name", "url"):
        if not row[field]:
            problems.append(Problem(file, f"{field} is empty", line, field))
    municipality_id = row["id"]
    if municipality_id and not _ID.fullmatch(municipality_id):
        message = f"id '{municipality_id}' may only contain letters, digits, '-' and '_'"
        problems.append(Problem(file, message, line, "id"))
    elif len(municipality_id) > MAX_ID_LENGTH:
        message = f"id '{municipality_id[:40]}' has {len(municipality_id)} characters; the most is {MAX_ID_LENGTH} (ids name files)"
        problems.append(Problem(file, message, line, "id"))
    country = row["country"]
    if not _COUNTRY.fullmatch(country.upper()):
        shown = f"'{country}'" if country else "empty"
        message = f"country is {shown}; expected a two-letter code such as SE, NO, DK or FI"
        problems.append(Problem(file, message, line, "country"))
    url = row["url"]
    reason = url_problem(url) if url else None
    if reason is not None:
        problems.append(Problem(file, f"url '{url}' is not usable: {reason}", line, "url"))
    return problems


def _authority_problem(url: str, parts: SplitResult) -> str | None:
    """Problems with the ``//user@host:port`` part of an http(s) URL."""
    # "https:example.se" parses with an empty netloc; say so rather than "no host" in the abstract.
    if not url[len(parts.scheme) + 1 :].startswith("//") or not parts.netloc:
        return f"it has no host; write it as {parts.scheme}://host/..."
    if "@" in parts.netloc:
        return "it contains a user name or password before '@'; give only the host"
    try:
        _ = parts.port  # evaluated only for the ValueError a bad port raises
    except ValueError:
        return "its port is not a number from 0 to 65535"
    return _host_problem(parts.hostname or "")


def _host_problem(host: str) -> str | None:
    """Why ``host`` is not a plausible public host name or IP address, or ``None``."""
    if not host:
        return "it has no host"
    try:
        ipaddress.ip_address(host)
        return None
    except ValueError:
        pass
    labels = host.removesuffix(".").split(".")
    if len(labels) < 2:
        return f"the host '{host}' has no domain ending such as .se"
    for label in labels:
        if not label or len(label) > _MAX_LABEL:
            return f"the host '{host}' has an empty or over-long part"
        if label.startswith("-") or label.endswith("-"):
            return f"the host '{host}' has a part that starts or ends with '-'"
        if not all(ch.isalnum() or ch == "-" for ch in label):
            return f"the host '{host}' contains a character not allowed in host names"
    return None


def _municipality(row: Mapping[str, str]) -> Municipality:
    return Municipality(
        id=row["id"],
        name=row["name"],
        country=row["country"].upper(),
        region=row["region"],
        url=row["url"],
        switchboard_phone=row.get("switchboard_phone", ""),
    )
