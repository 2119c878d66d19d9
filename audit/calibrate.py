"""``audit calibrate``: measure agreement between the tool's verdicts and human labels.

Labels follow the rubric: ``id,status,entry_exists,on_front_page,easy_to_find,explains_help,
responsible_person[,notes]`` with ``1``, ``0`` or ``review`` per criterion (empty when the site
could not be assessed). For each criterion we report agreement, the confusion matrix and Cohen's
kappa, and list every disagreement with the tool's reason and evidence.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

from audit.csvio import read_table
from audit.errors import InputError, Problem

CATEGORIES = ("1", "0", "review")
_VERDICT_TO_LABEL = {"pass": "1", "fail": "0", "needs_review": "review"}


def load_labels(path: Path, criterion_ids: tuple[str, ...]) -> dict[str, dict[str, str]]:
    rows = read_table(path, required=("id", "status", *criterion_ids), optional=("notes", "name"))
    problems: list[Problem] = []
    out: dict[str, dict[str, str]] = {}
    for line, row in rows:
        if row["id"] in out:
            problems.append(Problem(str(path), f"duplicate id {row['id']!r}", line, "id"))
        for cid in criterion_ids:
            value = row[cid].strip().lower()
            if row["status"] == "ok" and value not in CATEGORIES:
                problems.append(Problem(str(path), f"must be 1, 0 or review, got {row[cid]!r}", line, cid))
        out[row["id"]] = row
    if problems:
        raise InputError(problems)
    return out


def cohen_kappa(pairs: list[tuple[str, str]]) -> float | None:
    """Cohen's kappa for (label, tool) pairs; None when undefined (no pairs)."""
    n = len(pairs)
    if n == 0:
        return None
    observed = sum(1 for a, b in pairs if a == b) / n
    labels = Counter(a for a, _ in pairs)
    tools = Counter(b for _, b in pairs)
    expected = sum(labels[c] * tools[c] for c in set(labels) | set(tools)) / (n * n)
    if expected == 1:
        return 1.0 if observed == 1 else 0.0
    return (observed - expected) / (1 - expected)


def calibrate(results: dict[str, Any], labels_path: Path) -> dict[str, Any]:
    criterion_ids = tuple(c["id"] for c in results["criteria"])
    labels = load_labels(labels_path, criterion_ids)
    by_id = {r["municipality"]["id"]: r for r in results["results"]}
    unknown = sorted(set(labels) - set(by_id))
    report: dict[str, Any] = {"sites_labelled": len(labels), "unlabelled_in_run": sorted(set(by_id) - set(labels)), "labels_not_in_run": unknown, "criteria": {}, "status": {}}
    status_pairs = [(labels[i]["status"], by_id[i]["status"]) for i in labels if i in by_id]
    report["status"] = {
        "agreement": _ratio(sum(a == b for a, b in status_pairs), len(status_pairs)),
        "disagreements": [{"id": i, "label": labels[i]["status"], "tool": by_id[i]["status"], "detail": by_id[i].get("detail", "")} for i in labels if i in by_id and labels[i]["status"] != by_id[i]["status"]],
    }
    for cid in criterion_ids:
        pairs, disagreements = [], []
        for mid, label in labels.items():
            result = by_id.get(mid)
            if result is None or label["status"] != "ok" or result["status"] != "ok":
                continue
            outcome = next(o for o in result["outcomes"] if o["criterion"] == cid)
            tool = _VERDICT_TO_LABEL.get(outcome["verdict"], "?")
            human = label[cid].strip().lower()
            pairs.append((human, tool))
            if human != tool:
                ev = outcome["evidence"][0] if outcome["evidence"] else {}
                disagreements.append({"id": mid, "name": result["municipality"]["name"], "label": human, "tool": tool, "reason": outcome["reason"], "evidence_url": ev.get("url", ""), "evidence_text": ev.get("text", ""), "note": label.get("notes", "")})
        matrix = {h: {t: sum(1 for a, b in pairs if a == h and b == t) for t in CATEGORIES} for h in CATEGORIES}
        report["criteria"][cid] = {
            "n": len(pairs), "agreement": _ratio(sum(a == b for a, b in pairs), len(pairs)),
            "kappa": cohen_kappa(pairs), "confusion": matrix, "disagreements": disagreements,
        }
    return report


def _ratio(hits: int, total: int) -> float | None:
    return hits / total if total else None


def _pct(value: float | None) -> str:
    return "n/a" if value is None else f"{value * 100:.1f} %"


def format_report(report: dict[str, Any]) -> str:
    lines = [f"labelled sites: {report['sites_labelled']}", f"status agreement: {_pct(report['status']['agreement'])}"]
    for d in report["status"]["disagreements"]:
        lines.append(f"  status {d['id']}: label {d['label']}, tool {d['tool']} ({d['detail']})")
    lines.append("")
    lines.append(f"{'criterion':<20} {'n':>4} {'agreement':>10} {'kappa':>7}")
    for cid, c in report["criteria"].items():
        kappa = "n/a" if c["kappa"] is None else f"{c['kappa']:.3f}"
        lines.append(f"{cid:<20} {c['n']:>4} {_pct(c['agreement']):>10} {kappa:>7}")
    for cid, c in report["criteria"].items():
        lines.append(f"\n{cid}: confusion (rows = label, columns = tool: 1, 0, review)")
        for h in CATEGORIES:
            lines.append(f"  {h:>6}: " + "  ".join(f"{c['confusion'][h][t]:>3}" for t in CATEGORIES))
        for d in c["disagreements"]:
            lines.append(f"  DISAGREE {d['id']} {d['name']}: label {d['label']}, tool {d['tool']}: {d['reason']}")
            if d["evidence_text"] or d["evidence_url"]:
                lines.append(f"    evidence: \"{d['evidence_text'][:120]}\" {d['evidence_url']}")
    if report["labels_not_in_run"]:
        lines.append(f"\nlabels for ids not in the run: {', '.join(report['labels_not_in_run'])}")
    return "\n".join(lines) + "\n"
