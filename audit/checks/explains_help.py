"""explains_help: the service page says what residents get help with, and how to get it."""

from __future__ import annotations

import dataclasses

from audit.checks._evidence import match_evidence, page_evidence
from audit.checks.channels import Channels, find_channels, help_topics
from audit.checks.findings import Findings
from audit.criteria import Criteria
from audit.models import CheckResult, Evidence, Reason, SiteSnapshot, Verdict, reason
from audit.service_page import service_text
from audit.text import as_written


def _channels(ch: Channels) -> list[dict[str, str]]:
    """The channels found, each as a word of the messages' table with the site's own text."""
    return [{"word": f"channel.{kind}", "value": value[:40]} for kind, value in ch.found.items()]


def _judge(ch: Channels, text: str) -> tuple[bool, Reason]:
    topics = list(as_written(text, ch.topics[:3]))
    how = ch.count >= 2 or (ch.count >= 1 and bool(ch.hours))
    if ch.topics and how:
        if ch.hours:
            return True, reason(
                "help.what_and_how_with_hours", topics=topics, channels=_channels(ch), hours=ch.hours[:40]
            )
        return True, reason("help.what_and_how", topics=topics, channels=_channels(ch))
    if not ch.topics and not how:
        return False, reason("help.neither", channels=_channels(ch)) if ch.found else reason("help.nothing")
    if not ch.topics:
        return False, reason("help.how_only", channels=_channels(ch))
    if ch.found:
        return False, reason("help.too_few_channels", topics=topics, channels=_channels(ch))
    return False, reason("help.what_only", topics=topics)


def check(site: SiteSnapshot, found: Findings, criteria: Criteria) -> CheckResult:
    vocab = criteria.vocabulary
    tried: list[tuple[Evidence, Reason]] = []
    for m in found.service_pages[:3]:
        text = m.page.main_text or m.page.text
        # What it helps with must be said of the service itself (its own section on a page of many
        # desks); how to reach it may stand anywhere on its page.
        ch = dataclasses.replace(find_channels(text, vocab), topics=help_topics(service_text(m.page, vocab), vocab))
        ok, why = _judge(ch, text)
        ev = page_evidence(
            m.page,
            criteria,
            around=(ch.topics[0] if ch.topics else m.matched[0]),
            matched=ch.topics,
            note=dataclasses.replace(why, code="note.service_page", params={}),
        )
        ev = dataclasses.replace(ev, matched=(*ev.matched, *(v[:40] for v in ch.found.values())))
        if ok:
            return CheckResult(Verdict.PASS, why, (ev,))
        tried.append((ev, why))
    for m in found.blocks[:2]:
        assert m.element is not None
        ch = find_channels(m.element.text, vocab)
        ok, why = _judge(ch, m.element.text)
        if ok:
            return CheckResult(Verdict.PASS, why, (match_evidence(m, criteria),))
        tried.append((match_evidence(m, criteria), why))
    if tried:
        return CheckResult(Verdict.FAIL, tried[0][1], tuple(ev for ev, _ in tried[:2]))
    return CheckResult(Verdict.FAIL, reason("help.no_service_page"))
