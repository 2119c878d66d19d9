"""Errors the CLI turns into one readable line and a documented exit code."""

from __future__ import annotations

from dataclasses import dataclass


class AuditError(Exception):
    """An expected failure: bad input, an unusable run folder, a browser that will not start."""

    exit_code = 1


@dataclass(frozen=True)
class Problem:
    """One problem in an input file, located as precisely as the file allows."""

    file: str
    message: str
    line: int | None = None
    field: str | None = None

    def __str__(self) -> str:
        where = self.file
        if self.line is not None:
            where += f", line {self.line}"
        if self.field:
            where += f", field '{self.field}'"
        return f"{where}: {self.message}"


class InputError(AuditError):
    """One or more problems in an input file; every problem is reported, not just the first."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("; ".join(str(p) for p in problems))


class BrowserUnavailable(AuditError):
    """No Chromium could be found or started."""

    exit_code = 4


class Interrupted(AuditError):
    """The user pressed Ctrl-C: finished sites are saved, the rest is left for ``--resume``."""

    exit_code = 130

    def __init__(self, done: int | None = None, total: int | None = None) -> None:
        self.done, self.total = done, total
        counts = f"{done} of {total} done; " if done is not None and total is not None else ""
        super().__init__(f"interrupted: {counts}run again with --resume")
