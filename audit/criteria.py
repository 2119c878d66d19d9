"""Load ``criteria.yaml``: the checklist as data, validated strictly before anything runs.

The loader uses ``yaml.safe_load`` with a loader that keeps every scalar a string unless the schema
asks for a number, so YAML 1.1 surprises (``NO`` -> False, ``01234`` -> 668, ``1.10`` -> 1.1) cannot
change the vocabulary or the rubric version. Every problem is collected and reported at once.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from audit.errors import InputError, Problem
from audit.text import fold

CRITERION_IDS = ("entry_exists", "on_front_page", "easy_to_find", "explains_help", "responsible_person")
LANGUAGES = ("sv", "nb", "nn", "da", "fi", "en")
# Criterion texts must exist in every report language, so a report never mixes two languages.
UI_LANGUAGES = ("sv", "nb", "nn", "da", "fi", "en")
SOURCES = ("automatic", "automatic_or_phone", "phone")
MAX_BYTES = 1_000_000

# Vocabulary lists keyed by language; the others have their own shapes (see _VOCAB_SHAPES).
_PER_LANGUAGE = (
    "not_municipal",
    "org_number",
    "service_entry",
    "contact_link",
    "decoy",
    "switchboard",
    "help_topics",
    "responsible_role",
    "staff_role",
    "unclear_role",
    "accessibility_statement",
    "statement_feedback",
)
_CHANNELS = ("phone", "email", "chat", "form", "address", "hours")
_TOP_KEYS = {"rubric_version", "title", "criteria", "dependencies", "languages", "settings", "vocabulary"}
_CRITERION_KEYS = {"id", "weight", "source", "question", "passes_when", "advice"}
_SETTINGS_INT = ("min_font_px", "min_box_px", "max_depth", "person_page_depth", "snippet_chars", "first_sight_ms")
_SETTINGS_PAIR = ("viewport", "mobile_viewport")


@dataclass(frozen=True)
class Criterion:
    """One checklist point: its wording per language, weight and where its verdict comes from."""

    id: str
    weight: int
    source: str
    question: dict[str, str]
    passes_when: dict[str, str]
    advice: dict[str, str]

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "weight": self.weight,
            "source": self.source,
            "question": dict(self.question),
            "passes_when": dict(self.passes_when),
            "advice": dict(self.advice),
        }


@dataclass(frozen=True)
class Settings:
    viewport: tuple[int, int]
    mobile_viewport: tuple[int, int]
    min_font_px: int
    min_box_px: int
    max_depth: int
    person_page_depth: int
    snippet_chars: int
    first_sight_ms: int


@dataclass(frozen=True)
class Vocabulary:
    """Folded terms. ``terms(kind)`` merges every language, because bilingual sites mix them."""

    per_language: dict[str, dict[str, tuple[str, ...]]]
    channels: dict[str, tuple[str, ...]]
    news_path: tuple[str, ...]
    news_heading: tuple[str, ...]
    brand_hint: tuple[str, ...]
    company_form: tuple[str, ...]
    brand_tagline: tuple[str, ...]
    presenting: tuple[str, ...]
    browse_first: tuple[str, ...]
    service_index: tuple[str, ...]
    browse_never: tuple[str, ...]
    person_page_hint: tuple[str, ...]
    staff_page: tuple[str, ...]
    challenge_title: tuple[str, ...]
    street_suffix: tuple[str, ...]
    time_range_word: tuple[str, ...]
    news_class: tuple[str, ...]
    not_news_class: tuple[str, ...]
    month_name: tuple[str, ...]
    statement_href: tuple[str, ...]
    consent_banner: tuple[str, ...]
    consent_marker: tuple[str, ...]
    consent_least: tuple[tuple[str, ...], ...]
    consent_accept: tuple[str, ...]
    # The service's names per language as criteria.yaml writes them (for the report's method page).
    service_names: dict[str, tuple[str, ...]] = dataclasses.field(default_factory=dict, compare=False)
    # Merged term lists by kind, filled on first use (checks ask for them thousands of times).
    _merged: dict[str, tuple[str, ...]] = dataclasses.field(default_factory=dict, compare=False, repr=False)

    def for_languages(self, languages: tuple[str, ...]) -> Vocabulary:
        """The same vocabulary restricted to ``languages`` (the per-language lists only)."""
        key = (id(self), languages)
        hit = _NARROWED.get(key)
        if hit is not None and hit[0] is self:  # ids are reused after garbage collection
            return hit[1]
        per = {
            kind: {lang: words for lang, words in by_lang.items() if lang in languages}
            for kind, by_lang in self.per_language.items()
        }
        narrowed = dataclasses.replace(self, per_language=per, _merged={})
        _NARROWED[key] = (self, narrowed)
        return narrowed

    def derived(self, name: str, build: Callable[[Vocabulary], tuple[str, ...]]) -> tuple[str, ...]:
        """A term list a rule builds from this vocabulary, built once (rules ask for it per text block)."""
        key = f"derived:{name}"
        found = self._merged.get(key)
        if found is None:
            found = self._merged[key] = build(self)
        return found

    def terms(self, kind: str) -> tuple[str, ...]:
        merged = self._merged.get(kind)
        if merged is None:
            merged = self._merged[kind] = self._merge(kind)
        return merged

    def _merge(self, kind: str) -> tuple[str, ...]:
        seen: dict[str, None] = {}
        for words in self.per_language[kind].values():
            for w in words:
                seen.setdefault(w, None)
        # Longest first, so "kontakta oss" is preferred over "kontakt" when both match.
        return tuple(sorted(seen, key=len, reverse=True))


_NARROWED: dict[tuple[int, tuple[str, ...]], tuple[Vocabulary, Vocabulary]] = {}


@dataclass(frozen=True)
class Criteria:
    rubric_version: str
    title: str
    criteria: tuple[Criterion, ...]
    dependencies: dict[str, tuple[str, ...]]
    settings: Settings
    vocabulary: Vocabulary
    languages: dict[str, tuple[str, ...]]
    path: str = ""
    digest: str = ""  # sha256 of the file's bytes: which exact rubric a result was judged by

    def for_country(self, country: str) -> Criteria:
        """The rubric as it applies to one country's sites: that country's vocabularies only."""
        langs = self.languages.get(country.upper()) or self.languages["default"]
        return dataclasses.replace(self, vocabulary=self.vocabulary.for_languages(langs))

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(c.id for c in self.criteria)

    def criterion(self, criterion_id: str) -> Criterion:
        return next(c for c in self.criteria if c.id == criterion_id)


class _StringLoader(yaml.SafeLoader):
    """A safe loader that resolves only ints (for weights and settings), never bools or floats."""


# Drop YAML 1.1's implicit resolvers for bool, float, null-less oddities and timestamps;
# "NO", "01234" and "1.10" then stay strings. Ints without a leading zero still resolve.
_StringLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag == "tag:yaml.org,2002:int"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _construct_int(loader: yaml.SafeLoader, node: yaml.Node) -> Any:
    text = loader.construct_scalar(node)  # type: ignore[arg-type]
    if isinstance(text, str) and text.isdigit() and (text == "0" or not text.startswith("0")):
        return int(text)
    return text


_StringLoader.add_constructor("tag:yaml.org,2002:int", _construct_int)


def _refuse_alias(loader: yaml.SafeLoader, parent: Any, index: Any) -> Any:
    # Aliases (*name) let a 1 kB file expand to gigabytes (the "billion laughs"); the file needs none.
    if loader.check_event(yaml.AliasEvent):
        raise yaml.composer.ComposerError(None, None, "aliases (*name) are not allowed", loader.peek_event().start_mark)  # type: ignore[no-untyped-call]
    return yaml.SafeLoader.compose_node(loader, parent, index)


_StringLoader.compose_node = _refuse_alias  # type: ignore[assignment,method-assign]


def _refuse_duplicate_keys(loader: yaml.SafeLoader, node: yaml.MappingNode, deep: bool = False) -> Any:
    # YAML lets the last of two equal keys win silently; a rubric edited by hand must not.
    seen: dict[Any, int] = {}
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        line = key_node.start_mark.line + 1
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r} (first on line {seen[key]})", key_node.start_mark
            )
        seen[key] = line
    return yaml.SafeLoader.construct_mapping(loader, node, deep=deep)


def _mapping(loader: yaml.SafeLoader, node: yaml.Node) -> Any:
    assert isinstance(node, yaml.MappingNode)
    return _refuse_duplicate_keys(loader, node, deep=True)


_StringLoader.add_constructor("tag:yaml.org,2002:map", _mapping)


def load_criteria(path: Path) -> Criteria:
    """Read and validate ``path``; raise :class:`InputError` listing every problem found."""
    name = str(path)
    try:
        raw_bytes = path.read_bytes()
    except OSError as exc:
        raise InputError([Problem(name, f"cannot read the file ({exc.strerror})")]) from exc
    if len(raw_bytes) > MAX_BYTES:
        raise InputError([Problem(name, f"file is larger than {MAX_BYTES} bytes")])
    try:
        data = yaml.load(raw_bytes.decode("utf-8"), Loader=_StringLoader)  # noqa: S506 - safe subclass
    except (yaml.YAMLError, UnicodeDecodeError, RecursionError) as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise InputError([Problem(name, f"not valid YAML: {problem}", line)]) from exc
    problems: list[Problem] = []
    criteria = _parse(name, data, problems)
    if problems or criteria is None:
        raise InputError(problems or [Problem(name, "empty file")])
    return dataclasses.replace(criteria, digest=hashlib.sha256(raw_bytes).hexdigest())


def _parse(name: str, data: Any, problems: list[Problem]) -> Criteria | None:
    if not isinstance(data, dict):
        problems.append(Problem(name, "the top level must be a mapping"))
        return None
    _unknown_and_missing(name, "", data, _TOP_KEYS, _TOP_KEYS, problems)
    version = data.get("rubric_version")
    if "rubric_version" in data and (not isinstance(version, str) or not version):
        problems.append(Problem(name, 'must be a quoted string like "1.0"', field="rubric_version"))
    criteria = _parse_criteria(name, data.get("criteria"), problems)
    deps = _parse_dependencies(name, data.get("dependencies"), criteria, problems)
    settings = _parse_settings(name, data.get("settings"), problems)
    vocab = _parse_vocabulary(name, data.get("vocabulary"), problems)
    languages = _parse_languages(name, data.get("languages"), problems)
    if problems or settings is None or vocab is None:
        return None
    return Criteria(
        rubric_version=str(version),
        title=str(data.get("title", "")),
        criteria=tuple(criteria),
        dependencies=deps,
        settings=settings,
        vocabulary=vocab,
        languages=languages,
        path=name,
    )


def _parse_languages(name: str, raw: Any, problems: list[Problem]) -> dict[str, tuple[str, ...]]:
    if not isinstance(raw, dict) or "default" not in raw:
        problems.append(Problem(name, "must map country codes (and 'default') to language lists", field="languages"))
        return {}
    out: dict[str, tuple[str, ...]] = {}
    for country, langs in raw.items():
        key = str(country)
        if key != "default" and not (len(key) == 2 and key.isalpha() and key.isupper()):
            problems.append(Problem(name, "must be a two-letter country code or 'default'", field=f"languages.{key}"))
        elif not isinstance(langs, list) or not langs or any(lang not in LANGUAGES for lang in langs):
            problems.append(Problem(name, f"must be a list of {', '.join(LANGUAGES)}", field=f"languages.{key}"))
        else:
            out[key] = tuple(langs)
    return out


def _unknown_and_missing(
    name: str,
    where: str,
    data: dict[str, Any],
    allowed: set[str],
    required: set[str],
    problems: list[Problem],
) -> None:
    for key in sorted(set(map(str, data)) - allowed):
        problems.append(Problem(name, "unknown key", field=f"{where}{key}"))
    for key in sorted(required - set(map(str, data))):
        problems.append(Problem(name, "missing", field=f"{where}{key}"))


def _parse_criteria(name: str, raw: Any, problems: list[Problem]) -> list[Criterion]:
    if not isinstance(raw, list):
        problems.append(Problem(name, "must be a list of the five criteria", field="criteria"))
        return []
    out: list[Criterion] = []
    seen: set[str] = set()
    for i, item in enumerate(raw):
        criterion = _parse_criterion(name, f"criteria[{i}]", item, seen, problems)
        if criterion is not None:
            seen.add(criterion.id)
            out.append(criterion)
    for cid in CRITERION_IDS:
        if cid not in seen:
            problems.append(Problem(name, f"criterion {cid!r} is missing", field="criteria"))
    return out


def _parse_criterion(name: str, where: str, item: Any, seen: set[str], problems: list[Problem]) -> Criterion | None:
    if not isinstance(item, dict):
        problems.append(Problem(name, "must be a mapping", field=where))
        return None
    _unknown_and_missing(name, f"{where}.", item, _CRITERION_KEYS, _CRITERION_KEYS, problems)
    cid = item.get("id")
    if cid not in CRITERION_IDS or cid in seen:
        problems.append(
            Problem(name, f"{'duplicate' if cid in seen else 'unknown'} criterion id {cid!r}", field=f"{where}.id")
        )
        return None
    weight = item.get("weight")
    if not isinstance(weight, int) or weight < 1:
        problems.append(Problem(name, "must be a positive integer", field=f"{where}.weight"))
        weight = 1
    source = item.get("source")
    if source not in SOURCES:
        problems.append(Problem(name, f"must be one of {', '.join(SOURCES)}", field=f"{where}.source"))
    texts = {k: _texts(name, f"{where}.{k}", item.get(k), problems) for k in ("question", "passes_when", "advice")}
    return Criterion(str(cid), weight, str(source), texts["question"], texts["passes_when"], texts["advice"])


def _texts(name: str, where: str, raw: Any, problems: list[Problem]) -> dict[str, str]:
    if not isinstance(raw, dict):
        problems.append(Problem(name, "must map language codes to text", field=where))
        return {}
    out: dict[str, str] = {}
    for lang, text in raw.items():
        if lang not in LANGUAGES:
            problems.append(Problem(name, f"unknown language {lang!r}", field=f"{where}.{lang}"))
        elif not isinstance(text, str) or not text.strip():
            problems.append(Problem(name, "must be non-empty text", field=f"{where}.{lang}"))
        else:
            out[str(lang)] = text.strip()
    for lang in UI_LANGUAGES:
        if lang not in raw:
            problems.append(Problem(name, "missing language", field=f"{where}.{lang}"))
    return out


def _parse_dependencies(
    name: str, raw: Any, criteria: list[Criterion], problems: list[Problem]
) -> dict[str, tuple[str, ...]]:
    ids = {c.id for c in criteria}
    if not isinstance(raw, dict):
        problems.append(Problem(name, "must map a criterion id to the ids that depend on it", field="dependencies"))
        return {}
    out: dict[str, tuple[str, ...]] = {}
    for key, deps in raw.items():
        if key not in ids or not isinstance(deps, list) or any(not isinstance(d, str) or d not in ids for d in deps):
            problems.append(Problem(name, "must name known criterion ids", field=f"dependencies.{key}"))
            continue
        out[str(key)] = tuple(str(d) for d in deps)
    return out


def _parse_settings(name: str, raw: Any, problems: list[Problem]) -> Settings | None:
    keys = set(_SETTINGS_INT) | set(_SETTINGS_PAIR)
    if not isinstance(raw, dict):
        problems.append(Problem(name, "must be a mapping", field="settings"))
        return None
    _unknown_and_missing(name, "settings.", raw, keys, keys, problems)
    values: dict[str, Any] = {}
    for key in _SETTINGS_INT:
        v = raw.get(key)
        if not isinstance(v, int) or v < 0:
            problems.append(Problem(name, "must be a non-negative integer", field=f"settings.{key}"))
        values[key] = v
    for key in _SETTINGS_PAIR:
        v = raw.get(key)
        if not (isinstance(v, list) and len(v) == 2 and all(isinstance(n, int) and n > 0 for n in v)):
            problems.append(Problem(name, "must be [width, height] in pixels", field=f"settings.{key}"))
            v = [1, 1]
        values[key] = (v[0], v[1])
    if any(p.field and p.field.startswith("settings") for p in problems):
        return None
    return Settings(**values)


def _word_list(name: str, where: str, raw: Any, problems: list[Problem]) -> tuple[str, ...]:
    if not isinstance(raw, list) or not raw:
        problems.append(Problem(name, "must be a non-empty list of words", field=where))
        return ()
    words = []
    for i, w in enumerate(raw):
        if not isinstance(w, str) or not w.strip():
            problems.append(Problem(name, f"item {i} must be a non-empty string (quote it)", field=where))
            continue
        words.append(fold(w))
    return tuple(words)


# Plain word lists of the vocabulary (one list for every language), by key.
_SINGLE_LISTS = (
    "news_path",
    "news_heading",
    "brand_hint",
    "company_form",
    "brand_tagline",
    "presenting",
    "browse_first",
    "service_index",
    "browse_never",
    "person_page_hint",
    "staff_page",
    "challenge_title",
    "street_suffix",
    "time_range_word",
    "news_class",
    "not_news_class",
    "month_name",
    "statement_href",
)


def _parse_vocabulary(name: str, raw: Any, problems: list[Problem]) -> Vocabulary | None:
    keys = set(_PER_LANGUAGE) | set(_SINGLE_LISTS) | {"channels", "consent"}
    if not isinstance(raw, dict):
        problems.append(Problem(name, "must be a mapping", field="vocabulary"))
        return None
    _unknown_and_missing(name, "vocabulary.", raw, keys, keys, problems)
    consent = raw.get("consent")
    if not isinstance(consent, dict):
        problems.append(Problem(name, "must be a mapping", field="vocabulary.consent"))
        return None
    lists: dict[str, Any] = {
        key: _word_list(name, f"vocabulary.{key}", raw.get(key), problems) for key in _SINGLE_LISTS
    }
    entry = raw.get("service_entry")
    names = (
        {str(k): tuple(str(w) for w in v) for k, v in entry.items() if isinstance(v, list)}
        if isinstance(entry, dict)
        else {}
    )
    return Vocabulary(
        service_names=names,
        per_language=_per_language(name, raw, problems),
        channels=_channels(name, raw.get("channels"), problems),
        **lists,
        **_consent(name, consent, problems),
    )


def _per_language(name: str, raw: dict[str, Any], problems: list[Problem]) -> dict[str, dict[str, tuple[str, ...]]]:
    out: dict[str, dict[str, tuple[str, ...]]] = {}
    for kind in _PER_LANGUAGE:
        langs = raw.get(kind)
        if not isinstance(langs, dict):
            problems.append(Problem(name, "must map language codes to word lists", field=f"vocabulary.{kind}"))
            continue
        for lang in sorted(set(map(str, langs)) - set(LANGUAGES)):
            problems.append(Problem(name, "unknown language", field=f"vocabulary.{kind}.{lang}"))
        for lang in LANGUAGES:
            if lang not in langs:
                problems.append(Problem(name, "missing language", field=f"vocabulary.{kind}.{lang}"))
        out[kind] = {
            str(lang): _word_list(name, f"vocabulary.{kind}.{lang}", words, problems)
            for lang, words in langs.items()
            if lang in LANGUAGES
        }
    return out


def _channels(name: str, raw: Any, problems: list[Problem]) -> dict[str, tuple[str, ...]]:
    if not isinstance(raw, dict):
        problems.append(Problem(name, "must be a mapping of channel lists", field="vocabulary.channels"))
        return {}
    _unknown_and_missing(name, "vocabulary.channels.", raw, set(_CHANNELS), set(_CHANNELS), problems)
    return {c: _word_list(name, f"vocabulary.channels.{c}", raw.get(c), problems) for c in _CHANNELS}


def _consent(name: str, consent: dict[str, Any], problems: list[Problem]) -> dict[str, Any]:
    keys = {"banner", "marker", "least_consent", "accept"}
    _unknown_and_missing(name, "vocabulary.consent.", consent, keys, keys, problems)
    least_raw = consent.get("least_consent")
    least: tuple[tuple[str, ...], ...] = ()
    if isinstance(least_raw, list):
        least = tuple(
            _word_list(name, f"vocabulary.consent.least_consent[{i}]", tier, problems)
            for i, tier in enumerate(least_raw)
        )
    else:
        problems.append(Problem(name, "must be a list of word lists", field="vocabulary.consent.least_consent"))
    return {
        "consent_banner": _word_list(name, "vocabulary.consent.banner", consent.get("banner"), problems),
        "consent_marker": _word_list(name, "vocabulary.consent.marker", consent.get("marker"), problems),
        "consent_least": least,
        "consent_accept": _word_list(name, "vocabulary.consent.accept", consent.get("accept"), problems),
    }


def default_criteria_path() -> Path:
    """The criteria.yaml shipped with the package (a copy of the project's top-level file)."""
    return Path(__file__).with_name("criteria.yaml")
