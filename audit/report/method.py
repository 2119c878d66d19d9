"""View model of the method page (method.html): criteria, scoring rules, run metadata."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

from audit.report.i18n import Strings
from audit.report.safety import clean_text
from audit.report.view import Criterion, Fact, Run, format_time


@dataclass(frozen=True)
class Method:
    """Everything method.html shows."""

    intro: str
    rules: tuple[str, ...]
    criteria: tuple[Criterion, ...]
    facts: tuple[Fact, ...]
    settings: tuple[tuple[str, str], ...]
    problems: tuple[str, ...]


def build_method(run: Run, t: Strings, problems: Sequence[str]) -> Method:
    """The method page: criteria wording, scoring rules, run metadata and settings as recorded."""
    meta = run.meta
    width, height = run.viewport
    facts = (
        Fact(t("run_tool_version"), clean_text(meta.get("tool_version"), 64) or t("none")),
        Fact(t("run_rubric_version"), clean_text(meta.get("rubric_version"), 64) or t("none")),
        Fact(t("run_started"), format_time(meta.get("started_at")) or t("none")),
        Fact(t("run_finished"), format_time(meta.get("finished_at")) or t("none")),
        Fact(t("run_municipality_file"), clean_text(meta.get("municipality_file")) or t("none")),
        Fact(t("run_phone_file"), clean_text(meta.get("phone_check_file")) or t("none")),
        Fact(t("run_overrides_file"), clean_text(meta.get("overrides_file")) or t("none")),
        Fact(t("run_language"), clean_text(meta.get("language"), 16) or t("none")),
    )
    settings = meta.get("settings")
    pairs = sorted(settings.items()) if isinstance(settings, dict) else []
    return Method(
        intro=t("method_intro", width=width, height=height, max=run.max_score),
        rules=tuple(
            t(k)
            for k in (
                "rule_sum",
                "rule_dependency",
                "rule_ranking",
                "rule_not_assessed",
                "rule_provisional",
                "rule_review",
            )
        ),
        criteria=run.criteria,
        facts=facts,
        settings=tuple((clean_text(k, 100), _setting(v)) for k, v in pairs),
        problems=tuple(problems),
    )


def _setting(value: object) -> str:
    if isinstance(value, str):
        return clean_text(value)
    return clean_text(json.dumps(value, ensure_ascii=False, sort_keys=True, default=str))
