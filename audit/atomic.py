"""One way to write a file: to a marked temporary name beside it, then renamed into place.

A reader (or a killed run) never sees half a file. Every output gets the mode an ordinary new
file gets under the user's umask (``mkstemp`` alone would give 0600, and a published report whose
screenshots the web server cannot read has broken images). Temporary names carry ``.~audit-``, so
a resume can remove the tool's leftovers and never a file of anyone else's.
"""

from __future__ import annotations

import contextlib
import os
import re
import tempfile
from collections.abc import Iterator
from pathlib import Path

TMP_INFIX = ".~audit-"
_TMP_NAME = re.compile(r"^\..+\.~audit-[A-Za-z0-9_]+\.tmp$")


def file_mode() -> int:
    """The mode of an ordinary new file under the current umask."""
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


@contextlib.contextmanager
def atomic_path(path: Path, *, durable: bool = True) -> Iterator[Path]:
    """A temporary path beside ``path`` to write to; moved over ``path`` if the block succeeds.

    ``durable`` flushes the file to disk before the rename, so a crash never leaves an empty
    file in its place. Files rendered again from saved results at any time (the report's pages)
    skip it: a flush per page is most of the time a report of a nation takes to write."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}{TMP_INFIX}", suffix=".tmp")
    os.close(fd)
    tmp = Path(name)
    try:
        yield tmp
        os.chmod(tmp, file_mode())
        if durable:
            with tmp.open("rb") as fh:
                os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def write_bytes_atomic(path: Path, data: bytes, *, durable: bool = True) -> None:
    with atomic_path(path, durable=durable) as tmp:
        tmp.write_bytes(data)


def write_text_atomic(path: Path, text: str, *, durable: bool = True) -> None:
    write_bytes_atomic(path, text.encode("utf-8"), durable=durable)


def is_temporary(path: Path) -> bool:
    """A temporary file of the tool's own (never a file of the user's)."""
    return bool(_TMP_NAME.match(path.name))


def remove_temporary_files(folder: Path) -> int:
    """Delete the tool's own temporary files left under ``folder`` by a killed run; return how many."""
    count = 0
    for path in folder.rglob("*.tmp"):
        if path.is_file() and is_temporary(path):
            path.unlink(missing_ok=True)
            count += 1
    return count
