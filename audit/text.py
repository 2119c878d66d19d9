"""Text normalisation and vocabulary matching shared by the crawler's link ranking and the checks.

Matching works on *folded* text: lower case, diacritics removed, the Nordic letters that Unicode
does not decompose mapped by hand (æ->ae, ø->o, ß->ss), soft hyphens and zero-width characters
dropped and whitespace collapsed. A term matches at the start of a word and may be followed by
any word characters, so one stem covers inflections and compounds ("kontaktcenter" finds
"kontaktcentret"; "servicetorg" finds "servicetorget"; "asiakaspalvelu" finds "asiakaspalveluun").
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

_INVISIBLE = dict.fromkeys(map(ord, "\u00ad\u200b\u200c\u200d\u2060\ufeff"), None)
_NORDIC = str.maketrans({"æ": "ae", "ø": "o", "ß": "ss", "đ": "d", "ł": "l", "œ": "oe"})
_SPACE = re.compile(r"\s+")


def clean(text: str) -> str:
    """Drop invisible characters and collapse whitespace, keeping case and letters."""
    return _SPACE.sub(" ", text.translate(_INVISIBLE)).strip()


def fold(text: str) -> str:
    """Lower-case, strip diacritics and collapse whitespace, for matching only (never for display)."""
    # Short strings (link texts, terms) repeat across pages and are cached; page bodies are not,
    # so the cache never holds megabytes of text.
    return _fold_cached(text) if len(text) <= 256 else _fold(text)


@lru_cache(maxsize=65536)
def _fold_cached(text: str) -> str:
    return _fold(text)


def _fold(text: str) -> str:
    return _fold_chars(clean(text))


def _fold_chars(text: str) -> str:
    lowered = text.lower().translate(_NORDIC)
    decomposed = unicodedata.normalize("NFKD", lowered)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


@lru_cache(maxsize=4096)
def _pattern(terms: tuple[str, ...], whole_word: bool) -> re.Pattern[str]:
    # Terms are already folded. Spaces inside a term match any run of spaces or hyphens, so
    # "vatten och avfall" also finds "vatten- och avfall". A term ending in "$" ("nav$") matches
    # the whole word only, where a prefix would find unrelated words ("navn", "name").
    # Longest first: the first alternative that matches wins, and a shorter term listed first
    # ("kontakt") would otherwise hide a longer one ("kontakta oss").
    ordered = sorted((t for t in terms if t), key=len, reverse=True)
    alternatives = "|".join(_alternative(t, whole_word) for t in ordered)
    return re.compile(rf"(?<!\w)(?:{alternatives})")


def _alternative(term: str, whole_word: bool) -> str:
    exact = whole_word or term.endswith("$")
    body = re.escape(term.removesuffix("$")).replace(r"\ ", r"[\s-]+")
    return body + (r"(?!\w)" if exact else r"\w*")


def find_terms(text: str, terms: Iterable[str], *, whole_word: bool = False) -> tuple[str, ...]:
    """The distinct terms of ``terms`` found in ``text`` (as listed, i.e. folded), in term order.

    With ``whole_word`` a term must stand alone ("kontakt" does not match "kontaktcenter").
    """
    folded = fold(text)
    term_tuple = tuple(terms)
    if not folded or not term_tuple:
        return ()
    found: set[str] = set()
    for m in _pattern(term_tuple, whole_word).finditer(folded):
        word = m.group(0)
        found.update(t for t in term_tuple if _matches(word, t, whole_word))
    return tuple(t for t in term_tuple if t in found)


def _matches(word: str, term: str, whole_word: bool) -> bool:
    pattern = re.escape(term.removesuffix("$")).replace(r"\ ", r"[\s-]+")
    found = re.fullmatch(pattern, word) if whole_word or term.endswith("$") else re.match(pattern, word)
    return found is not None


def has_term(text: str, terms: Iterable[str], *, whole_word: bool = False) -> bool:
    return bool(find_terms(text, terms, whole_word=whole_word))


_LABEL_SEPARATOR = re.compile(r"\s+[–—-]\s+|:\s+|\s+\|\s+")


def label_and_tagline(text: str, tagline_words: Iterable[str] = ()) -> tuple[str, str]:
    """A link label split from its tagline: "Hagsjö Direkt – frågor och ärenden" gives
    ("Hagsjö Direkt", "frågor och ärenden"); a label without one gives (label, "").

    A tile whose name and description are two lines of one link reads as one run of words
    ("Borgertorvet Pas, kørekort og sundhedskort"): with ``tagline_words``, a name of up to three
    words followed by a line that starts with one of them is split there too."""
    parts = _LABEL_SEPARATOR.split(clean(text), maxsplit=1)
    if len(parts) == 2:
        return parts[0], parts[1]
    words = parts[0].split()
    starts = tuple(tagline_words)
    for cut in range(1, min(3, len(words) - 1) + 1):
        first = fold(words[cut]).strip(",.;:")
        if words[cut][:1].isupper() and starts and find_terms(first, starts, whole_word=True):
            return " ".join(words[:cut]), " ".join(words[cut:])
    return parts[0], ""


def snippet(text: str, around: str = "", size: int = 280) -> str:
    """A readable excerpt of ``text`` of about ``size`` characters, centred on ``around`` if found."""
    body = clean(text)
    if len(body) <= size:
        return body
    start = 0
    if around:
        pos = fold(body).find(fold(around))
        if pos >= 0:
            # Folding can lengthen the text (æ -> ae, ß -> ss), so map the position back to ``body``.
            folded_len, index = 0, 0
            while index < len(body) and folded_len < pos:
                folded_len += len(_fold_chars(body[index]))
                index += 1
            start = max(0, index - size // 3)
    excerpt = body[start : start + size]
    prefix = "…" if start > 0 else ""
    suffix = "…" if start + size < len(body) else ""
    return f"{prefix}{excerpt.strip()}{suffix}"


def _folded_with_positions(text: str) -> tuple[str, list[int]]:
    """``fold(text)`` and, for every folded character, the index of the character it came from."""
    out: list[str] = []
    where: list[int] = []
    space = True  # collapse runs of whitespace and drop leading ones, as fold() does
    for i, ch in enumerate(text.translate(_INVISIBLE)):
        if ch.isspace():
            if not space:
                out.append(" ")
                where.append(i)
            space = True
            continue
        space = False
        for f in _fold_chars(ch):
            out.append(f)
            where.append(i)
    while out and out[-1] == " ":
        out.pop()
        where.pop()
    return "".join(out), where


def as_written(text: str, terms: Iterable[str]) -> tuple[str, ...]:
    """The words of ``text`` that the (folded) ``terms`` matched, as the site wrote them:
    "frågor om" rather than "fragor om", "Kontaktcentret" rather than "kontaktcenter"."""
    cleaned = text.translate(_INVISIBLE)
    folded, where = _folded_with_positions(cleaned)
    out: list[str] = []
    for term in terms:
        m = _pattern((term,), False).search(folded)
        if m is None or m.end() == 0:
            out.append(term.removesuffix("$"))
            continue
        start, end = where[m.start()], where[m.end() - 1] + 1
        word = clean(cleaned[start:end])
        if word not in out:
            out.append(word)
    return tuple(out)
