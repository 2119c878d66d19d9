"""Typed records passed between the stages: crawl -> archive -> checks -> score -> report.

Everything here is a frozen dataclass with a JSON round trip (``to_dict`` / ``from_dict``),
so each stage can stop, write its output to disk and be resumed from it.
A site the crawler saw is a :class:`SiteSnapshot`; a site it could not assess is a
:class:`CrawlFailure`. The two are deliberately different types: a failure never reaches a check.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum, StrEnum
from functools import cache
from typing import Any


class Verdict(StrEnum):
    """The closed set of outcomes for one criterion."""

    PASS = "pass"
    FAIL = "fail"
    NEEDS_REVIEW = "needs_review"
    NOT_ASSESSED = "not_assessed"


class Source(StrEnum):
    """Where a final verdict came from."""

    AUTOMATIC = "automatic"
    PHONE_CHECK = "phone_check"
    OVERRIDE = "override"


class SiteStatus(StrEnum):
    """Per-site outcome of the crawl. Everything but ``OK`` is never scored or ranked."""

    OK = "ok"
    INVALID_URL = "invalid_url"
    PRIVATE_NETWORK = "private_network"
    DNS_ERROR = "dns_error"
    CONNECT_ERROR = "connect_error"
    TIMEOUT = "timeout"
    TLS_ERROR = "tls_error"
    HTTP_ERROR = "http_error"
    REDIRECT_LOOP = "redirect_loop"
    BLOCKED = "blocked"
    RATE_LIMITED = "rate_limited"
    EMPTY_PAGE = "empty_page"
    NON_HTML = "non_html"
    TOO_LARGE = "too_large"
    BROWSER_CRASH = "browser_crash"
    PAGE_HUNG = "page_hung"
    ROBOTS_DISALLOWED = "robots_disallowed"
    # Judged from the snapshot, not by the crawler: the address does not lead to the
    # municipality's own site (parked, for sale, a hosting default page, never names it).
    NOT_MUNICIPAL = "not_municipal"


# Landmarks an element can sit in; "" means none of them (plain body content).
LANDMARKS = ("header", "nav", "main", "aside", "footer", "")


@dataclass(frozen=True)
class Reason:
    """Why: a stable code and its parameters. The sentence is made from a template per language
    (``audit/messages.yaml``) only when shown, so one run reads in any report language.

    A parameter is text, a number, a list of words (shown as the site wrote them), a nested
    reason (``{"code": ..., "params": ...}``) or a word of the messages' word table
    (``{"word": "channel.phone", "value": "021-39 00 00"}``).
    """

    code: str
    params: dict[str, Any] = dataclasses.field(default_factory=dict)

    def nested(self) -> dict[str, Any]:
        """This reason as a parameter of another."""
        return {"code": self.code, "params": self.params}


def reason(code: str, **params: Any) -> Reason:
    return Reason(code, params)


@dataclass(frozen=True)
class Municipality:
    """One row of the municipality list."""

    id: str
    name: str
    country: str
    region: str
    url: str
    switchboard_phone: str = ""

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Municipality:
        return cls(**{f.name: data.get(f.name, "") for f in dataclasses.fields(cls)})


@dataclass(frozen=True)
class Box:
    """An element's rectangle in CSS pixels, relative to the top-left of the page at scroll 0."""

    x: float
    y: float
    width: float
    height: float

    @property
    def center(self) -> tuple[float, float]:
        return (self.x + self.width / 2, self.y + self.height / 2)


@dataclass(frozen=True)
class Element:
    """A link, button, heading or text block as rendered.

    ``kind`` is one of ``link``, ``button``, ``block``. ``name`` is the accessible name
    (aria-label, alt of a contained image, title) when it differs from ``text``.
    ``hidden_container`` is true when an ancestor is collapsed or hidden (display:none,
    visibility:hidden, aria-hidden, a closed ``details``/menu, zero size with overflow hidden).
    ``covered`` is true when the element at the box centre is neither this element nor inside it.
    ``frame`` is the URL of the frame the element lives in, empty for the main document.
    ``in_article`` (inside an ``<article>``), ``article_main`` (that article is the page's main
    content), ``dated`` (its item or card carries a date) and ``news_region`` (it sits in a region
    named or headed as news) are the raw facts from which the checks tell news from content.
    """

    kind: str
    text: str
    name: str = ""
    href: str = ""
    landmark: str = ""
    box: Box | None = None
    visible: bool = True
    hidden_container: bool = False
    covered: bool = False
    font_size: float = 16.0
    selector: str = ""
    in_article: bool = False
    frame: str = ""
    article_main: bool = False
    dated: bool = False
    news_region: bool = False
    context: str = ""  # for links: the short text of the card the link sits in
    # What lies over the element's centre when ``covered``: "overlay:N" (the page's N-th overlay)
    # or the covering element's selector.
    covered_by: str = ""


@dataclass(frozen=True)
class Heading:
    level: int
    text: str
    in_article: bool = False
    article_main: bool = False
    dated: bool = False
    news_region: bool = False


@dataclass(frozen=True)
class Overlay:
    """A pop-up or overlay on the first screen (fixed, sticky or modal), as found when collected."""

    selector: str
    text: str
    box: Box | None = None


@dataclass(frozen=True)
class ConsentAction:
    """What the crawler did about a cookie banner (it only ever picks the least-consent choice)."""

    found: bool
    clicked: str = ""
    closed: bool = False
    detail: str = ""


@dataclass(frozen=True)
class StaticLink:
    """A link as the server sent it, before any script ran: its text and absolute target."""

    text: str
    href: str


@dataclass(frozen=True)
class WcagNode:
    """One element an axe-core rule found: its CSS selector and the start of its markup."""

    target: str
    html: str = ""


@dataclass(frozen=True)
class WcagRule:
    """One axe-core rule violated on a page (WCAG 2.1 A and AA tags only)."""

    rule: str  # axe rule id, e.g. "image-alt"
    impact: str  # critical, serious, moderate or minor
    count: int  # elements in violation
    help: str = ""
    help_url: str = ""
    nodes: tuple[WcagNode, ...] = ()  # the first few, not all


@dataclass(frozen=True)
class WcagPage:
    """The axe-core scan of one page; ``error`` says why a page could not be scanned."""

    url: str
    role: str  # "homepage" or "service"
    violations: tuple[WcagRule, ...] = ()
    error: str = ""


@dataclass(frozen=True)
class PageSnapshot:
    """One rendered page: the homepage (depth 0) or a page reached by following links."""

    url: str
    final_url: str
    depth: int
    status: int
    title: str = ""
    lang: str = ""
    via_text: str = ""
    via_url: str = ""
    parent_url: str = ""
    headings: tuple[Heading, ...] = ()
    elements: tuple[Element, ...] = ()
    text: str = ""
    main_text: str = ""
    redirect_chain: tuple[str, ...] = ()
    content_type: str = ""
    html_file: str = ""
    screenshot: str = ""
    full_screenshot: str = ""
    consent: ConsentAction | None = None
    mobile_elements: tuple[Element, ...] = ()
    viewport: tuple[int, int] = (1366, 768)
    flags: tuple[str, ...] = ()
    # What the page says of its own type ("published_time", "og:article", "ld:NewsArticle").
    news_signals: tuple[str, ...] = ()
    overlays: tuple[Overlay, ...] = ()
    wcag: WcagPage | None = None  # the axe-core scan, when the run asked for one (--wcag)
    # The links in the HTML the server sent (None when no HTML body was received).
    server_links: tuple[StaticLink, ...] | None = None


@dataclass(frozen=True)
class SiteSnapshot:
    """Everything the crawler saw of one municipality; ``pages[0]`` is the homepage."""

    municipality: Municipality
    pages: tuple[PageSnapshot, ...]
    started_at: str
    finished_at: str
    user_agent: str = ""
    attempts: int = 1
    flags: tuple[str, ...] = ()
    browser_version: str = ""  # the browser's own version ("Chromium 131.0.6778.85"), not the User-Agent's claim
    status: SiteStatus = SiteStatus.OK
    # The accessibility statement, opened beside the crawl (--wcag); never read by the five checks.
    statement: PageSnapshot | None = None

    @property
    def homepage(self) -> PageSnapshot:
        return self.pages[0]


@dataclass(frozen=True)
class Visit:
    """A page the crawler opened: where, what it was called, and the link that led there."""

    url: str
    title: str
    depth: int
    via_text: str = ""
    status: int = 200


@dataclass(frozen=True)
class Attempt:
    """One try at a site's homepage: when, how many requests, and what came of it."""

    started_at: str
    finished_at: str
    status: SiteStatus
    requests: int = 1
    reason: Reason | None = None


@dataclass(frozen=True)
class CrawlFailure:
    """A municipality whose homepage could not be assessed, and why."""

    municipality: Municipality
    status: SiteStatus
    detail: str
    url: str = ""
    final_url: str = ""
    http_status: int | None = None
    started_at: str = ""
    finished_at: str = ""
    attempts: int = 1
    screenshot: str = ""
    # The detail as a code, for every report language (``detail`` stays as the technical log line).
    reason: Reason | None = None
    earlier: tuple[Attempt, ...] = ()  # tries before this one (the first crawl, when this is the re-check)

    @property
    def history(self) -> tuple[Attempt, ...]:
        """Every try, oldest first, this one last."""
        this = Attempt(self.started_at, self.finished_at, self.status, self.attempts, self.reason)
        return (*self.earlier, this)


@dataclass(frozen=True)
class Evidence:
    """What a sceptical reader needs to check one verdict."""

    url: str = ""  # where the element leads (a link's target), or the page itself
    text: str = ""
    selector: str = ""
    region: str = ""
    box: Box | None = None
    depth: int = 0
    matched: tuple[str, ...] = ()
    snippet: str = ""
    screenshot: str = ""
    note: Reason | None = None
    page_url: str = ""  # the page the element is on
    full_screenshot: str = ""  # that page, whole
    phone: Reason | None = None  # informational: the same entry on a 390x844 phone screen


@dataclass(frozen=True)
class CheckResult:
    """A check's verdict on one criterion, before phone checks and overrides are merged."""

    verdict: Verdict
    reason: Reason
    evidence: tuple[Evidence, ...] = ()
    # For "needs review": the verdict the evidence leans to, and why it was not trusted.
    leaning: Verdict | None = None
    doubt: Reason | None = None

    @property
    def passed(self) -> bool:
        return self.verdict is Verdict.PASS

    def doubted(self, why: Reason) -> CheckResult:
        """This verdict turned into "needs review" for ``why``, keeping it as the leaning."""
        return CheckResult(Verdict.NEEDS_REVIEW, self.reason, self.evidence, self.verdict, why)


@dataclass(frozen=True)
class PhoneCheck:
    """One row of the researchers' phone-check file."""

    municipality_id: str
    checked_on: str
    responsible_person_named: bool
    person_name: str = ""
    role: str = ""
    caller: str = ""
    notes: str = ""
    line: int = 0


@dataclass(frozen=True)
class Override:
    """A researcher's decision on one verdict, with who, when and why."""

    municipality_id: str
    criterion: str
    verdict: Verdict
    who: str
    when: str
    why: str
    line: int = 0


@dataclass(frozen=True)
class CriterionOutcome:
    """The final verdict on one criterion for one municipality, with its provenance."""

    criterion: str
    verdict: Verdict
    reason: Reason
    source: Source = Source.AUTOMATIC
    evidence: tuple[Evidence, ...] = ()
    provisional: bool = False
    automatic_verdict: Verdict | None = None
    phone_check: PhoneCheck | None = None
    override: Override | None = None
    leaning: Verdict | None = None
    doubt: Reason | None = None

    @property
    def value(self) -> int | None:
        """1 or 0 for the score; None when not assessed."""
        if self.verdict is Verdict.NOT_ASSESSED:
            return None
        return 1 if self.verdict is Verdict.PASS else 0

    @property
    def settled(self) -> bool:
        """A final pass or fail: not awaiting a phone check, not needing review."""
        return self.verdict in (Verdict.PASS, Verdict.FAIL) and not self.provisional


@dataclass(frozen=True)
class SiteResult:
    """A municipality's scored (or not-assessed) result, as written to results.json."""

    municipality: Municipality
    status: SiteStatus
    detail: str = ""
    outcomes: tuple[CriterionOutcome, ...] = ()
    reason: Reason | None = None  # for a site not assessed: its detail as a code
    score: int | None = None
    rank: int | None = None
    provisional: bool = False
    needs_review: bool = False
    awaiting_phone_check: bool = False
    # While phone checks or reviews are pending: the lowest and highest score the site can still
    # get, and the best and worst rank it can still reach (equal to score and rank once settled).
    score_min: int | None = None
    score_max: int | None = None
    rank_best: int | None = None
    rank_worst: int | None = None
    crawled_at: str = ""  # when the crawl of the site began (ISO 8601, UTC)
    attempts: tuple[Attempt, ...] = ()  # for a site not assessed: every try and its outcome
    visited: tuple[Visit, ...] = ()  # the pages the crawler opened, homepage first
    homepage_url: str = ""
    final_url: str = ""
    screenshot: str = ""
    flags: tuple[str, ...] = ()
    # Beside the score, never part of it: informational outcomes ("accessibility_statement",
    # "entry_without_javascript") and the axe-core scan of the homepage and service page.
    beside: tuple[CriterionOutcome, ...] = ()
    wcag: tuple[WcagPage, ...] = ()

    @property
    def assessed(self) -> bool:
        return self.status is SiteStatus.OK

    def outcome(self, criterion: str) -> CriterionOutcome | None:
        return next((o for o in self.outcomes if o.criterion == criterion), None)

    @property
    def settled(self) -> bool:
        """Every verdict is final: no phone check pending, nothing to review."""
        return self.assessed and all(o.settled for o in self.outcomes)


# --- JSON round trip --------------------------------------------------------------------------
# One generic encoder/decoder driven by the dataclass field types keeps every record's on-disk
# form in step with its definition: adding a field never needs a hand-written serializer.


_PLAIN = frozenset({str, int, float, bool, type(None)})


def to_jsonable(value: Any) -> Any:
    """Turn a record (or a structure of records) into JSON-ready data."""
    kind: type = type(value)
    if kind in _PLAIN:  # most values of a snapshot: answered before any other test
        return value
    names = _record_fields(kind)
    if names is not None:
        return {name: to_jsonable(getattr(value, name)) for name in names}
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, (list, tuple)):
        return [to_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    return value


@cache
def _record_fields(kind: type) -> tuple[str, ...] | None:
    """The field names of a record type (asked per value: a crawl's snapshot holds thousands)."""
    return tuple(f.name for f in dataclasses.fields(kind)) if dataclasses.is_dataclass(kind) else None


_RECORDS: dict[str, type] = {}


def _register(*classes: type) -> None:
    for cls in classes:
        _RECORDS[cls.__name__] = cls


_register(
    Reason,
    StaticLink,
    WcagNode,
    WcagRule,
    WcagPage,
    Attempt,
    Visit,
    Municipality,
    Box,
    Element,
    Heading,
    Overlay,
    ConsentAction,
    PageSnapshot,
    SiteSnapshot,
    CrawlFailure,
    Evidence,
    CheckResult,
    PhoneCheck,
    Override,
    CriterionOutcome,
    SiteResult,
)
_ENUMS: dict[str, type[Enum]] = {e.__name__: e for e in (Verdict, Source, SiteStatus)}


Decoder = Callable[[Any], Any]


def _identity(value: Any) -> Any:
    return value


def _decoder(annotation: str) -> Decoder:
    """A function decoding one JSON value for a field annotated ``annotation`` (string form)."""
    ann = annotation.replace(" | None", "").strip()
    if ann.startswith("tuple["):
        inner = ann[len("tuple[") : -1]
        if inner.endswith(", ..."):
            item = _decoder(inner[: -len(", ...")])
            return tuple if item is _identity else lambda v: tuple(map(item, v))
        return tuple
    if ann == "Reason":
        # Free text where a reason is expected (results of an older version, hand-made files)
        # is kept as the text itself.
        reason = _record_decoder(Reason)
        return lambda v: Reason("text", {"text": v}) if isinstance(v, str) else reason(v)
    if ann in _RECORDS:
        return _record_decoder(_RECORDS[ann])
    if ann in _ENUMS:
        return _ENUMS[ann]
    return _identity


def from_jsonable(cls: type, data: dict[str, Any]) -> Any:
    """Rebuild a record of type ``cls`` from :func:`to_jsonable` output; unknown keys are ignored."""
    try:
        return _record_decoder(cls)(data)
    except KeyError as exc:
        raise TypeError(f"a {cls.__name__} record, or one inside it, lacks the field {exc}") from None


@cache
def _record_decoder(cls: type) -> Callable[[dict[str, Any]], Any]:
    """One function per record type that reads every field in a single expression.

    A nationwide re-score decodes millions of elements, and looping over the fields of each in
    Python costs twice as much as this straight-line code (written out once per type, as
    :mod:`dataclasses` writes ``__init__``). Field names come from our own classes, never from data.
    """
    env: dict[str, Any] = {"cls": cls}
    args = []
    for i, f in enumerate(dataclasses.fields(cls)):
        key = repr(f.name)
        decode = _decoder(str(f.type))
        plain = decode is _identity  # text, numbers and flags are taken as JSON holds them
        env[f"decode{i}"] = decode
        value = f"d[{key}]" if plain else f"(None if (v := d[{key}]) is None else decode{i}(v))"
        if f.default is not dataclasses.MISSING:
            env[f"default{i}"] = f.default
            value = f"d.get({key}, default{i})" if plain else f"({value} if {key} in d else default{i})"
        elif f.default_factory is not dataclasses.MISSING:
            env[f"factory{i}"] = f.default_factory
            value = f"({value} if {key} in d else factory{i}())"
        args.append(f"{f.name}={value}")
    source = f"def decode(d):\n    return cls({', '.join(args)})\n"
    exec(source, env)  # noqa: S102 - the source is built from the dataclass's own field names
    return env["decode"]  # type: ignore[no-any-return]


__all__ = [
    "LANDMARKS",
    "Box",
    "CheckResult",
    "ConsentAction",
    "CrawlFailure",
    "CriterionOutcome",
    "Element",
    "Evidence",
    "Heading",
    "Municipality",
    "Overlay",
    "Override",
    "PageSnapshot",
    "PhoneCheck",
    "Reason",
    "SiteResult",
    "SiteSnapshot",
    "SiteStatus",
    "Source",
    "Verdict",
    "from_jsonable",
    "reason",
    "to_jsonable",
]
