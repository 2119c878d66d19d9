"""Text normalisation and vocabulary matching shared by the crawler's link ranking and the checks.

Matching works on *folded* text: lower case, diacritics removed, the Nordic letters that Unicode
does not decompose mapped by hand (æ->ae, ø->o, ß->ss), soft hyphens and zero-width characters
dropped and whitespace collapsed. A term matches at the start of a word and may be followed by
any word characters, so one stem covers inflections and compounds ("kundtjänst" finds
"kundtjänsten"; "servicetorg" finds "servicetorget"; "asiakaspalvelu" finds "asiakaspalveluun").
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

# str.translate looks every character up in a dict, slow on a page of text; these few characters
# are found and replaced by regular expressions instead, which run at C speed.
_INVISIBLE = re.compile("[\u00ad\u200b\u200c\u200d\u2060\ufeff]")
_NORDIC_LETTERS = {"æ": "ae", "ø": "o", "ß": "ss", "đ": "d", "ł": "l", "œ": "oe"}
_NORDIC = re.compile("[" + "".join(_NORDIC_LETTERS) + "]")
_SPACE = re.compile(r"\s+")


def _visible(text: str) -> str:
    return _INVISIBLE.sub("", text)


def clean(text: str) -> str:
    """Drop invisible characters and collapse whitespace, keeping case and letters."""
    return _SPACE.sub(" ", _visible(text)).strip()


def fold(text: str) -> str:
    """Lower-case, strip diacritics and collapse whitespace, for matching only (never for display)."""
    # Short strings (link texts, terms) repeat across pages and are cached in number. A page's
    # text is folded by many rules while its site is judged, so the last few are kept too; a
    # small bound keeps that cache to a few pages' worth of text.
    return _fold_cached(text) if len(text) <= 256 else _fold_page(text)


@lru_cache(maxsize=65536)
def _fold_cached(text: str) -> str:
    return _fold(text)


@lru_cache(maxsize=16)
def _fold_page(text: str) -> str:
    return _fold(text)


def _fold(text: str) -> str:
    return _fold_chars(clean(text))


def _fold_chars(text: str) -> str:
    lowered = text.lower()
    if lowered.isascii():  # nothing to decompose and no marks to drop
        return lowered
    lowered = _NORDIC.sub(lambda m: _NORDIC_LETTERS[m.group()], lowered)
    decomposed = unicodedata.normalize("NFKD", lowered)
    marks = frozenset(ch for ch in set(decomposed) if not ch.isascii() and unicodedata.combining(ch))
    return _strip_marks(marks).sub("", decomposed) if marks else decomposed


@lru_cache(maxsize=256)
def _strip_marks(marks: frozenset[str]) -> re.Pattern[str]:
    # One character class of the marks this text holds: a regex pass runs at C speed, where
    # testing every character in Python is most of the cost of folding a page.
    return re.compile("[" + "".join(re.escape(m) for m in sorted(marks)) + "]")


@lru_cache(maxsize=4096)
def _fold_char(ch: str) -> str:
    return _fold_chars(ch)


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
    term_tuple = terms if isinstance(terms, tuple) else tuple(terms)
    if len(text) <= 256:  # link texts and headings, asked about again on every page of a site
        return _find_in_short(text, term_tuple, whole_word)
    return _find(fold(text), term_tuple, whole_word)


@lru_cache(maxsize=32768)
def _find_in_short(text: str, terms: tuple[str, ...], whole_word: bool) -> tuple[str, ...]:
    return _find(fold(text), terms, whole_word)


def _find(folded: str, terms: tuple[str, ...], whole_word: bool) -> tuple[str, ...]:
    if not folded or not terms:
        return ()
    found: set[str] = set()
    for m in _pattern(terms, whole_word).finditer(folded):
        found.update(_terms_of_word(m.group(0), terms, whole_word))
    return tuple(t for t in terms if t in found)


@lru_cache(maxsize=16384)
def _terms_of_word(word: str, terms: tuple[str, ...], whole_word: bool) -> tuple[str, ...]:
    """Every term that ``word`` (one match of the alternation) matches, not only the first."""
    return tuple(t for t in terms if _matches(word, t, whole_word))


def _matches(word: str, term: str, whole_word: bool) -> bool:
    pattern = _term_pattern(term)
    found = pattern.fullmatch(word) if whole_word or term.endswith("$") else pattern.match(word)
    return found is not None


@lru_cache(maxsize=4096)
def _term_pattern(term: str) -> re.Pattern[str]:
    return re.compile(re.escape(term.removesuffix("$")).replace(r"\ ", r"[\s-]+"))


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
                folded_len += len(_fold_char(body[index]))
                index += 1
            start = max(0, index - size // 3)
    excerpt = body[start : start + size]
    prefix = "…" if start > 0 else ""
    suffix = "…" if start + size < len(body) else ""
    return f"{prefix}{excerpt.strip()}{suffix}"


# A run of whitespace, a run of printable ASCII (which folds to itself in lower case, one
# character for one), or any other single character (folded on its own).
_RUNS = re.compile(r"(\s+)|([!-~]+)|(.)", re.DOTALL)


@lru_cache(maxsize=16)
def _folded_with_positions(text: str) -> tuple[str, tuple[int, ...]]:
    """``fold(text)`` and, for every folded character, the index of the character it came from.

    Kept for the last few texts: the evidence of several verdicts quotes the same page."""
    out: list[str] = []
    where: list[int] = []
    after_space = True  # leading whitespace is dropped and a run inside becomes one space, as in fold()
    for m in _RUNS.finditer(_visible(text)):
        space, ascii_run, other = m.groups()
        at = m.start()
        if space is not None:
            if not after_space:
                out.append(" ")
                where.append(at)
            after_space = True
            continue
        after_space = False
        if ascii_run is not None:
            out.append(ascii_run.lower())
            where.extend(range(at, m.end()))
        else:
            folded = _fold_char(other)
            out.append(folded)
            where.extend([at] * len(folded))
    joined = "".join(out).rstrip(" ")
    return joined, tuple(where[: len(joined)])


def as_written(text: str, terms: Iterable[str]) -> tuple[str, ...]:
    """The words of ``text`` that the (folded) ``terms`` matched, as the site wrote them:
    "frågor om" rather than "fragor om", "Kundtjänsten" rather than "kundtjanst"."""
    cleaned = _visible(text)
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
