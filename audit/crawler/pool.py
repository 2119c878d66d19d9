"""The browser's lifecycle: which Chromium, how it starts, relaunch after a crash, and Ctrl-C."""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import signal
import threading
from collections.abc import Callable, Iterator
from typing import Any

from playwright.async_api import Browser, Playwright, async_playwright
from playwright.async_api import Error as PlaywrightError

from audit.errors import BrowserUnavailable

# Without these flags Chromium keeps trying to reach update and telemetry hosts.
CHROMIUM_ARGS = [
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-default-apps",
    "--disable-quic",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--mute-audio",
]

# Playwright's driver is a Node process every page's messages and screenshots pass through. Left
# to itself its heap grows to a few hundred MB before collecting; these bounds keep it near its
# live set at a small cost in collection time (see benchmarks/README.md, "Memory").
DRIVER_NODE_OPTIONS = "--max-semi-space-size=2 --max-old-space-size=160"


def find_chromium(explicit: str | None = None) -> str | None:
    """The Chromium to use: an explicit path, ``AUDIT_CHROMIUM``, then a system Chromium.

    None means "use Playwright's own download" (``playwright install chromium``).
    """
    for candidate in (explicit, os.environ.get("AUDIT_CHROMIUM")):
        if candidate:
            return candidate
    for name in ("chromium", "chromium-browser", "google-chrome", "chrome"):
        path = shutil.which(name)
        if path:
            return path
    return None


async def bounded(awaitable: Any, seconds: float) -> Any:
    """Await an in-page call with a time limit: a frame whose navigation hangs never answers."""
    try:
        return await asyncio.wait_for(awaitable, timeout=seconds)
    except TimeoutError:
        return None


def browser_gone(exc: BaseException) -> bool:
    message = str(exc).lower()
    return (
        "has been closed" in message
        or "browser closed" in message
        or "target closed" in message
        or "crashed" in message
        and "page crashed" not in message
    )


def _in_main_thread() -> bool:
    return threading.current_thread() is threading.main_thread()


@contextlib.contextmanager
def _sigint_ignored() -> Iterator[None]:
    """Ignore SIGINT while child processes are spawned (only possible in the main thread)."""
    if not _in_main_thread():
        yield
        return
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


@contextlib.contextmanager
def _driver_environment() -> Iterator[None]:
    """Start the driver with bounded heap settings; a user's own NODE_OPTIONS come after and win."""
    previous = os.environ.get("NODE_OPTIONS")
    os.environ["NODE_OPTIONS"] = f"{DRIVER_NODE_OPTIONS} {previous or ''}".strip()
    try:
        yield
    finally:
        if previous is None:
            os.environ.pop("NODE_OPTIONS", None)
        else:
            os.environ["NODE_OPTIONS"] = previous


@contextlib.contextmanager
def interrupt_handler(on_first: Callable[[], object]) -> Iterator[None]:
    """Call ``on_first`` on the first SIGINT; exit at once (130) on the second.

    Installed on the running event loop, so the interrupt is handled between two steps of the
    crawl rather than as a KeyboardInterrupt inside whatever callback happens to run.
    """
    loop = asyncio.get_running_loop()
    if not _in_main_thread():
        yield
        return
    pressed = 0

    def handle() -> None:
        nonlocal pressed
        pressed += 1
        if pressed > 1:
            os._exit(130)
        on_first()

    loop.add_signal_handler(signal.SIGINT, handle)
    try:
        yield
    finally:
        loop.remove_signal_handler(signal.SIGINT)


class BrowserPool:
    """One Chromium shared by all sites; relaunched when it crashes."""

    def __init__(self, chromium: str | None = None, chromium_args: tuple[str, ...] = ()) -> None:
        self.chromium = chromium
        self.chromium_args = chromium_args
        self._pw: Playwright | None = None
        self._browser: Browser | None = None
        self._lock = asyncio.Lock()

    async def __aenter__(self) -> BrowserPool:
        # The Playwright driver is started with SIGINT ignored (a disposition children inherit),
        # and browsers are launched with handle_sigint=False: a Ctrl-C from the terminal reaches
        # the whole process group, and it is ours to handle, not a reason for the driver to close
        # the browser under sites in flight. Chromium runs in its own process group anyway.
        with _sigint_ignored(), _driver_environment():
            self._pw = await async_playwright().start()
        await self.browser()
        return self

    async def __aexit__(self, *exc: object) -> None:
        with contextlib.suppress(Exception):
            if self._browser:
                await self._browser.close()
        if self._pw:
            await self._pw.stop()

    async def browser(self) -> Browser:
        async with self._lock:
            if self._browser is None or not self._browser.is_connected():
                self._browser = await self._launch()
            return self._browser

    async def relaunch(self) -> None:
        """Start a new browser if the current one has gone (every site in flight retries once)."""
        async with self._lock:
            if self._browser is not None and not self._browser.is_connected():
                self._browser = None

    async def _launch(self) -> Browser:
        assert self._pw is not None
        exe = find_chromium(self.chromium)
        # Chromium's sandbox cannot run as root; elsewhere keep it on (see README, "Security").
        sandbox = hasattr(os, "geteuid") and os.geteuid() != 0
        try:
            return await self._pw.chromium.launch(
                executable_path=exe,
                headless=True,
                args=[*CHROMIUM_ARGS, *self.chromium_args],
                chromium_sandbox=sandbox,
                handle_sigint=False,
            )
        except PlaywrightError as exc:
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else repr(exc)
            raise BrowserUnavailable(
                f"could not start Chromium ({exe or 'Playwright bundled'}): {first}. "
                "Install it with 'apt-get install chromium' or 'playwright install chromium'."
            ) from exc
