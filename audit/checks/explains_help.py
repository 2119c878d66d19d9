"""explains_help: the service page says what residents get help with, and how to get it."""

from __future__ import annotations

from audit.checks._evidence import match_evidence, page_evidence
from audit.checks.channels import Channels, find_channels
from audit.checks.findings import Findings
from audit.criteria import Criteria
from audit.models import CheckResult, Evidence, SiteSnapshot, Verdict


def _judge(ch: Channels) -> tuple[bool, str]:
    channels = ", ".join(f"{k} ({v[:40]})" for k, v in ch.found.items())
    how = ch.count >= 2 or (ch.count >= 1 and bool(ch.hours))
    if ch.topics and how:
        extra = f" and opening hours ({ch.hours[:40]})" if ch.hours else ""
        return True, f"Says what it helps with ({', '.join(ch.topics[:3])}) and how: {channels}{extra}."
    if not ch.topics and not how:
        return False, f"Says neither what it helps with nor enough about how to reach it (channels: {channels or 'none'})."
    if not ch.topics:
        return False, f"Gives ways to reach it ({channels}) but not what it helps with."
    return False, f"Says what it helps with ({', '.join(ch.topics[:3])}) but gives only {ch.count} contact channel(s){' and no opening hours' if not ch.hours else ''}."


def check(site: SiteSnapshot, found: Findings, criteria: Criteria) -> CheckResult:
    vocab = criteria.vocabulary
    tried: list[tuple[Evidence, str]] = []
    for m in found.service_pages[:3]:
        ch = find_channels(m.page.main_text or m.page.text, vocab)
        ok, reason = _judge(ch)
        ev = page_evidence(m.page, criteria, around=(ch.topics[0] if ch.topics else m.matched[0]), matched=ch.topics + tuple(ch.found), note="service page")
        if ok:
            return CheckResult(Verdict.PASS, reason, (ev,))
        tried.append((ev, reason))
    for m in found.blocks[:2]:
        assert m.element is not None
        ch = find_channels(m.element.text, vocab)
        ok, reason = _judge(ch)
        if ok:
            return CheckResult(Verdict.PASS, reason, (match_evidence(m, criteria),))
        tried.append((match_evidence(m, criteria), reason))
    if tried:
        return CheckResult(Verdict.FAIL, tried[0][1], tuple(ev for ev, _ in tried[:2]))
    return CheckResult(Verdict.FAIL, "No service page was found to explain what the service helps with.")
