"""Map what the browser reports into the closed set of site statuses (pure, no browser needed).

Every status has a name, an explanation and a "how to fix" hint per language in
``messages.yaml`` (words ``status.*``, ``explain.*`` and ``fix.*``); each failure also carries
its detail as a reason code. A non-ok status is never scored.
"""

from __future__ import annotations

import re

from audit.models import Reason, SiteStatus, reason
from audit.text import find_terms

_NET_CODES: list[tuple[str, SiteStatus, bool]] = [
    # (Chromium net error substring, status, retry?)
    ("ERR_NAME_NOT_RESOLVED", SiteStatus.DNS_ERROR, False),
    ("ERR_NAME_RESOLUTION_FAILED", SiteStatus.DNS_ERROR, False),
    ("ERR_TOO_MANY_REDIRECTS", SiteStatus.REDIRECT_LOOP, False),
    ("ERR_CERT", SiteStatus.TLS_ERROR, False),
    ("ERR_SSL", SiteStatus.TLS_ERROR, False),
    ("ERR_BAD_SSL", SiteStatus.TLS_ERROR, False),
    ("ERR_BLOCKED_BY_CLIENT", SiteStatus.PRIVATE_NETWORK, False),
    ("ERR_CONNECTION_REFUSED", SiteStatus.CONNECT_ERROR, True),
    ("ERR_CONNECTION_RESET", SiteStatus.CONNECT_ERROR, True),
    ("ERR_CONNECTION_CLOSED", SiteStatus.CONNECT_ERROR, True),
    ("ERR_EMPTY_RESPONSE", SiteStatus.CONNECT_ERROR, True),
    ("ERR_ADDRESS_UNREACHABLE", SiteStatus.CONNECT_ERROR, True),
    ("ERR_UNSAFE_PORT", SiteStatus.CONNECT_ERROR, False),
    # A timeout already cost the full page limit; retrying it would double the cost of every
    # dead site in a nationwide run, so it is reported at once.
    ("ERR_CONNECTION_TIMED_OUT", SiteStatus.TIMEOUT, False),
    ("ERR_TIMED_OUT", SiteStatus.TIMEOUT, False),
    ("ERR_FILE_TOO_BIG", SiteStatus.TOO_LARGE, False),
    ("Download is starting", SiteStatus.NON_HTML, False),
    ("ERR_ABORTED", SiteStatus.NON_HTML, False),
    ("Target crashed", SiteStatus.BROWSER_CRASH, True),
    ("Timeout", SiteStatus.TIMEOUT, False),
]


def classify_exception(message: str) -> tuple[SiteStatus, Reason, bool]:
    """(status, detail, whether a retry may help) for a navigation error message."""
    first = message.strip().splitlines()[0] if message.strip() else "unknown navigation error"
    for needle, status, retry in _NET_CODES:
        if needle in message:
            code = re.search(r"net::(ERR_[A-Z_]+)", message)
            return status, reason(f"failure.net.{status.value}", error=code.group(1) if code else first[:120]), retry
    return SiteStatus.CONNECT_ERROR, reason("failure.navigation", error=first[:300]), True


def classify_response(
    status: int,
    headers: dict[str, str],
    title: str,
    max_bytes: int,
    challenge_titles: tuple[str, ...] = (),
) -> tuple[SiteStatus, Reason, int | None, float | None] | None:
    """None for an assessable HTML response; else (status, detail, http status, retry wait or None).

    ``challenge_titles`` (vocabulary ``challenge_title``): page titles of bot challenges."""
    h = {k.lower(): v for k, v in headers.items()}
    server = h.get("server", "").lower()
    if h.get("cf-mitigated"):
        return SiteStatus.BLOCKED, reason("failure.blocked_header", http=status), status, None
    if title and find_terms(title, challenge_titles) and status in (200, 403, 429, 503):
        return SiteStatus.BLOCKED, reason("failure.blocked_title", title=title[:60], http=status), status, None
    if status == 429:
        return (
            SiteStatus.RATE_LIMITED,
            reason("failure.rate_limited", http=status),
            status,
            _retry_after(h.get("retry-after")),
        )
    if status == 403 and ("cloudflare" in server or "akamai" in server):
        return SiteStatus.BLOCKED, reason("failure.blocked_server", server=server, http=status), status, None
    if status >= 400:
        retry = 2.0 if status in (500, 502, 503, 504) else None
        if status == 503 and h.get("retry-after"):
            retry = _retry_after(h.get("retry-after"))
        return SiteStatus.HTTP_ERROR, reason("failure.http_error", http=status), status, retry
    ctype = h.get("content-type", "").split(";")[0].strip().lower()
    if ctype and ctype not in ("text/html", "application/xhtml+xml", "text/plain"):
        return SiteStatus.NON_HTML, reason("failure.non_html", type=ctype), status, None
    length = h.get("content-length", "")
    if length.isdigit() and int(length) > max_bytes:
        return SiteStatus.TOO_LARGE, reason("failure.too_large", bytes=int(length), limit=max_bytes), status, None
    return None


def _retry_after(value: str | None) -> float:
    if value and value.strip().isdigit():
        return float(value.strip())
    return 5.0


def explain(status: SiteStatus, lang: str = "en") -> tuple[str, str]:
    """The status's name and what to do about it, in ``lang``."""
    from audit.messages import word

    return word(f"status.{status.value}", lang), word(f"fix.{status.value}", lang)
