"""Does the homepage link to the accessibility statement, and is that statement dated and does
it say how to give feedback? (EU Web Accessibility Directive 2016/2102, art. 7.)"""

from __future__ import annotations

import re
from collections.abc import Mapping
from urllib.parse import urlsplit

from audit.criteria import Criteria, Vocabulary
from audit.models import CheckResult, Element, Evidence, PageSnapshot, SiteSnapshot, Verdict, reason
from audit.text import find_terms, fold

# 2025-03-14, 14.3.2025, 14/3/2025, 14. 3. 2025
_NUMERIC_DATE = re.compile(r"\b(?:(?:19|20)\d\d-\d\d?-\d\d?|\d\d?\s?[./]\s?\d\d?\s?[./]\s?(?:19|20)\d\d)\b")


def statement_link(home: PageSnapshot, vocab: Vocabulary) -> Element | None:
    """The homepage's link to its accessibility statement: by its words, else by its address."""
    links = [e for e in home.elements if e.kind == "link" and e.href]
    named = [e for e in links if find_terms(e.text or e.name, vocab.terms("accessibility_statement"))]
    if named:
        return named[0]
    return next(
        (e for e in links if find_terms(urlsplit(e.href).path + urlsplit(e.href).netloc, vocab.statement_href)), None
    )


def check(site: SiteSnapshot, _results: Mapping[str, CheckResult], criteria: Criteria) -> CheckResult:
    vocab = criteria.vocabulary
    link = statement_link(site.homepage, vocab)
    if link is None:
        return CheckResult(Verdict.FAIL, reason("beside.no_statement_link"))
    text = (link.text or link.name)[:120]
    found = Evidence(url=link.href, text=text, selector=link.selector, region=link.landmark, box=link.box,
                     page_url=site.homepage.final_url, screenshot=site.homepage.screenshot)  # fmt: skip
    page = site.statement
    if page is None:
        if "statement_failed" in site.flags:
            return CheckResult(Verdict.NEEDS_REVIEW, reason("beside.statement_unopened", text=text), (found,))
        return CheckResult(Verdict.PASS, reason("beside.statement_linked", text=text), (found,))
    missing = _missing(page, vocab)
    if missing:
        why = reason("beside.statement_lacks", text=text, missing={"word": f"statement.missing.{missing}"})
        return CheckResult(Verdict.FAIL, why, (found, _page_evidence(page)))
    return CheckResult(Verdict.PASS, reason("beside.statement_complete", text=text), (found, _page_evidence(page)))


def _missing(page: PageSnapshot, vocab: Vocabulary) -> str:
    dated = bool(_NUMERIC_DATE.search(page.text)) or _worded_date(page.text, vocab)
    mail = any(e.href.startswith("mailto:") for e in page.elements)
    feedback = mail or bool(find_terms(page.text, vocab.terms("statement_feedback")))
    return {(True, True): "", (False, True): "date", (True, False): "feedback"}.get((dated, feedback), "both")


def _worded_date(text: str, vocab: Vocabulary) -> bool:
    """'14 mars 2025', '14. maaliskuuta 2025', 'March 14, 2025'."""
    months = "|".join(re.escape(m) for m in vocab.month_name)
    return bool(
        re.search(
            rf"\b\d{{1,2}}\.?\s+(?:{months})\w*\s+(?:19|20)\d\d\b|\b(?:{months})\w*\s+\d{{1,2}},?\s+(?:19|20)\d\d\b",
            fold(text),
        )
    )


def _page_evidence(page: PageSnapshot) -> Evidence:
    return Evidence(url=page.final_url, text=page.title[:120], page_url=page.final_url, depth=page.depth,
                    snippet=page.main_text[:280] or page.text[:280])  # fmt: skip
