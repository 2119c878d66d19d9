"""Find contact channels, opening hours and "what we help with" in a page's text (pure)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from audit.checks.people import names_in
from audit.criteria import Vocabulary
from audit.text import find_terms, fold

# Nordic phone numbers as written on municipal sites: "021-39 00 00", "08-590 970 00",
# "+46 8 590 970 00", "12 34 56 78", "33 66 33 66", "09 310 11111", "+358 9 310 11111", "020 123 456".
PHONE = re.compile(r"(?<![\w+])(?:\+\s?(?:46|47|45|358|354)[\s-]?(?:\(0\))?\s?)?(?:\d[\d\s-]{5,14}\d)(?!\w)")
EMAIL = re.compile(
    # Written out, or obfuscated against harvesters: "kontakt [at] kommun.se", "info(at)kommun(dot)fi".
    r"[\w.+-]+(?:@|\s?[\[({]\s?(?:at|ät|a)\s?[\])}]\s?)[\w-]+(?:(?:\.|\s?[\[({]\s?(?:dot|punkt|piste)\s?[\])}]\s?)[\w-]+)+",
    re.IGNORECASE,
)


@lru_cache(maxsize=16)
def time_range(words: tuple[str, ...]) -> re.Pattern[str]:
    """ "8–16", "08.00–17.00", "9 till 15" (words from the vocabulary); never the tail of a date
    such as 2026-03-02."""
    joined = "|".join(re.escape(w) for w in ("-", "–", "—", *words))
    return re.compile(rf"(?<![\d-])\d{{1,2}}(?:[.:]\d{{2}})?\s?(?:{joined})\s?\d{{1,2}}(?:[.:]\d{{2}})?(?![\d-])")


@lru_cache(maxsize=16)
def postcode_or_street(suffixes: tuple[str, ...]) -> re.Pattern[str]:
    """A postcode ("123 45", "0150") or a street with its number ("Storgatan 12", "Kirkegata 3",
    "Torvet 3");
    matched on folded text, so case-insensitive."""
    joined = "|".join(re.escape(s) for s in suffixes)
    return re.compile(rf"\b\d{{3}}\s?\d{{2}}\b|\b\d{{4}}\b|\b\w*(?:{joined})\s?\d+", re.IGNORECASE)


@dataclass(frozen=True)
class Channels:
    """Contact channels found, each with the text that shows it."""

    found: dict[str, str]
    hours: str
    topics: tuple[str, ...]

    @property
    def count(self) -> int:
        return len(self.found)


# Registry numbers written like phone numbers: a Swedish organisationsnummer (212000-2510) and a
# Finnish business id (Y-tunnus 0201256-6). Norwegian and Danish ones (944 000 111, CVR 29189846)
# look like any number and are recognised by the label in front of them.
_ORG_SHAPE = re.compile(r"^\s*(?:\d{6}-\d{4}|\d{7}-\d)\s*$")
_LABEL_WINDOW = 30  # characters before a number in which its label is looked for


def phone_numbers(text: str, vocab: Vocabulary) -> list[tuple[str, int]]:
    """Phone numbers in ``text`` with where they start, leaving out dates and registry numbers
    (organisation, CVR and business-id numbers, by their shape or by the label before them)."""
    out = []
    for m in PHONE.finditer(text):
        number = m.group(0)
        digits = re.sub(r"\D", "", number)
        if not 6 <= len(digits) <= 13 or _looks_like_date_or_year(number) or _ORG_SHAPE.match(number):
            continue
        if find_terms(_before(text, m.start()), vocab.terms("org_number")):
            continue
        out.append((number.strip(), m.start()))
    return out


def _before(text: str, start: int, window: int = _LABEL_WINDOW) -> str:
    """The words just before a number, back to the previous number: its label, if it has one."""
    return re.split(r"\d", text[max(0, start - window) : start])[-1]


def labelled_phone(text: str, labels: tuple[str, ...], vocab: Vocabulary) -> str:
    """The phone number that follows one of ``labels`` most closely (e.g. "Växel 021-39 00 00")."""
    best: tuple[int, str] | None = None
    for number, start in phone_numbers(text, vocab):
        before = fold(_before(text, start))
        found = find_terms(before, labels)
        if found:
            distance = len(before) - before.rfind(found[0])
            if best is None or distance < best[0]:
                best = (distance, number)
    return best[1] if best else ""


_CARD_WINDOW = 60  # characters before a number in which a staff member's name and title make it theirs


def _phone(text: str, vocab: Vocabulary) -> str:
    """The first phone number that is not a named staff member's own line ("Terje Lunde,
    Konsulent, Telefon 62 45 10 17" reaches Terje, not the service)."""
    for number, start in phone_numbers(text, vocab):
        before = _before(text, start, _CARD_WINDOW)
        staff = find_terms(before, vocab.terms("staff_role")) and names_in(before, vocab, frozenset())
        if not staff:
            return number
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
    address = _near(text, vocab.channels["address"], postcode_or_street(vocab.street_suffix))
    if address:
        found["address"] = address
    hours = _near(text, vocab.channels["hours"], time_range(vocab.time_range_word))
    return Channels(found=found, hours=hours, topics=help_topics(text, vocab))


def help_topics(text: str, vocab: Vocabulary) -> tuple[str, ...]:
    """The words in ``text`` that say what the service helps with."""
    return find_terms(text, vocab.terms("help_topics"))
