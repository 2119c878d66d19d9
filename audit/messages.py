"""Sentences about a site, made from reason codes in the reader's language.

Checks, scoring and failures return a :class:`~audit.models.Reason` (a code and parameters);
``messages.yaml`` holds one template per code and language (sv, nb, nn, da, fi, en), like
Lighthouse's UIStrings. A template's ``{name}`` is filled from the parameters:

- text and numbers are shown as they are (site text is shown as the site wrote it);
- a list is joined with commas;
- a nested reason (``{"code": ..., "params": ...}``) becomes its own sentence or phrase;
- ``{"word": "channel.phone", "value": "021-39 00 00"}`` becomes a word of the ``words`` table,
  followed by the value in brackets.

The file is read with ``safe_load`` and checked at load time: every code and word has every
language, and every language's template uses the same placeholders as the English one.
"""

from __future__ import annotations

import re
from functools import cache
from importlib import resources
from typing import Any

from audit.errors import AuditError
from audit.models import Reason
from audit.yamlfile import safe_load

LANGUAGES = ("en", "sv", "nb", "nn", "da", "fi")
_FIELD = re.compile(r"\{(\w+)\}")


class _Messages:
    def __init__(self, data: dict[str, Any]) -> None:
        self.reasons: dict[str, dict[str, str]] = data["reasons"]
        self.words: dict[str, dict[str, str]] = data["words"]

    def render(self, item: Reason | dict[str, Any] | str | None, lang: str) -> str:
        if item is None:
            return ""
        if isinstance(item, str):
            return item  # free text (see models._decoder)
        code, params = (
            (item.code, item.params) if isinstance(item, Reason) else (item["code"], item.get("params") or {})
        )
        templates = self.reasons.get(code)
        if templates is None:
            return code  # a code this version does not know (a newer run): shown, never a crash
        template = templates.get(lang) or templates["en"]
        return _FIELD.sub(lambda m: self._value(params.get(m.group(1), ""), lang), template)

    def word(self, key: str, lang: str) -> str:
        entry = self.words.get(key)
        return (entry.get(lang) or entry["en"]) if entry else key

    def _value(self, value: Any, lang: str) -> str:
        if isinstance(value, dict) and "code" in value:
            return self.render(value, lang)
        if isinstance(value, dict) and "word" in value:
            word = self.word(str(value["word"]), lang)
            return f"{word} ({value['value']})" if value.get("value") else word
        if isinstance(value, (list, tuple)):
            return ", ".join(self._value(v, lang) for v in value)
        return str(value)


def check_messages(data: Any) -> dict[str, Any]:
    """Validate the messages file; raise AuditError naming every problem."""
    problems: list[str] = []
    if (
        not isinstance(data, dict)
        or not isinstance(data.get("reasons"), dict)
        or not isinstance(data.get("words"), dict)
    ):
        raise AuditError("messages.yaml must map 'reasons' and 'words' to tables")
    for table in ("reasons", "words"):
        for key, entry in data[table].items():
            if not isinstance(entry, dict):
                problems.append(f"{table}.{key}: must map languages to text")
                continue
            missing = [lang for lang in LANGUAGES if not isinstance(entry.get(lang), str) or not entry[lang].strip()]
            if missing:
                problems.append(f"{table}.{key}: missing {', '.join(missing)}")
                continue
            fields = set(_FIELD.findall(entry["en"]))
            for lang in LANGUAGES[1:]:
                if set(_FIELD.findall(entry[lang])) != fields:
                    problems.append(f"{table}.{key}.{lang}: placeholders differ from en ({', '.join(sorted(fields))})")
    if problems:
        raise AuditError("messages.yaml: " + "; ".join(problems))
    return data


@cache
def messages() -> _Messages:
    text = resources.files("audit").joinpath("messages.yaml").read_text(encoding="utf-8")
    return _Messages(check_messages(safe_load(text)))


def render(item: Reason | dict[str, Any] | str | None, lang: str = "en") -> str:
    """The sentence for a reason (or its JSON form) in ``lang``; English when a language is missing."""
    return messages().render(item, lang)


def word(key: str, lang: str = "en") -> str:
    return messages().word(key, lang)


def known(code: str) -> bool:
    """Whether ``code`` has templates (optional messages, such as advice for one obstacle)."""
    return code in messages().reasons
