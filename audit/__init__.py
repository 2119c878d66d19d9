"""audit: find out how easy it is for residents to reach their municipality's customer service."""

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:
    from audit.frames import Run as Run
    from audit.frames import compare as compare
    from audit.frames import load_run as load_run

_FRAMES = ("Run", "compare", "load_run")


def __getattr__(name: str) -> Any:
    # The analysis API imports pandas: loaded on first use, so the commands do not pay for it.
    if name in _FRAMES:
        from audit import frames

        return getattr(frames, name)
    raise AttributeError(f"module 'audit' has no attribute {name!r}")
