"""Make hostile page text and URLs safe to display.

Everything the crawler read from a municipality's site (link texts, titles, snippets, URLs) is
treated as hostile. Jinja's autoescape handles HTML syntax; this module handles what escaping
does not: characters that reorder or hide text, absurdly long strings, and URLs whose scheme
would run code when clicked (``javascript:``, ``data:``, ``vbscript:``).
"""

from __future__ import annotations

import re
from pathlib import PurePosixPath
from urllib.parse import quote, urlsplit

# Bidi embeddings/overrides/isolates can make "gpj.exe" read as "exe.jpg"; NUL and the other C0
# controls (and DEL) have no business in displayed text. Tab, newline and CR become spaces.
_BIDI = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
_DROP = re.compile(f"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f{_BIDI}]")
_SPACES = re.compile(r"[\t\n\r ]+")
_ID = re.compile(r"[A-Za-z0-9_-]{1,32}")
_ASSET = re.compile(r"[A-Za-z0-9_.-]+")

MAX_TEXT = 500
MAX_HREF = 2048
ELLIPSIS = "\u2026"


def clean_text(value: object, limit: int = MAX_TEXT) -> str:
    """Displayable text: controls and bidi marks removed, whitespace collapsed, at most ``limit``
    characters (a longer string is cut and ends with an ellipsis). ``None`` becomes ""."""
    if value is None:
        return ""
    text = _SPACES.sub(" ", _DROP.sub("", str(value))).strip()
    if len(text) > limit:
        return text[: limit - 1].rstrip() + ELLIPSIS
    return text


def safe_href(url: object) -> str | None:
    """``url`` itself when it is an absolute http(s) URL that is safe to put in an ``href``.

    Returns None for anything else (other schemes, relative URLs, URLs with spaces, controls or
    bidi marks, over-long URLs); the caller then shows the URL as plain text instead of a link.
    """
    if not isinstance(url, str) or not url or len(url) > MAX_HREF:
        return None
    # Browsers silently drop tabs and newlines inside URLs ("java\tscript:"), so any whitespace
    # or control character disqualifies the URL rather than being stripped.
    if any(ch.isspace() or ord(ch) < 0x20 or ord(ch) == 0x7F or ch in _BIDI for ch in url):
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    return url


def is_safe_id(value: str) -> bool:
    """True when ``value`` can be used as a file name: 1-32 of ``A-Z a-z 0-9 _ -``."""
    return _ID.fullmatch(value) is not None


def asset_href(path: str, prefix: str = "") -> str | None:
    """A relative, percent-encoded link to a file of the run folder, or None if ``path`` is unsafe.

    ``path`` comes from results.json, relative to the run folder (``snapshots/0114/home.png``).
    Absolute paths, ``..``, backslashes, schemes and odd characters are refused so a crafted path
    can never point outside the run folder or become a ``javascript:`` link.
    """
    if not path or "\\" in path or len(path) > 300:
        return None
    parts = PurePosixPath(path).parts
    if not parts or path.startswith("/") or any(not _ASSET.fullmatch(p) for p in parts):
        return None
    if any(p in (".", "..") for p in parts):
        return None
    return prefix + "/".join(quote(p) for p in parts)
