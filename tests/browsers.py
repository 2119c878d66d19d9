"""A synchronous Chromium for the tests that look at pages as a reader would."""

from __future__ import annotations

import contextlib
import os
import shutil
from collections.abc import Iterator
from typing import Any

from playwright import sync_api


@contextlib.contextmanager
def sync_chromium() -> Iterator[Any]:
    """The system Chromium; its sandbox cannot run as root (CI containers), elsewhere it stays on."""
    executable = shutil.which("chromium") or "/usr/bin/chromium"
    args = ["--no-sandbox"] if hasattr(os, "geteuid") and os.geteuid() == 0 else []
    with sync_api.sync_playwright() as p:
        instance = p.chromium.launch(executable_path=executable, args=args)
        yield instance
        instance.close()
