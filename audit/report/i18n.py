"""Interface strings of the report in sv, nb, nn, da, fi and en, loaded from ``i18n.yaml``.

Every language must define every key with the same ``{placeholders}``; :func:`load_strings`
refuses a file that does not, so a page can never show a missing or half-translated label.
Looking up a key that does not exist raises ``KeyError`` (a bug, caught by the tests).
"""

from __future__ import annotations

import string
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

from audit.errors import AuditError
from audit.yamlfile import safe_load

LANGUAGES = ("sv", "nb", "nn", "da", "fi", "en")
DEFAULT_LANGUAGE = "en"
# "no" (Norwegian without a written standard) is read as Bokmål; Nynorsk is "nn".
_ALIASES = {"no": "nb"}


@dataclass(frozen=True)
class Strings:
    """The UI strings of one language; call it with a key (and placeholder values) to get text."""

    lang: str
    table: dict[str, str]

    def __call__(self, key: str, **values: object) -> str:
        template = self.table[key]
        return template.format(**values) if values else template

    def plural(self, key: str, count: int, **values: object) -> str:
        """``key`` for counts other than one, ``key_one`` for exactly one."""
        return self(f"{key}_one" if count == 1 else key, count=count, **values)

    def get(self, key: str, default: str) -> str:
        """The string for ``key``, or ``default`` for keys that data may name (criterion ids)."""
        return self.table.get(key, default)

    def number(self, value: float, decimals: int = 1) -> str:
        """``value`` with ``decimals`` decimals and the language's decimal mark (2.4 / 2,4)."""
        text = f"{value:.{decimals}f}"
        return text if self.lang == "en" else text.replace(".", ",")

    def percent(self, share: float) -> str:
        """A share in 0..1 as a whole percentage; Nordic style puts a no-break space before %."""
        whole = f"{round(share * 100)}"
        return f"{whole}%" if self.lang == "en" else f"{whole}\u00a0%"


def resolve_language(requested: str | None, run_language: object) -> str:
    """The report language: ``requested`` if given (must be supported), else the run's, else en."""
    if requested is not None:
        if requested not in LANGUAGES:
            raise AuditError(f"unsupported report language {requested!r}; choose one of {', '.join(LANGUAGES)}")
        return requested
    if isinstance(run_language, str):
        lang = _ALIASES.get(run_language, run_language)
        if lang in LANGUAGES:
            return lang
    return DEFAULT_LANGUAGE


def strings_for(lang: str) -> Strings:
    """The :class:`Strings` of a supported language."""
    return Strings(lang, load_strings()[lang])


@lru_cache(maxsize=1)
def load_strings() -> dict[str, dict[str, str]]:
    """Parse and check ``i18n.yaml``: every language, every key, the same placeholders."""
    raw = resources.files("audit.report").joinpath("i18n.yaml").read_text(encoding="utf-8")
    return check_strings(safe_load(raw))


def check_strings(data: Any) -> dict[str, dict[str, str]]:
    """Validate a parsed i18n mapping ``{lang: {key: text}}``; raise AuditError listing problems."""
    if not isinstance(data, dict):
        raise AuditError("i18n.yaml: expected a mapping of languages")
    problems: list[str] = []
    reference = data.get(DEFAULT_LANGUAGE)
    if not isinstance(reference, dict):
        raise AuditError("i18n.yaml: the 'en' section is missing")
    for lang in LANGUAGES:
        table = data.get(lang)
        if not isinstance(table, dict):
            problems.append(f"language {lang!r} is missing")
            continue
        problems.extend(_compare_table(lang, table, reference))
    if problems:
        raise AuditError("i18n.yaml: " + "; ".join(problems))
    return {lang: {str(k): str(v) for k, v in data[lang].items()} for lang in LANGUAGES}


def _compare_table(lang: str, table: dict[Any, Any], reference: dict[Any, Any]) -> list[str]:
    problems = [f"{lang}: missing key {k!r}" for k in reference if k not in table]
    problems += [f"{lang}: unknown key {k!r}" for k in table if k not in reference]
    for key, text in table.items():
        if not isinstance(text, str) or not text.strip():
            problems.append(f"{lang}: {key!r} must be non-empty text")
        elif key in reference and _fields(text) != _fields(str(reference[key])):
            problems.append(f"{lang}: {key!r} has placeholders that differ from en")
    return problems


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}
