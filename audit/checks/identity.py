"""Is the homepage the municipality's own site? (pure)

The rubric sets apart a homepage that is not the municipality's own: a parked or "domain for sale"
page, a hosting provider's default page, or a site that nowhere names the municipality. Such a
site is not scored and not ranked; the listed address is stale and the list needs correcting.
"""

from __future__ import annotations

import re

from audit.criteria import Criteria
from audit.models import Reason, SiteSnapshot, reason
from audit.text import as_written, find_terms, fold

_GENERIC = frozenset(
    {
        "kommun",
        "kommune",
        "kommunen",
        "kunta",
        "kaupunki",
        "stad",
        "herred",
        "municipality",
        "city",
        "town",
        "landskommun",
        "bykommune",
        "kaupungin",
        "kunnan",
    }
)


def name_stem(name: str) -> str:
    """The part of a municipality's name that its site will use in every inflection.

    "Lövstrands kommun" gives "lovstra", "Lohirannan kaupunki" (genitive of Lohiranta) "lohiran",
    "Pilvikosken kunta" "pilviko": a prefix, because the site writes the name in other cases.
    """
    words = [w for w in re.split(r"[\s\-]+", fold(name)) if w and w not in _GENERIC]
    if not words:
        return ""
    word = words[0]
    keep = len(word) - 3 if len(word) >= 7 else len(word) - 1 if len(word) >= 5 else len(word)
    return word[:keep]


def name_stems(name: str) -> tuple[str, ...]:
    """A stem for each language's form of a bilingual name ("Strandby kommun – Rantakylän kunta")."""
    return tuple(s for s in (name_stem(part) for part in re.split(r"\s[–/|]\s|\s-\s", name)) if s)


def names_municipality(site: SiteSnapshot) -> bool:
    """Some page of the site names the municipality (title, text, or an image's text).

    A self-check run without a name (its "name" is the address) has no name to look for.
    """
    if "://" in site.municipality.name:
        return True
    stems = name_stems(site.municipality.name)
    if not stems:
        return True
    # A host name ("sjotorp.se" on a parked page) names a domain, not the municipality.
    pattern = re.compile(r"(?<!\w)(?:" + "|".join(re.escape(s) for s in stems) + r")(?!\w*\.[a-z]{2,}(?!\w))")
    for page in site.pages:
        if pattern.search(fold(page.title)) or pattern.search(fold(page.text[:50_000])):
            return True
        if any(pattern.search(fold(e.name)) for e in page.elements if e.name):
            return True
    return False


def foreign_site(site: SiteSnapshot, criteria: Criteria) -> Reason | None:
    """Why the homepage is not the municipality's own site, or None."""
    home = site.homepage
    vocab = criteria.for_country(site.municipality.country).vocabulary
    text = f"{home.title} {home.text[:5000]}"
    parked = find_terms(text, vocab.terms("not_municipal"))
    if parked:
        return reason("failure.parked", words=list(as_written(text, parked[:1])))
    if not names_municipality(site):
        return reason("failure.never_named", name=site.municipality.name)
    return None
