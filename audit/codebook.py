"""The codebook: every exported column's type, values and meaning, from ``codebook.yaml``.

One source for the exports' column order and types, ``CODEBOOK.md``, the Table Schema files
(``results.schema.json``, ``verdicts.schema.json``, ``wcag.schema.json``) and the pandas dtypes
(:func:`pandas_dtypes` for ``read_csv``, :func:`typed_frame` for the frames the exports are
written from), so none can drift.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import Enum
from functools import cache
from pathlib import Path
from typing import Any

import pandas as pd

from audit.errors import InputError, Problem
from audit.models import SiteStatus, Source, Verdict
from audit.yamlfile import safe_load

CRITERIA = ("entry_exists", "on_front_page", "easy_to_find", "explains_help", "responsible_person")
# The informational outcomes of SiteResult.beside: exported beside the score, never part of it.
BESIDE = ("accessibility_statement", "entry_without_javascript")
# axe-core's impact levels, most severe first.
IMPACTS = ("critical", "serious", "moderate", "minor")
_SETS = {"criteria": CRITERIA, "beside": BESIDE, "impacts": IMPACTS}
# A placeholder in a column's name stands for one column per member of its set.
_TEMPLATES = {"criterion": CRITERIA, "impact": IMPACTS}
_SOURCE = Path(__file__).with_name("codebook.yaml")
_ENUMS: dict[str, type[Enum]] = {"SiteStatus": SiteStatus, "Verdict": Verdict, "Source": Source}
_FLAG_VALUES = frozenset({"1", "0", ""})


@dataclass(frozen=True)
class Column:
    name: str
    type: str  # "string" or "integer"
    values: tuple[str, ...]
    meaning: str
    format: str = ""  # "datetime": ISO 8601 text in the files, a UTC datetime in pandas

    @property
    def categories(self) -> tuple[str, ...]:
        """The closed set without the empty value (an empty cell is a missing value)."""
        return tuple(v for v in self.values if v != "")

    @property
    def dtype(self) -> str:
        """The column's pandas dtype in :func:`typed_frame`."""
        if self.format == "datetime":
            return "datetime64[ns, UTC]"
        if self.type == "integer":
            # 1/0 verdicts and flags fit Int8; scores, ranks, counts and pixels need Int64.
            return "Int8" if self.values and set(self.values) <= _FLAG_VALUES else "Int64"
        return "category" if self.values else "string"


@dataclass(frozen=True)
class Table:
    name: str
    file: str
    description: str
    columns: tuple[Column, ...]
    key: tuple[str, ...] = ()

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    @property
    def integers(self) -> frozenset[str]:
        return frozenset(c.name for c in self.columns if c.type == "integer")


@cache
def tables() -> dict[str, Table]:
    """The exported tables by name (``results``, ``verdicts``, ``wcag``), columns in order."""
    raw = safe_load(_SOURCE.read_text(encoding="utf-8"))
    return {name: _table(name, spec) for name, spec in raw["tables"].items()}


def _table(name: str, spec: dict[str, Any]) -> Table:
    columns = tuple(column for col in spec["columns"] for column in _columns(col))
    description = " ".join(str(spec["description"]).split())
    return Table(name, spec["file"], description, columns, tuple(spec["key"]))


def _columns(col: dict[str, Any]) -> list[Column]:
    """The columns one entry of codebook.yaml stands for: one, or one per member of a set."""
    name, meaning = str(col["name"]), " ".join(str(col["meaning"]).split())
    values, form = _values(col.get("values")), str(col.get("format", ""))
    placeholder = next((p for p in _TEMPLATES if f"{{{p}}}" in name), None)
    if placeholder is None:
        return [Column(name, col["type"], values, meaning, form)]
    mark = f"{{{placeholder}}}"
    return [
        Column(name.replace(mark, member), col["type"], values, meaning.replace(mark, member), form)
        for member in _TEMPLATES[placeholder]
    ]


def _values(raw: object) -> tuple[str, ...]:
    if raw is None:
        return ()
    if isinstance(raw, str) and raw.startswith("enum:"):
        return tuple(str(e.value) for e in _ENUMS[raw.removeprefix("enum:")])
    if isinstance(raw, str):
        return tuple(v for part in raw.split("+") for v in _SETS[part])
    return tuple(str(v) for v in raw) if isinstance(raw, list) else ()


def pandas_dtypes(table: str) -> dict[str, str]:
    """dtypes for ``pandas.read_csv``: ids and versions stay text, integers may be empty.

    ``pd.read_csv("results.csv", dtype=pandas_dtypes("results"), keep_default_na=False, na_values=[""])``
    (``audit.load_run`` gives every column its full type: categories, Int8 flags, UTC times.)
    """
    t = tables()[table]
    return {c.name: "Int64" if c.type == "integer" else "string" for c in t.columns}


def typed_frame(table: str, cells: Mapping[str, Sequence[Any]] | pd.DataFrame) -> pd.DataFrame:
    """The columns of ``table`` from ``cells`` (a sequence per column: the exports' rows, or a
    file read back as text or as stored), in the codebook's order and with its dtypes
    (:attr:`Column.dtype`): an empty cell is missing (``<NA>``, ``NaT``), a closed value set is
    a categorical whose categories are the codebook's values, an ISO 8601 time a UTC datetime.

    Raises :class:`InputError` for a value outside a closed set or a time that is not ISO 8601.
    """
    t = tables()[table]
    series = {c.name: _series(t, c, list(cells[c.name])) for c in t.columns}
    return pd.DataFrame(series, columns=list(t.names))


def _series(table: Table, column: Column, values: list[Any]) -> pd.Series:
    cells = [None if _empty(v) else v for v in values]
    if column.format == "datetime":
        return _times(table, column, cells)
    if column.type == "integer":
        return pd.Series([None if v is None else int(v) for v in cells], dtype=column.dtype)
    if column.values:
        texts = [None if v is None else str(v) for v in cells]
        strays = sorted({v for v in texts if v is not None} - set(column.categories))
        if strays:
            raise _problem(table, column, f"{strays[0]!r} is not one of {', '.join(column.categories)}")
        return pd.Series(pd.Categorical(texts, categories=column.categories))
    return pd.Series([None if v is None else str(v) for v in cells], dtype="string")


def _times(table: Table, column: Column, cells: list[Any]) -> pd.Series:
    try:
        times = pd.to_datetime(pd.Series(cells, dtype=object), utc=True, format="ISO8601")
    except (ValueError, TypeError) as exc:
        raise _problem(table, column, f"not an ISO 8601 time: {exc}") from exc
    return times.astype(column.dtype)


def _empty(value: Any) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    if isinstance(value, str):
        return value == ""
    return isinstance(value, float) and math.isnan(value)


def _problem(table: Table, column: Column, message: str) -> InputError:
    return InputError([Problem(table.file, message, field=column.name)])


def table_schema(table: str) -> dict[str, Any]:
    """A Frictionless Table Schema of ``table``: names, types, meanings and closed value sets."""
    t = tables()[table]
    fields = []
    for c in t.columns:
        field: dict[str, Any] = {"name": c.name, "type": c.type, "description": c.meaning}
        allowed = [v for v in c.values if v != ""]
        if allowed:
            field["constraints"] = {"enum": [int(v) for v in allowed] if c.type == "integer" else allowed}
        fields.append(field)
    return {"fields": fields, "missingValues": [""], "primaryKey": list(t.key)}


def markdown(metadata: Sequence[tuple[str, str]] = ()) -> str:
    """CODEBOOK.md: the run's facts (if given), then each table's columns."""
    lines = ["# Codebook", ""]
    if metadata:
        lines += ["| run | |", "|---|---|", *(f"| {k} | {_cell(v)} |" for k, v in metadata), ""]
    lines += [
        "Read a table with its types (ids stay text, integers may be empty):",
        "",
        "```python",
        "import pandas as pd",
        "from audit.codebook import pandas_dtypes",
        'results = pd.read_csv("results.csv", dtype=pandas_dtypes("results"), keep_default_na=False, na_values=[""])',
        "```",
        "",
        "`audit.load_run(DIR)` gives every table as a pandas DataFrame with the dtypes of the",
        "column `pandas` below (closed value sets as categoricals, times as UTC datetimes).",
        "Without the package, `results.schema.json`, `verdicts.schema.json` and `wcag.schema.json`",
        "give the same types as Frictionless Table Schemas. An empty cell is a missing value.",
        "",
    ]
    for t in tables().values():
        lines += [f"## `{t.file}`", "", t.description, "", "| column | type | pandas | values | meaning |"]
        lines.append("|---|---|---|---|---|")
        for c in t.columns:
            values = ", ".join(f"`{v}`" if v else "empty" for v in c.values)
            kind = f"{c.type} (ISO 8601)" if c.format == "datetime" else c.type
            lines.append(f"| `{c.name}` | {kind} | `{c.dtype}` | {values} | {_cell(c.meaning)} |")
        lines.append("")
    return "\n".join(lines)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


if __name__ == "__main__":  # python -m audit.codebook > docs/CODEBOOK.md
    print(markdown(), end="")
