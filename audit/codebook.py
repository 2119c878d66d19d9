"""The codebook: every exported column's type, values and meaning, from ``codebook.yaml``.

One source for the exports' column order and types, ``CODEBOOK.md``, the Table Schema files
(``results.schema.json``, ``verdicts.schema.json``) and the pandas dtypes, so none can drift.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from audit.models import SiteStatus, Source, Verdict

CRITERIA = ("entry_exists", "on_front_page", "easy_to_find", "explains_help", "responsible_person")
_SOURCE = Path(__file__).with_name("codebook.yaml")
_ENUMS: dict[str, type[Enum]] = {"SiteStatus": SiteStatus, "Verdict": Verdict, "Source": Source}


@dataclass(frozen=True)
class Column:
    name: str
    type: str  # "string" or "integer"
    values: tuple[str, ...]
    meaning: str


@dataclass(frozen=True)
class Table:
    name: str
    file: str
    description: str
    columns: tuple[Column, ...]

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    @property
    def integers(self) -> frozenset[str]:
        return frozenset(c.name for c in self.columns if c.type == "integer")


@cache
def tables() -> dict[str, Table]:
    """The exported tables by name (``results``, ``verdicts``), columns in order."""
    raw = yaml.safe_load(_SOURCE.read_text(encoding="utf-8"))
    return {name: _table(name, spec) for name, spec in raw["tables"].items()}


def _table(name: str, spec: dict[str, Any]) -> Table:
    columns: list[Column] = []
    for col in spec["columns"]:
        names = [col["name"].format(criterion=c) for c in CRITERIA] if "{criterion}" in col["name"] else [col["name"]]
        for n in names:
            criterion = n.removesuffix("_verdict") if n.removesuffix("_verdict") in CRITERIA else ""
            meaning = " ".join(str(col["meaning"]).split()).replace("{criterion}", criterion)
            columns.append(Column(n, col["type"], _values(col.get("values")), meaning))
    return Table(name, spec["file"], " ".join(str(spec["description"]).split()), tuple(columns))


def _values(raw: object) -> tuple[str, ...]:
    if raw is None:
        return ()
    if raw == "criteria":
        return CRITERIA
    if isinstance(raw, str) and raw.startswith("enum:"):
        return tuple(str(e.value) for e in _ENUMS[raw.removeprefix("enum:")])
    return tuple(str(v) for v in raw) if isinstance(raw, list) else ()


def pandas_dtypes(table: str) -> dict[str, str]:
    """dtypes for ``pandas.read_csv``: ids and versions stay text, integers may be empty.

    ``pd.read_csv("results.csv", dtype=pandas_dtypes("results"), keep_default_na=False, na_values=[""])``
    """
    t = tables()[table]
    return {c.name: "Int64" if c.type == "integer" else "string" for c in t.columns}


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
    return {"fields": fields, "missingValues": [""], "primaryKey": _key(table)}


def _key(table: str) -> list[str]:
    return ["id"] if table == "results" else ["id", "criterion", "evidence_index"]


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
        "Without the package, `results.schema.json` and `verdicts.schema.json` give the same types as",
        "Frictionless Table Schemas. An empty cell is a missing value.",
        "",
    ]
    for t in tables().values():
        lines += [f"## `{t.file}`", "", t.description, "", "| column | type | values | meaning |", "|---|---|---|---|"]
        for c in t.columns:
            values = ", ".join(f"`{v}`" if v else "empty" for v in c.values)
            lines.append(f"| `{c.name}` | {c.type} | {values} | {_cell(c.meaning)} |")
        lines.append("")
    return "\n".join(lines)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


if __name__ == "__main__":  # python -m audit.codebook > docs/CODEBOOK.md
    print(markdown(), end="")
