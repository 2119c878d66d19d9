"""View model of the method page (method.html): what was measured, how, by what, and how to object.

Everything comes from results.json: the criteria and the names of the service as the rubric
writes them, the run's facts (times, versions, hashes, limits) and the calibration record the
tool version was measured with. No machine paths are shown; files are named, never located.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from audit.report.i18n import Strings, strings_for
from audit.report.safety import clean_text
from audit.report.view import Criterion, Fact, Run, format_time

_LANGUAGE_ORDER = ("sv", "nb", "nn", "da", "fi", "en")
_CRITERIA = ("entry_exists", "on_front_page", "easy_to_find", "explains_help", "responsible_person")


@dataclass(frozen=True)
class Method:
    """Everything method.html shows."""

    intro: str
    rules: tuple[str, ...]
    criteria: tuple[Criterion, ...]
    words: tuple[tuple[str, str], ...]  # language name, the service's names
    cover: str
    limits: str
    calibration: str
    objection: str
    facts: tuple[Fact, ...]
    problems: tuple[str, ...]


def build_method(run: Run, t: Strings, problems: Sequence[str]) -> Method:
    """The method page: criteria, the words behind them, scoring rules, limits, calibration,
    how to object and the run's facts as recorded."""
    width, height = run.viewport
    settings = _settings(run.meta)
    publisher = clean_text(run.meta.get("publisher"), 200) or t("publisher_unknown")
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
        words=_words(run),
        cover=t("method_cover_text", ms=_int(settings.get("first_sight_ms"), 1500)),
        limits=t(
            "method_limits_text",
            page=_number(settings.get("page_timeout_s"), 15),
            site=_number(settings.get("site_timeout_s"), 90),
            pages=_int(settings.get("max_pages"), 10),
            depth=_int(settings.get("max_depth"), 2),
            width=width,
            height=height,
        ),
        calibration=_calibration(run.calibration, t),
        objection=t("method_object_text", publisher=publisher),
        facts=_facts(run.meta, settings, t),
        problems=tuple(problems),
    )


def _settings(meta: dict[str, Any]) -> dict[str, Any]:
    settings = meta.get("settings")
    return settings if isinstance(settings, dict) else {}


def _int(value: object, default: int) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else default


def _number(value: object, default: float) -> str:
    number = value if isinstance(value, (int, float)) and not isinstance(value, bool) else default
    return f"{number:g}"


def _words(run: Run) -> tuple[tuple[str, str], ...]:
    rows = []
    for lang in _LANGUAGE_ORDER:
        names = run.service_names.get(lang)
        if names:
            rows.append((strings_for(lang)("language_name"), ", ".join(names)))
    return tuple(rows)


def _calibration(batches: Sequence[dict[str, Any]], t: Strings) -> str:
    """One paragraph on the measured agreement; empty when the results carry no record."""
    if not batches:
        return ""
    newest = batches[-1].get("agreement")
    if not isinstance(newest, dict):
        return ""
    figures = [float(newest[c]) for c in _CRITERIA if isinstance(newest.get(c), (int, float))]
    if not figures:
        return ""
    sites = sum(b["sites"] for b in batches if isinstance(b.get("sites"), int))
    return t(
        "method_calibration_text",
        batches=len(batches),
        sites=sites,
        worst=t.number(min(figures)),
        best=t.number(max(figures)),
    )


def _facts(meta: dict[str, Any], settings: dict[str, Any], t: Strings) -> tuple[Fact, ...]:
    def text(key: str, limit: int = 200) -> str:
        return clean_text(meta.get(key), limit) or t("none")

    robots = t("robots_obeyed") if settings.get("obey_robots", True) else t("robots_ignored")
    return (
        Fact(t("run_publisher"), text("publisher")),
        Fact(t("run_id"), text("run_id", 64)),
        Fact(t("run_started"), format_time(meta.get("started_at")) or t("none")),
        Fact(t("run_finished"), format_time(meta.get("finished_at")) or t("none")),
        Fact(t("run_tool_version"), text("tool_version", 64)),
        Fact(t("run_rubric_version"), text("rubric_version", 64)),
        Fact(t("run_criteria_hash"), text("criteria_sha256", 64)),
        Fact(t("run_browser"), text("chromium_version")),
        Fact(t("run_axe"), clean_text(meta.get("axe_version"), 64) or t("run_not_used")),
        Fact(t("run_robots"), robots),
        Fact(t("run_municipality_file"), text("municipality_file")),
        Fact(t("run_phone_file"), text("phone_check_file")),
        Fact(t("run_overrides_file"), text("overrides_file")),
        Fact(t("run_language"), text("language", 16)),
    )
