"""Reading and writing the CSV files researchers keep, usually by hand in a spreadsheet.

Reading is forgiving about what spreadsheet programs do to a file (a byte-order mark, Windows-1252
bytes, ``;`` or tab as delimiter, spaces around values, an Excel ``sep=;`` line, rows of empty
cells) and strict about anything that would silently change the data (missing or unknown columns,
a row that spills into extra cells). Every value stays a string, so an id such as ``0114`` keeps
its leading zero.

Writing neutralises spreadsheet formulas and replaces the target file atomically, so a reader never
sees half a file.
"""

from __future__ import annotations

import csv
import io
import re
import stat
from collections.abc import Iterable, Sequence
from pathlib import Path

from audit.atomic import atomic_path
from audit.errors import InputError, Problem

# A data row: (line in the file where the row starts, column name -> stripped value).
Row = tuple[int, dict[str, str]]
# A parsed CSV record before the header is applied: (starting line, raw cells).
_Record = tuple[int, list[str]]

_DELIMITERS = (",", ";", "\t")  # in order of preference when the header line is ambiguous
_UTF8_BOM = b"\xef\xbb\xbf"
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")  # Excel's "Unicode text" export
_SEP_LINE = re.compile(r"sep=([,;\t|])")  # Excel's delimiter hint as the first line
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# C0 controls except tab, LF and CR: tab and CR are kept so the formula rule can see them.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")


def read_table(
    path: Path,
    *,
    required: Sequence[str],
    optional: Sequence[str] = (),
    max_bytes: int = 20_000_000,
) -> list[Row]:
    """Read a researcher's CSV file into ``(line, row)`` pairs, one per non-blank data row.

    ``line`` is the 1-based line in the file where the row starts. Each row maps every column in
    ``required`` and ``optional`` to its value with surrounding whitespace removed; an optional
    column absent from the file maps to ``""``. Header names are matched ignoring case and
    surrounding whitespace; the returned keys are always the names as given in the arguments.

    Encoding: UTF-8 (with or without BOM), UTF-16 with BOM, otherwise Windows-1252.
    Delimiter: ``,``, ``;`` or tab, taken from the header line (or from an Excel ``sep=`` line).
    Rows whose cells are all blank are skipped. A row with fewer cells than the header is padded
    with ``""``; cells beyond the named columns are accepted only when blank.

    Raises :class:`InputError` listing every problem found: the file missing, unreadable, larger
    than ``max_bytes`` or empty; a required column missing (one problem per column); a column not
    in ``required`` or ``optional``; an unnamed or repeated column; a row with more non-blank
    cells than the header has columns; CSV that cannot be parsed (e.g. an unclosed quote).
    """
    problems: list[Problem] = []
    rows = read_rows(path, problems, required=required, optional=optional, max_bytes=max_bytes)
    if problems:
        raise InputError(problems)
    return rows


def read_rows(
    path: Path,
    problems: list[Problem],
    *,
    required: Sequence[str],
    optional: Sequence[str] = (),
    max_bytes: int = 20_000_000,
) -> list[Row]:
    """Like :func:`read_table`, but row-level problems are appended to ``problems`` and the rows
    that could be read are returned, so the caller can report its own checks of those rows in the
    same pass (a row with too many cells must not hide the problems of the others).

    Raises :class:`InputError` only when the file cannot be read at all (missing, unreadable,
    empty); when the header lacks a required column, no rows are returned.
    """
    file = str(path)
    text = _decode(file, _read_bytes(file, path, max_bytes))
    delimiter, sep_line = _sniff_delimiter(text)
    records, parse_problem = _parse(file, text, delimiter)
    records = [(line, cells) for line, cells in records if line != sep_line]
    if not records:
        raise InputError([parse_problem or Problem(file, "the file is empty (no header row)")])
    header_line, header_cells = records[0]
    names, header_problems = _read_header(file, header_line, header_cells, required, optional)
    problems.extend(header_problems)
    rows: list[Row] = []
    for line, cells in records[1:]:
        spill = _spill_problem(file, line, cells, len(names), delimiter)
        if spill is not None:
            problems.append(spill)
            continue
        rows.append((line, _row_dict(names, cells, optional)))
    if parse_problem is not None:
        problems.append(parse_problem)
    # Without every required column no row can be checked further: the header's problems say why.
    return rows if all(name in names for name in required) else []


def safe_cell(value: object) -> str:
    """Return ``value`` as text that a spreadsheet will show, never evaluate.

    ``None`` becomes ``""``. NUL and the other C0 control characters are removed, except tab,
    line feed and carriage return. A value starting with ``=``, ``+``, ``-``, ``@``, tab or
    carriage return gets a leading ``'`` so Excel and LibreOffice treat it as text (the usual
    CSV-injection defence).

    Deliberate choice: phone numbers are not exempt. ``+46 8 123 45 67`` and a lone ``-`` are
    prefixed like any other value, because a spreadsheet would otherwise read ``+46 8 ...`` as a
    formula (an error or a mangled number) and no pattern can tell a harmless phone number from a
    crafted formula reliably. Spreadsheets hide the apostrophe when it is typed into a cell;
    where one shows it, the number is still readable, which a mis-evaluated formula is not.
    """
    if value is None:
        return ""
    text = _CONTROL.sub("", str(value))
    if text.startswith(_FORMULA_START):
        return "'" + text
    return text


def write_csv(path: Path, header: Sequence[str], rows: Iterable[Sequence[object]]) -> None:
    """Write ``header`` and ``rows`` to ``path`` as UTF-8 CSV (no BOM, ``\\n`` line ends).

    Every cell goes through :func:`safe_cell`. The data is written to a temporary file in the
    same folder and moved over ``path`` with ``os.replace``, so ``path`` holds either the old
    file or the complete new one; if anything fails (including an exception raised by ``rows``)
    the temporary file is removed and ``path`` is untouched. The file gets the mode every output
    gets (see :mod:`audit.atomic`).

    Raises ``ValueError`` when a row's length differs from the header's, and ``OSError`` when
    the folder cannot be written.
    """
    with atomic_path(path) as tmp, tmp.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow([safe_cell(name) for name in header])
        for number, row in enumerate(rows, start=1):
            cells = list(row)
            if len(cells) != len(header):
                raise ValueError(f"row {number} has {len(cells)} cells; the header has {len(header)}")
            writer.writerow([safe_cell(cell) for cell in cells])


# --- reading helpers ----------------------------------------------------------------------------


def _fail(file: str, message: str) -> InputError:
    return InputError([Problem(file, message)])


def _read_bytes(file: str, path: Path, max_bytes: int) -> bytes:
    """The file's bytes; InputError if it is missing, not a regular file, unreadable or too big."""
    try:
        info = path.stat()
    except FileNotFoundError:
        raise _fail(file, "file not found") from None
    except OSError as exc:
        raise _fail(file, f"cannot read the file: {exc.strerror or exc}") from None
    # A folder, FIFO or device would fail or block on read; say what it is instead.
    if not stat.S_ISREG(info.st_mode):
        raise _fail(file, "not a regular file")
    if info.st_size > max_bytes:
        raise _fail(file, f"the file has {info.st_size} bytes; the limit is {max_bytes}")
    try:
        with path.open("rb") as handle:
            # One byte more than allowed tells us the file grew past the limit since stat().
            data = handle.read(max_bytes + 1)
    except PermissionError:
        raise _fail(file, "no permission to read the file") from None
    except OSError as exc:
        raise _fail(file, f"cannot read the file: {exc.strerror or exc}") from None
    if len(data) > max_bytes:
        raise _fail(file, f"the file is larger than the limit of {max_bytes} bytes")
    return data


def _utf16_without_bom(data: bytes) -> str | None:
    """ "utf-16-le" or "utf-16-be" when the bytes look like UTF-16 text without a mark.

    Latin text in UTF-16 has a NUL in every other byte: at odd positions (little endian, as
    Windows writes it) or at even ones (big endian). Text in UTF-8 or cp1252 has no NULs at all.
    """
    sample = data[:4096]
    if len(sample) < 4 or b"\x00" not in sample:
        return None
    odd = sample[1::2].count(0) / (len(sample) // 2)
    even = sample[0::2].count(0) / (len(sample) // 2)
    if odd > 0.3 and even < 0.05:
        return "utf-16-le"
    if even > 0.3 and odd < 0.05:
        return "utf-16-be"
    return None


def _decode(file: str, data: bytes) -> str:
    """Decode as UTF-16 (with a mark, or recognisable without), else UTF-8 (BOM dropped), else
    Windows-1252."""
    if data.startswith(_UTF16_BOMS):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise _fail(file, "the file starts with a UTF-16 mark but is not UTF-16") from None
    wide = _utf16_without_bom(data)
    if wide is not None:
        try:
            return data.decode(wide)
        except UnicodeDecodeError:
            raise _fail(file, "the file looks like UTF-16 text but cannot be decoded as such") from None
    data = data.removeprefix(_UTF8_BOM)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        # Excel on Windows saves plain "CSV" in the ANSI code page, which is cp1252 in the Nordics.
        return data.decode("cp1252")
    except UnicodeDecodeError:
        raise _fail(file, "the file is neither UTF-8 nor Windows-1252 text; save it as 'CSV UTF-8'") from None


def _sniff_delimiter(text: str) -> tuple[str, int]:
    """The delimiter and the line number of an Excel ``sep=`` line (0 when there is none).

    The first non-blank line decides: a ``sep=X`` line names the delimiter; otherwise the
    candidate that occurs most often in the header wins, ties going to the earlier candidate.
    """
    for number, line in enumerate(_LINE_BREAK.split(text), start=1):
        if not line.strip():
            continue
        match = _SEP_LINE.fullmatch(line.strip(" "))
        if match is not None:
            return match.group(1), number
        return max(_DELIMITERS, key=line.count), 0
    return _DELIMITERS[0], 0


def _parse(file: str, text: str, delimiter: str) -> tuple[list[_Record], Problem | None]:
    """Non-blank records with their starting line, and the parse error that stopped reading."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    records: list[_Record] = []
    start = 1
    try:
        for cells in reader:
            if any(cell.strip() for cell in cells):
                records.append((start, cells))
            # line_num counts physical lines read, so a quoted multi-line value is handled.
            start = reader.line_num + 1
    except csv.Error as exc:
        return records, Problem(file, _parse_error_message(exc, text, start), line=start)
    return records, None


def _parse_error_message(exc: csv.Error, text: str, line: int) -> str:
    """Say what went wrong in words a spreadsheet user can act on, guessing only on evidence."""
    rest = "\n".join(_LINE_BREAK.split(text)[line - 1 :])
    unclosed = rest.count('"') % 2 == 1
    if "field larger than field limit" in str(exc):
        limit = csv.field_size_limit()
        if unclosed:
            return f"a value runs on for more than {limit} characters: a double quote that opens it is never closed"
        return f"a value is longer than {limit} characters, the most a cell may hold"
    hint = " (a double quote that is never closed?)" if unclosed else ""
    return f"cannot read the CSV from here on: {exc}{hint}"


def _read_header(
    file: str,
    line: int,
    cells: Sequence[str],
    required: Sequence[str],
    optional: Sequence[str],
) -> tuple[list[str], list[Problem]]:
    """Canonical column names by position (``""`` for unknown ones) and the header's problems."""
    raw = [cell.strip() for cell in cells]
    # Trailing unnamed columns are what a spreadsheet leaves after a column was cleared.
    while raw and not raw[-1]:
        raw.pop()
    canonical = {name.casefold(): name for name in (*required, *optional)}
    names: list[str] = []
    problems: list[Problem] = []
    for position, written in enumerate(raw, start=1):
        name = canonical.get(written.casefold(), "")
        names.append(name)
        if not written:
            problems.append(Problem(file, f"column {position} has no name", line))
        elif not name:
            expected = ", ".join((*required, *optional))
            message = f"unknown column '{written}'; expected columns: {expected}"
            problems.append(Problem(file, message, line, written))
        elif names.count(name) > 1:
            problems.append(Problem(file, f"column '{written}' appears twice", line, written))
    for name in required:
        if name not in names:
            problems.append(Problem(file, f"required column '{name}' is missing", line, name))
    return names, problems


def _spill_problem(file: str, line: int, cells: Sequence[str], width: int, delimiter: str) -> Problem | None:
    """A problem when a row has non-blank cells beyond the header's columns."""
    if not any(cell.strip() for cell in cells[width:]):
        return None
    shown = "tab" if delimiter == "\t" else f"'{delimiter}'"
    message = (
        f"the row has {len(cells)} cells but the header has {width} columns; "
        f"a value containing {shown} must be in double quotes"
    )
    return Problem(file, message, line)


def _row_dict(names: Sequence[str], cells: Sequence[str], optional: Sequence[str]) -> dict[str, str]:
    """The row's values by canonical column name; every optional column present, maybe empty."""
    row = dict.fromkeys(optional, "")
    for position, name in enumerate(names):
        if name:
            row[name] = cells[position].strip() if position < len(cells) else ""
    return row
