"""What makes a page the service page: one definition, used by the crawler and the checks (pure)."""

from __future__ import annotations

import re

from audit.criteria import Vocabulary
from audit.models import PageSnapshot
from audit.news import is_news_item, is_news_page
from audit.text import find_terms, fold


def service_terms(text: str, vocab: Vocabulary) -> tuple[str, ...]:
    """The service-entry words in ``text``."""
    return find_terms(text, vocab.terms("service_entry"))


def is_service_page(page: PageSnapshot, vocab: Vocabulary) -> tuple[str, ...]:
    """The words by which the page's title or a heading names the service ('' when it does not)."""
    if page.depth > 0 and is_news_page(page, vocab):
        return ()
    headings = [h.text for h in page.headings if h.level <= 3 and not is_news_item(h)]
    for text in [page.title if page.depth > 0 else "", *headings]:
        terms = service_terms(text, vocab)
        if terms and not find_terms(text, vocab.terms("decoy")):
            return terms
    return ()


def presents_as_service(label: str, page: PageSnapshot, vocab: Vocabulary) -> tuple[str, ...]:
    """The service words by which ``page`` presents ``label`` as the service, or ().

    A local brand ("KomIn", "Torget", "Servicepunkten") counts when the page it leads to says what
    it is: the title, a main heading or a sentence of the introduction starts with the label and
    names the service right after it ("KomIn – kommunens medborgarkontor", "Torget er kommunens
    servicetorg"). Whether the heading names the service too does not matter.
    """
    brand = fold(label)
    if not brand or len(brand.split()) > 4:
        return ()
    intro = (page.main_text or page.text)[:800]
    texts = [page.title, *(h.text for h in page.headings if h.level <= 2), *re.split(r"(?<=[.!?])\s+", intro)]
    for text in texts:
        folded = fold(text)
        at = re.search(rf"(?<!\w){re.escape(brand)}(?!\w)", folded)
        if at is None or at.start() > 30:
            continue
        after = text[at.end() : at.end() + 90] if len(folded) == len(text) else folded[at.end() : at.end() + 90]
        terms = service_terms(after, vocab)
        if terms and not find_terms(text, vocab.terms("decoy")):
            return terms
    return ()


