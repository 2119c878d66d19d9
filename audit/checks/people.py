"""Find personal names tied to roles in short text blocks (pure).

A block such as "Enhetschef: Karin Lindqvist" or "Ola Nordmann, leder for servicetorget" ties a
name to a role. The role decides: a role of responsibility passes, a staff role (adviser, case
handler) does not, an unclear label ("Kontaktperson") needs a human to review it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from audit.criteria import Vocabulary
from audit.text import find_terms, fold

_UPPER = "A-ZÅÄÖÆØÉÜÁÍÓÚÑ"
_LOWER = "a-zåäöæøéüáíóúñß"
# Two or three capitalised words ("Karin Lindqvist", "Anne-Mette Holm", "Eva af Klint" is rare and
# missed). Surnames may carry a particle-free hyphen.
_WORD = rf"[{_UPPER}][{_LOWER}]+(?:-[{_UPPER}][{_LOWER}]+)?"
# A run of two or more capitalised words; titles at its ends are trimmed off in _names().
NAME_RUN = re.compile(rf"(?<![\w])({_WORD}(?:\s{_WORD})+)(?![\w])")


@dataclass(frozen=True)
class Person:
    name: str
    role: str
    kind: str  # "responsible", "staff" or "unclear"
    text: str


def _title_terms(vocab: Vocabulary) -> tuple[str, ...]:
    """Every word that marks a title or the service rather than a person's name."""
    return vocab.derived("title_terms", _build_title_terms)


def _build_title_terms(vocab: Vocabulary) -> tuple[str, ...]:
    return (
        vocab.terms("service_entry")
        + vocab.terms("responsible_role")
        + vocab.terms("staff_role")
        + vocab.terms("unclear_role")
        + vocab.terms("contact_link")
        + vocab.terms("decoy")
        + vocab.terms("switchboard")
        # "Öppettider Måndag", "Växel Växel": switchboard, contact and opening-hours words are labels.
        + tuple(w for w in channel_words(vocab) if len(w) >= 4)
    )


def channel_words(vocab: Vocabulary) -> tuple[str, ...]:
    """Every contact-channel word ("telefon", "e-post", "öppettider"): labels, never a name or a unit."""
    return tuple(w for words in vocab.channels.values() for w in words)


def _not_name_word(word: str, titles: tuple[str, ...], stop: frozenset[str]) -> bool:
    return fold(word) in stop or bool(find_terms(word, titles))


def _starts_with_title(text: str, titles: tuple[str, ...]) -> bool:
    """The text opens with a title of several words ("head of", "responsible for")."""
    folded = fold(text)
    return any(folded.startswith(t) for t in titles if " " in t)


def _names(text: str, vocab: Vocabulary, stop: frozenset[str]) -> list[str]:
    """Runs of capitalised words, trimmed of titles and service words at either end.

    "Annika Persson Enhetschef", "Enhetschef Annika Persson" and "Laura Heikkinen Customer
    Service Manager" all give the person's name; a run with a title in the middle is no name.
    """
    titles = _title_terms(vocab)  # once per block, not once per word
    out = []
    for m in NAME_RUN.finditer(text):
        words = m.group(1).split()
        while words and _not_name_word(words[0], titles, stop):
            words.pop(0)
        # Cut at the first word from which the text reads as a title: "Customer Service Manager",
        # or "Head of Customer Service" where the lower-case "of" ended the run after "Head".
        starts = [m.start(1) + off.start() for off in re.finditer(r"\S+", m.group(1))][-len(words) :] if words else []
        for i in range(2, len(words)):
            rest = text[starts[i] : starts[i] + 40]
            if (
                _not_name_word(" ".join(words[i:]), titles, stop)
                or _not_name_word(words[i], titles, stop)
                or _starts_with_title(rest, titles)
            ):
                words = words[:i]
                break
        if (
            2 <= len(words) <= 3
            and not any(_not_name_word(w, titles, stop) for w in words)
            and not _not_name_word(" ".join(words), titles, stop)
        ):
            out.append(" ".join(words))
    return out


def names_in(text: str, vocab: Vocabulary, stop: frozenset[str]) -> list[str]:
    """The personal names written in ``text`` (titles and service words trimmed off)."""
    return _names(text, vocab, stop)


def _role_positions(
    folded: str, terms: tuple[str, ...], kind: str, *, whole_word: bool = False
) -> list[tuple[int, str, str]]:
    """Where role words occur. Titles are compounds ("kontaktcenterchef", "verksamhetsansvarig",
    "asiakaspalvelupaallikko"), so a role may end a longer word unless ``whole_word``."""
    out: list[tuple[int, str, str]] = []
    for term in terms:
        # Every match holds the term's first word as written, so a term whose first word is not
        # in the text is passed over without running its pattern.
        if term.split(" ", 1)[0] in folded:
            out.extend((m.start(), term, kind) for m in _role_pattern(term, whole_word).finditer(folded))
    return out


@lru_cache(maxsize=4096)
def _role_pattern(term: str, whole_word: bool) -> re.Pattern[str]:
    head = r"(?<!\w)" if whole_word else r"(?<!\w)\w*?"
    tail = r"(?!\w)" if whole_word else r"\w*"
    return re.compile(head + re.escape(term).replace(r"\ ", r"[\s-]+") + tail)


def _distance(role: tuple[int, str, str], start: int, end: int) -> tuple[int, int]:
    """Characters between a role word and a name, before ("Enhetschef: Karin") or after ("Karin
    Lind, enhetschef"); on a tie a staff title wins over responsibility, which wins over unclear."""
    pos, term, kind = role
    gap = start - (pos + len(term)) if pos < start else pos - end
    return (max(gap, 0), {"staff": 0, "responsible": 1, "unclear": 2}[kind])


def people_in(text: str, vocab: Vocabulary, stop: frozenset[str]) -> list[Person]:
    """Every name in ``text`` with the role written nearest to it.

    Nearest, because a block can hold two people ("Enhetschef Karin Lind. Kommunvägledare Anna
    Berg") and a role word can describe the service rather than the person ("palveluneuvoja Mikko
    Virtanen, asiakaspalvelun esimies Liisa Laine").
    """
    names = _names(text, vocab, stop)
    if not names:
        return []
    folded = fold(text)
    roles = (
        _role_positions(folded, vocab.terms("responsible_role"), "responsible")
        + _role_positions(folded, vocab.terms("staff_role"), "staff")
        + _role_positions(folded, vocab.terms("unclear_role"), "unclear", whole_word=True)
    )
    if not roles:
        return []
    out = []
    for name in names:
        at = folded.find(fold(name))
        end = at + len(name)
        # A role word inside the name itself ("Schefer" holds "chef") is no role.
        outside = [r for r in roles if not at <= r[0] < end]
        if not outside:
            continue
        pos, term, kind = min(outside, key=lambda role: _distance(role, at, end))
        out.append(Person(name, term, kind, text))
    return out
