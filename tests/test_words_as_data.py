"""Words are data: every sentence code has a template in every language, and every entry of the
YAML files is read by the code (nothing dead, nothing missing)."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest
import yaml

from audit.criteria import Vocabulary, default_criteria_path, load_criteria
from audit.failures import _NET_CODES
from audit.messages import LANGUAGES, messages, render
from audit.models import SiteStatus

AUDIT = Path(__file__).resolve().parents[1] / "audit"
SOURCES = list(AUDIT.rglob("*.py")) + list(AUDIT.rglob("*.js"))
CODE = "\n".join(p.read_text(encoding="utf-8") for p in SOURCES)
TEMPLATES = "\n".join(p.read_text(encoding="utf-8") for p in (AUDIT / "report" / "templates").glob("*.html"))

# Codes built at run time from a family and a value.
_DYNAMIC = {
    "failure.net.": {status.value for _, status, _ in _NET_CODES},
    "note.found_by.": {"heading", "brand"},
    "note.found_as.": {"link", "accessible_name", "contact_link", "block", "brand", "card", "mention"},
}


def _literal_codes() -> set[str]:
    return set(re.findall(r"""reason\(\s*["']([a-z_][a-z_.]*)["']""", CODE)) | set(
        re.findall(
            r"""["']((?:front|note|person|help|doubt|entry|decoy|easy|failure|phone|obstacle)\.[a-z_.]+)["']""", CODE
        )
    )


def _used_codes() -> set[str]:
    used = _literal_codes() | {"doubt", "text"}
    for family, values in _DYNAMIC.items():
        used |= {family + v.replace(" ", "_") for v in values}
    # The report gives the advice for the very obstacle that failed easy_to_find.
    used |= {f"advice.{c}" for c in used if c.startswith("obstacle.")}
    return {c for c in used if not c.endswith(".")}


def test_every_code_the_code_uses_has_a_sentence_in_every_language() -> None:
    known = messages().reasons
    missing = sorted(c for c in _used_codes() if c not in known)
    assert missing == []
    for code in _used_codes():
        for lang in LANGUAGES:
            assert known[code][lang].strip(), (code, lang)


def test_every_sentence_in_messages_is_used_by_the_code() -> None:
    unused = sorted(set(messages().reasons) - _used_codes())
    assert unused == []


def test_every_word_of_messages_is_used() -> None:
    words = set(messages().words)
    statuses = {f"{kind}.{s.value}" for s in SiteStatus for kind in ("status", "fix")}
    regions = {f"region.{r}" for r in ("header", "nav", "main", "aside", "footer", "page")}
    channels = {f"channel.{c}" for c in ("phone", "email", "chat", "form", "address")}
    lacking = {f"statement.missing.{m}" for m in ("date", "feedback", "both")}
    assert words == statuses | regions | channels | lacking
    assert all(
        f'"{kind}.' in CODE or f"'{kind}." in CODE or f'f"{kind}.' in CODE
        for kind in ("status", "fix", "region", "channel", "statement.missing")
    )


def test_every_vocabulary_list_of_criteria_yaml_is_read_by_the_code() -> None:
    vocab = load_criteria(default_criteria_path()).vocabulary
    outside = "\n".join(p.read_text(encoding="utf-8") for p in SOURCES if p.name != "criteria.py")
    for field in dataclasses.fields(Vocabulary):
        if field.name.startswith("_") or field.name == "per_language":
            continue
        assert re.search(rf"\b{field.name}\b", outside), f"vocabulary.{field.name} is never read"
    for kind in vocab.per_language:
        assert f'"{kind}"' in outside, f"vocabulary.{kind} is never read"


def test_every_interface_string_is_used() -> None:
    data = yaml.safe_load((AUDIT / "report" / "i18n.yaml").read_text(encoding="utf-8"))
    # The report's strings, and the few the desk borrows (the question to ask on a call).
    code_files = [*(AUDIT / "report").glob("*.py"), *(AUDIT / "desk").glob("*.py")]
    report_code = "\n".join(p.read_text(encoding="utf-8") for p in code_files) + TEMPLATES
    unused = []
    for key in data["en"]:
        base = key.removesuffix("_one")
        literal = re.search(rf"""["']{re.escape(key)}["']|["']{re.escape(base)}["']""", report_code)
        parts = key.split("_")
        # Keys built from a prefix and a value: t(f"verdict_{...}"), t(f"region_{region}").
        built = any(
            re.search(
                rf"""f["']{re.escape("_".join(parts[:i]))}_\{{|["']{re.escape("_".join(parts[:i]))}_["'] ~""",
                report_code,
            )
            for i in range(1, len(parts))
        )
        if not (literal or built):
            unused.append(key)
    assert unused == []


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_composed_sentence_reads_in_one_language(lang: str) -> None:
    nested = {
        "code": "obstacle.covered_by_popup",
        "params": {"text": "Prenumerera på nyhetsbrevet", "selector": "div#modal"},
    }
    text = render({"code": "easy.not_visible", "params": {"why": nested}}, lang)
    assert "Prenumerera på nyhetsbrevet" in text and "div#modal" in text
    if lang != "en":
        assert "not visible" not in text and "covered" not in text
    channels = render(
        {
            "code": "help.what_and_how",
            "params": {"topics": ["frågor om"], "channels": [{"word": "channel.phone", "value": "021-39 00 00"}]},
        },
        lang,
    )
    assert "021-39 00 00" in channels and "{" not in channels
