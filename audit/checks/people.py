"""Find personal names tied to roles in short text blocks (pure).

A block such as "Enhetschef: Karin Lindqvist" or "Ola Nordmann, leder for servicetorget" ties a
name to a role. The role decides: a role of responsibility passes, a staff role (adviser, case
handler) does not, an unclear label ("Kontaktperson") needs a human to review it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from audit.criteria import Vocabulary
from audit.text import find_terms, fold

_UPPER = "A-ZÅÄÖÆØÉÜÁÍÓÚÑ"
_LOWER = "a-zåäöæøéüáíóúñß"
# Two or three capitalised words ("Karin Lindqvist", "Anne-Mette Holm", "Eva af Klint" is rare and
# missed). Surnames may carry a particle-free hyphen.
NAME = re.compile(
    rf"(?<![\w])([{_UPPER}][{_LOWER}]+(?:-[{_UPPER}][{_LOWER}]+)?(?:\s[{_UPPER}][{_LOWER}]+(?:-[{_UPPER}][{_LOWER}]+)?){{1,2}})(?![\w])"
)


@dataclass(frozen=True)
class Person:
    name: str
    role: str
    kind: str  # "responsible", "staff" or "unclear"
    text: str


def _is_name(candidate: str, vocab: Vocabulary, stop: frozenset[str]) -> bool:
    words = [fold(w) for w in re.split(r"[\s-]", candidate)]
    if any(w in stop for w in words):
        return False
    every_term = (
        vocab.terms("service_entry") + vocab.terms("responsible_role") + vocab.terms("staff_role")
        + vocab.terms("unclear_role") + vocab.terms("contact_link") + vocab.terms("decoy")
    )
    return not find_terms(candidate, every_term)


def people_in(text: str, vocab: Vocabulary, stop: frozenset[str]) -> list[Person]:
    """Every name in ``text`` with the role it is tied to (the strongest role found in the block)."""
    names = [m.group(1) for m in NAME.finditer(text) if _is_name(m.group(1), vocab, stop)]
    if not names:
        return []
    responsible = find_terms(text, vocab.terms("responsible_role"))
    staff = find_terms(text, vocab.terms("staff_role"))
    unclear = find_terms(text, vocab.terms("unclear_role"), whole_word=True)
    # A staff title that merely contains a responsibility stem ("kundtjänstmedarbetare" has no
    # "chef", but "kommunvägledare" contains "ledare") must not count as responsibility.
    responsible = tuple(r for r in responsible if not any(r in s and r != s for s in staff))
    out = []
    for name in names:
        if responsible:
            out.append(Person(name, responsible[0], "responsible", text))
        elif staff:
            out.append(Person(name, staff[0], "staff", text))
        elif unclear:
            out.append(Person(name, unclear[0], "unclear", text))
    return out
