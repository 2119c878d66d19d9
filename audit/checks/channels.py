"""Find contact channels, opening hours and "what we help with" in a page's text (pure)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from audit.criteria import Vocabulary
from audit.text import find_terms, fold

# Nordic phone numbers as written on municipal sites: "021-39 00 00", "08-590 970 00",
# "+46 8 590 970 00", "12 34 56 78", "33 66 33 66", "09 310 11111", "+358 9 310 11111", "020 123 456".
PHONE = re.compile(
    r"(?<![\w+])(?:\+\s?(?:46|47|45|358|354)[\s-]?(?:\(0\))?\s?)?(?:\d[\d\s-]{5,14}\d)(?!\w)"
)
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# "8–16", "08.00–17.00", "9 till 15"; never the tail of a date such as 2026-03-02.
TIME_RANGE = re.compile(r"(?<![\d-])\d{1,2}(?:[.:]\d{2})?\s?(?:-|–|—|till|til|to)\s?\d{1,2}(?:[.:]\d{2})?(?![\d-])")
# A postcode ("123 45", "0150") or a street with its number ("Storgatan 12", "Kirkegata 3");
# matched on folded text, so case-insensitive.
POSTCODE_OR_STREET = re.compile(
    r"\b\d{3}\s?\d{2}\b|\b\d{4}\b|\b\w+(?:gatan|vagen|torget|gata|gate|gaten|gata|vei|veien|vej|vegen|tie|katu|plads|torg|torv)\s?\d+",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Channels:
    """Contact channels found, each with the text that shows it."""

    found: dict[str, str]
    hours: str
    topics: tuple[str, ...]

    @property
    def count(self) -> int:
        return len(self.found)


def _phone(text: str, vocab: Vocabulary) -> str:
    for m in PHONE.finditer(text):
        digits = re.sub(r"\D", "", m.group(0))
        if 6 <= len(digits) <= 13 and not _looks_like_date_or_year(m.group(0)):
            return m.group(0).strip()
    return ""


def _looks_like_date_or_year(s: str) -> bool:
    return bool(re.fullmatch(r"\s*(?:19|20)\d{2}\s*-\s*\d{1,2}\s*-\s*\d{1,2}\s*", s))


def _near(text: str, terms: tuple[str, ...], pattern: re.Pattern[str], window: int = 120) -> str:
    """A term followed within ``window`` characters by ``pattern`` (e.g. "öppettider ... 8-16")."""
    folded = fold(text)
    for term in terms:
        for m in re.finditer(rf"(?<!\w){re.escape(term)}", folded):
            tail = folded[m.start() : m.start() + window]
            hit = pattern.search(tail)
            if hit:
                return text[m.start() : m.start() + hit.end()] if len(text) == len(folded) else tail[: hit.end()]
    return ""


def find_channels(text: str, vocab: Vocabulary) -> Channels:
    found: dict[str, str] = {}
    phone = _phone(text, vocab)
    if phone:
        found["phone"] = phone
    email = EMAIL.search(text)
    if email:
        found["email"] = email.group(0)
    chat = find_terms(text, vocab.channels["chat"])
    if chat:
        found["chat"] = chat[0]
    form = find_terms(text, vocab.channels["form"])
    if form:
        found["form"] = form[0]
    address = _near(text, vocab.channels["address"], POSTCODE_OR_STREET)
    if address:
        found["address"] = address
    hours = _near(text, vocab.channels["hours"], TIME_RANGE)
    topics = find_terms(text, _all_topics(vocab))
    return Channels(found=found, hours=hours, topics=topics)


def _all_topics(vocab: Vocabulary) -> tuple[str, ...]:
    return vocab.terms("help_topics")
