"""Mapping browser errors and HTTP responses to site statuses (no browser needed)."""

from __future__ import annotations

import pytest

from audit.criteria import default_criteria_path, load_criteria
from audit.failures import classify_exception, classify_response, explain
from audit.messages import render
from audit.models import Reason, SiteStatus

MAX = 5_000_000
TITLES = load_criteria(default_criteria_path()).vocabulary.challenge_title


@pytest.mark.parametrize(
    ("message", "status", "retry", "code"),
    [
        ("net::ERR_NAME_NOT_RESOLVED at http://x.invalid/", SiteStatus.DNS_ERROR, False, "ERR_NAME_NOT_RESOLVED"),
        (
            "net::ERR_CONNECTION_REFUSED at http://127.0.0.1:9/",
            SiteStatus.CONNECT_ERROR,
            True,
            "ERR_CONNECTION_REFUSED",
        ),
        ("net::ERR_CONNECTION_RESET at https://a.example/", SiteStatus.CONNECT_ERROR, True, "ERR_CONNECTION_RESET"),
        (
            "net::ERR_CERT_DATE_INVALID at https://expired.example/",
            SiteStatus.TLS_ERROR,
            False,
            "ERR_CERT_DATE_INVALID",
        ),
        (
            "net::ERR_CERT_AUTHORITY_INVALID at https://self.example/",
            SiteStatus.TLS_ERROR,
            False,
            "ERR_CERT_AUTHORITY_INVALID",
        ),
        ("net::ERR_SSL_PROTOCOL_ERROR at https://old.example/", SiteStatus.TLS_ERROR, False, "ERR_SSL_PROTOCOL_ERROR"),
        (
            "net::ERR_TOO_MANY_REDIRECTS at https://loop.example/",
            SiteStatus.REDIRECT_LOOP,
            False,
            "ERR_TOO_MANY_REDIRECTS",
        ),
        # A timeout already cost the whole page limit, so it is not retried either.
        (
            "net::ERR_CONNECTION_TIMED_OUT at https://slow.example/",
            SiteStatus.TIMEOUT,
            False,
            "ERR_CONNECTION_TIMED_OUT",
        ),
        ("Timeout 15000ms exceeded.", SiteStatus.TIMEOUT, False, "Timeout 15000ms exceeded."),
        ("Download is starting", SiteStatus.NON_HTML, False, "Download is starting"),
        ("Target crashed", SiteStatus.BROWSER_CRASH, True, "Target crashed"),
    ],
)
def test_classify_exception(message: str, status: SiteStatus, retry: bool, code: str) -> None:
    got_status, detail, got_retry = classify_exception(message)
    assert (got_status, got_retry) == (status, retry)
    assert detail == Reason(f"failure.net.{status.value}", {"error": code})
    assert code in render(detail) and code in render(detail, "fi")


def test_playwright_message_with_call_log() -> None:
    message = (
        "Page.goto: net::ERR_NAME_NOT_RESOLVED at http://x.invalid/\n"
        'Call log:\n  - navigating to "http://x.invalid/", waiting until "load"\n'
    )
    status, detail, retry = classify_exception(message)
    assert (status, retry) == (SiteStatus.DNS_ERROR, False)
    assert detail.params == {"error": "ERR_NAME_NOT_RESOLVED"}
    status, detail, retry = classify_exception("Page.goto: Timeout 15000ms exceeded.\nCall log:\n  - navigating")
    assert (status, retry) == (SiteStatus.TIMEOUT, False)
    assert detail.params == {"error": "Page.goto: Timeout 15000ms exceeded."}


def test_unknown_error_is_a_retryable_connect_error_with_its_first_line() -> None:
    assert classify_exception("something odd\nsecond line") == (
        SiteStatus.CONNECT_ERROR,
        Reason("failure.navigation", {"error": "something odd"}),
        True,
    )
    assert classify_exception("   ") == (
        SiteStatus.CONNECT_ERROR,
        Reason("failure.navigation", {"error": "unknown navigation error"}),
        True,
    )
    status, detail, _ = classify_exception("x" * 1000)
    assert status is SiteStatus.CONNECT_ERROR and len(detail.params["error"]) == 300


def test_cloudflare_challenge_header_is_blocked() -> None:
    got = classify_response(403, {"CF-Mitigated": "challenge", "Server": "cloudflare"}, "", MAX)
    assert got is not None
    status, detail, http, wait = got
    assert (status, http, wait) == (SiteStatus.BLOCKED, 403, None)
    assert detail.code == "failure.blocked_header"


@pytest.mark.parametrize("title", ["Just a moment...", "Attention Required! | Cloudflare", "DDoS-Guard"])
def test_challenge_title_on_200_is_blocked(title: str) -> None:
    got = classify_response(200, {"content-type": "text/html"}, title, MAX, TITLES)
    assert got is not None and got[0] is SiteStatus.BLOCKED and got[2] == 200
    assert classify_response(200, {"content-type": "text/html"}, title, MAX) is None  # the titles are vocabulary


def test_403_from_cloudflare_without_challenge_is_blocked() -> None:
    got = classify_response(403, {"server": "cloudflare"}, "Forbidden", MAX)
    assert got is not None and got[0] is SiteStatus.BLOCKED


def test_429_is_rate_limited_with_retry_after() -> None:
    assert classify_response(429, {"Retry-After": "7"}, "", MAX) == (
        SiteStatus.RATE_LIMITED,
        Reason("failure.rate_limited", {"http": 429}),
        429,
        7.0,
    )
    # An HTTP-date (or nothing) falls back to a default wait.
    got = classify_response(429, {"retry-after": "Wed, 21 Oct 2015 07:28:00 GMT"}, "", MAX)
    assert got is not None and got[3] == 5.0


def test_5xx_is_an_http_error_worth_retrying() -> None:
    http = lambda code: Reason("failure.http_error", {"http": code})  # noqa: E731
    assert classify_response(503, {}, "Service Unavailable", MAX) == (SiteStatus.HTTP_ERROR, http(503), 503, 2.0)
    assert classify_response(503, {"Retry-After": "30"}, "", MAX) == (SiteStatus.HTTP_ERROR, http(503), 503, 30.0)
    assert classify_response(500, {}, "", MAX) == (SiteStatus.HTTP_ERROR, http(500), 500, 2.0)


@pytest.mark.parametrize("code", [400, 401, 403, 404, 410])
def test_4xx_is_an_http_error_not_retried(code: int) -> None:
    assert classify_response(code, {"content-type": "text/html"}, "Not found", MAX) == (
        SiteStatus.HTTP_ERROR,
        Reason("failure.http_error", {"http": code}),
        code,
        None,
    )


def test_non_html_homepage() -> None:
    got = classify_response(200, {"Content-Type": "application/pdf"}, "", MAX)
    assert got == (SiteStatus.NON_HTML, Reason("failure.non_html", {"type": "application/pdf"}), 200, None)
    assert "application/pdf" in render(got[1], "sv")


def test_too_large_by_content_length() -> None:
    got = classify_response(200, {"content-type": "text/html", "content-length": str(MAX + 1)}, "Start", MAX)
    assert got is not None and got[0] is SiteStatus.TOO_LARGE and got[1].params["bytes"] == MAX + 1
    assert classify_response(200, {"content-type": "text/html", "content-length": str(MAX)}, "Start", MAX) is None


@pytest.mark.parametrize(
    "headers",
    [{"content-type": "text/html; charset=utf-8"}, {"Content-Type": "application/xhtml+xml"}, {}],
)
def test_normal_html_page_is_assessable(headers: dict[str, str]) -> None:
    assert classify_response(200, headers, "Välkommen till Solby kommun", MAX) is None


@pytest.mark.parametrize("status", list(SiteStatus))
@pytest.mark.parametrize("lang", ["en", "sv", "nb", "nn", "da", "fi"])
def test_every_status_has_a_name_and_a_fix_in_every_language(status: SiteStatus, lang: str) -> None:
    name, fix = explain(status, lang)
    assert name.strip() and fix.strip()
    assert name != f"status.{status.value}" and fix != f"fix.{status.value}"
