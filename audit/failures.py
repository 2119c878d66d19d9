"""Map what the browser reports into the closed set of site statuses (pure, no browser needed).

Every status has a one-line explanation and a "how to fix" hint, shown in the report and the
terminal. A non-ok status is never scored.
"""

from __future__ import annotations

import re

from audit.models import SiteStatus

# (status, what it means, what to do about it)
EXPLANATIONS: dict[SiteStatus, tuple[str, str]] = {
    SiteStatus.OK: ("The homepage was assessed.", ""),
    SiteStatus.INVALID_URL: ("The URL in the municipality list is not a usable http(s) address.", "Correct the url column of the municipality list."),
    SiteStatus.PRIVATE_NETWORK: ("The address points into a private or loopback network and was not opened.", "Check the URL; pass --allow-private-network only for sites you host yourself."),
    SiteStatus.DNS_ERROR: ("The host name does not resolve.", "Check the domain in the municipality list; municipalities merge and move domains."),
    SiteStatus.CONNECT_ERROR: ("The server refused or dropped the connection.", "Re-run later; if it persists, check the URL and whether the site blocks this network."),
    SiteStatus.TIMEOUT: ("The homepage did not load within the time limit.", "Re-run later or raise --page-timeout."),
    SiteStatus.TLS_ERROR: ("The site's HTTPS certificate was rejected.", "The municipality should renew or fix its certificate; the tool never falls back to http."),
    SiteStatus.HTTP_ERROR: ("The server answered with an HTTP error.", "Check the URL; a 404 often means the homepage moved."),
    SiteStatus.REDIRECT_LOOP: ("The homepage redirects in a loop.", "Report the loop to the municipality's web team."),
    SiteStatus.BLOCKED: ("A bot challenge or firewall page was served instead of the homepage.", "Re-check later or ask the municipality to allow the crawler's User-Agent."),
    SiteStatus.RATE_LIMITED: ("The server asked us to slow down (HTTP 429) and kept refusing.", "Re-run later with lower --concurrency."),
    SiteStatus.EMPTY_PAGE: ("The homepage rendered no text and no links.", "Check the site in a browser; it may need a script the crawler did not run."),
    SiteStatus.NON_HTML: ("The address serves a file, not a web page.", "Use the address of the HTML homepage."),
    SiteStatus.TOO_LARGE: ("The homepage is larger than the size limit.", "Raise the limit only if the page is genuinely that large."),
    SiteStatus.BROWSER_CRASH: ("The browser crashed on this site.", "Re-run the site; report it if it keeps crashing."),
    SiteStatus.PAGE_HUNG: ("The page kept the browser busy past the hard time limit.", "Re-run later; a script on the page may never finish."),
    SiteStatus.NOT_MUNICIPAL: ("The address does not lead to the municipality's own site (a parked, for-sale or hosting default page, or a site that nowhere names the municipality).", "Correct the url column of the municipality list: the listed address is stale."),
    SiteStatus.ROBOTS_DISALLOWED: ("The site's robots.txt does not allow this crawler (or could not be read).", "Ask the municipality for permission, or record an explicit override with --ignore-robots."),
}

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
_CHALLENGE_TITLES = re.compile(
    r"just a moment|attention required|checking your browser|access denied|request rejected|"
    r"ddos-guard|are you a robot|captcha|please verify you are a human|bot verification",
    re.IGNORECASE,
)


def classify_exception(message: str) -> tuple[SiteStatus, str, bool]:
    """(status, one-line detail, whether a retry may help) for a navigation error message."""
    first = message.strip().splitlines()[0] if message.strip() else "unknown navigation error"
    for needle, status, retry in _NET_CODES:
        if needle in message:
            code = re.search(r"net::(ERR_[A-Z_]+)", message)
            detail = code.group(1) if code else first
            return status, f"{EXPLANATIONS[status][0]} ({detail})", retry
    return SiteStatus.CONNECT_ERROR, first[:300], True


def classify_response(
    status: int, headers: dict[str, str], title: str, max_bytes: int
) -> tuple[SiteStatus, str, int | None, float | None] | None:
    """None for an assessable HTML response; else (status, detail, http status, retry wait or None)."""
    h = {k.lower(): v for k, v in headers.items()}
    server = h.get("server", "").lower()
    if h.get("cf-mitigated") or (_CHALLENGE_TITLES.search(title or "") and status in (200, 403, 429, 503)):
        why = "cf-mitigated header" if h.get("cf-mitigated") else f"challenge page titled {title[:60]!r}"
        return SiteStatus.BLOCKED, f"bot challenge or firewall ({why}, HTTP {status})", status, None
    if status == 429:
        return SiteStatus.RATE_LIMITED, "HTTP 429 Too Many Requests", status, _retry_after(h.get("retry-after"))
    if status == 403 and ("cloudflare" in server or "akamai" in server):
        return SiteStatus.BLOCKED, f"HTTP 403 from {server}", status, None
    if status >= 400:
        retry = 2.0 if status in (500, 502, 503, 504) else None
        if status == 503 and h.get("retry-after"):
            retry = _retry_after(h.get("retry-after"))
        return SiteStatus.HTTP_ERROR, f"HTTP {status}", status, retry
    ctype = h.get("content-type", "").split(";")[0].strip().lower()
    if ctype and ctype not in ("text/html", "application/xhtml+xml", "text/plain"):
        return SiteStatus.NON_HTML, f"the homepage is {ctype}, not HTML", status, None
    length = h.get("content-length", "")
    if length.isdigit() and int(length) > max_bytes:
        return SiteStatus.TOO_LARGE, f"{int(length)} bytes exceeds the {max_bytes}-byte limit", status, None
    return None


def _retry_after(value: str | None) -> float:
    if value and value.strip().isdigit():
        return float(value.strip())
    return 5.0


def explain(status: SiteStatus) -> tuple[str, str]:
    return EXPLANATIONS[status]
