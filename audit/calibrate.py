"""``audit calibrate``: measure agreement between the tool's verdicts and human labels.

Labels follow the rubric: ``id,status,entry_exists,on_front_page,easy_to_find,explains_help,
responsible_person[,notes]`` with ``1``, ``0`` or ``review`` per criterion (empty when the site
could not be assessed). ``status`` is ``ok``, a site status code, ``not_assessed`` (matches any
status but ``ok``) or ``not_municipal`` (the address does not lead to the municipality's own site).
For each criterion we report agreement, the confusion matrix and Cohen's kappa, and list every
disagreement with the tool's reason and evidence. A *silent error* is a confident verdict (pass or
fail) that contradicts a confident label: the kind of mistake nobody would catch before publishing.

A labelled *set* is a folder holding ``labels.csv`` and ``snapshots.json.gz`` (what the crawler
saw of every site, frozen from a run with :func:`freeze`), optionally ``phone_checks.csv`` and
``expected.json`` (the figures the set must keep). Calibrating a set re-judges the frozen
snapshots, so it needs no browser and no network.
"""

from __future__ import annotations

import gzip
import json
from collections import Counter
from pathlib import Path
from typing import Any

from audit.csvio import read_table
from audit.errors import AuditError, InputError, Problem

CATEGORIES = ("1", "0", "review")
_VERDICT_TO_LABEL = {"pass": "1", "fail": "0", "needs_review": "review"}
SNAPSHOTS = "snapshots.json.gz"
EXPECTED = "expected.json"
# The most verdicts a set may leave for a human to review: beyond this, "needs review" stops
# being a flag on doubtful cases and becomes a way of not judging.
MAX_REVIEW_SHARE = 0.10


def status_agrees(label: str, tool: str) -> bool:
    """``not_assessed`` in a label stands for any status that is not ``ok``."""
    return label == tool or (label == "not_assessed" and tool != "ok")


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
    report: dict[str, Any] = {
        "sites_labelled": len(labels),
        "unlabelled_in_run": sorted(set(by_id) - set(labels)),
        "labels_not_in_run": unknown,
        "criteria": {},
        "status": {},
    }
    status_pairs = [(labels[i]["status"], by_id[i]["status"]) for i in labels if i in by_id]
    report["status"] = {
        "agreement": _ratio(sum(status_agrees(a, b) for a, b in status_pairs), len(status_pairs)),
        "disagreements": [
            {"id": i, "label": labels[i]["status"], "tool": by_id[i]["status"], "detail": _detail(by_id[i])}
            for i in labels
            if i in by_id and not status_agrees(labels[i]["status"], by_id[i]["status"])
        ],
    }
    compared = [
        (mid, label, by_id[mid])
        for mid, label in labels.items()
        if mid in by_id and label["status"] == "ok" and by_id[mid]["status"] == "ok"
    ]
    for cid in criterion_ids:
        report["criteria"][cid] = _criterion_figures(cid, compared)
    report.update(_error_figures(report["criteria"]))
    report["exact_score"] = _exact_score(compared, criterion_ids)
    return report


def _error_figures(criteria: dict[str, Any]) -> dict[str, Any]:
    """Silent errors (confident verdicts against confident labels) and the share flagged for review."""
    silent = [
        {"criterion": cid, **d} for cid, c in criteria.items() for d in c["disagreements"]
        if d["label"] in ("1", "0") and d["tool"] in ("1", "0")
    ]  # fmt: skip
    verdicts = sum(c["confusion"][h][t] for c in criteria.values() for h in CATEGORIES for t in CATEGORIES)
    reviews = sum(c["confusion"][h]["review"] for c in criteria.values() for h in CATEGORIES)
    return {
        "silent_errors": silent,
        "review_share": _ratio(reviews, verdicts),
        "reviews": reviews,
        "verdicts": verdicts,
    }


def _criterion_figures(cid: str, compared: list[tuple[str, dict[str, str], dict[str, Any]]]) -> dict[str, Any]:
    pairs, disagreements = [], []
    for mid, label, result in compared:
        outcome = next(o for o in result["outcomes"] if o["criterion"] == cid)
        tool = _VERDICT_TO_LABEL.get(outcome["verdict"], "?")
        human = label[cid].strip().lower()
        pairs.append((human, tool))
        if human != tool:
            ev = outcome["evidence"][0] if outcome["evidence"] else {}
            disagreements.append(
                {
                    "id": mid,
                    "name": result["municipality"]["name"],
                    "label": human,
                    "tool": tool,
                    "reason": _reason_text(outcome),
                    "evidence_url": ev.get("url", ""),
                    "evidence_text": ev.get("text", ""),
                    "note": label.get("notes", ""),
                }
            )
    matrix = {h: {t: sum(1 for a, b in pairs if a == h and b == t) for t in CATEGORIES} for h in CATEGORIES}
    return {
        "n": len(pairs),
        "agreement": _ratio(sum(a == b for a, b in pairs), len(pairs)),
        "kappa": cohen_kappa(pairs),
        "confusion": matrix,
        "disagreements": disagreements,
    }


def _detail(result: dict[str, Any]) -> str:
    from audit.messages import render

    return render(result.get("reason")) or str(result.get("detail", ""))


def _reason_text(outcome: dict[str, Any]) -> str:
    from audit.messages import render

    text = render(outcome.get("reason"))
    if outcome.get("doubt"):
        text = f"{text} {render({'code': 'doubt', 'params': {'why': outcome['doubt']}})}"
    return text


def _exact_score(
    compared: list[tuple[str, dict[str, str], dict[str, Any]]], criterion_ids: tuple[str, ...]
) -> dict[str, Any]:
    """Share of sites whose total score the tool got exactly (sites with a "review" label are left out)."""
    hits = total = 0
    for _mid, label, result in compared:
        values = [label[cid].strip().lower() for cid in criterion_ids]
        if "review" in values:
            continue
        total += 1
        tool = sum(1 for o in result["outcomes"] if o["verdict"] == "pass")
        hits += tool == values.count("1")
    return {"n": total, "share": _ratio(hits, total)}


def _ratio(hits: int, total: int) -> float | None:
    return hits / total if total else None


def _pct(value: float | None) -> str:
    return "n/a" if value is None else f"{value * 100:.1f} %"


def format_report(report: dict[str, Any]) -> str:
    lines = [f"labelled sites: {report['sites_labelled']}", f"status agreement: {_pct(report['status']['agreement'])}"]
    exact = report.get("exact_score", {})
    if exact:
        lines.append(f"exact score: {_pct(exact['share'])} of {exact['n']} sites")
    if "review_share" in report:
        lines.append(
            f"needs review: {report['reviews']} of {report['verdicts']} verdicts ({_pct(report['review_share'])})"
        )
        lines.append(f"silent errors: {len(report['silent_errors'])}")
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
                lines.append(f'    evidence: "{d["evidence_text"][:120]}" {d["evidence_url"]}')
    if report["labels_not_in_run"]:
        lines.append(f"\nlabels for ids not in the run: {', '.join(report['labels_not_in_run'])}")
    return "\n".join(lines) + "\n"


# --- labelled sets: frozen snapshots, re-judged offline ------------------------------------------


def freeze(run_dir: Path, set_dir: Path) -> int:
    """Store what the crawler saw of every site of ``run_dir`` in ``set_dir/snapshots.json.gz``.

    The file is deterministic (sorted keys, no timestamp in the gzip header), so re-freezing an
    unchanged crawl leaves it byte for byte the same. Returns the number of sites stored.
    """
    from audit.archive import load_run
    from audit.models import SiteSnapshot, to_jsonable

    meta, sites, missing = load_run(run_dir)
    if missing:
        raise AuditError(f"{run_dir}: {len(missing)} site(s) were never crawled (first: {missing[0].id})")
    frozen = {
        "tool_version": meta.get("tool_version", ""),
        "rubric_version": meta.get("rubric_version", ""),
        "sites": [
            {"kind": "snapshot" if isinstance(s, SiteSnapshot) else "failure", "record": to_jsonable(s)} for s in sites
        ],
    }
    data = json.dumps(frozen, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")
    set_dir.mkdir(parents=True, exist_ok=True)
    from audit.atomic import write_bytes_atomic

    write_bytes_atomic(set_dir / SNAPSHOTS, gzip.compress(data, compresslevel=9, mtime=0))
    return len(sites)


def load_snapshots(set_dir: Path) -> list[Any]:
    """The frozen sites of a labelled set, in stored order."""
    from audit.models import CrawlFailure, SiteSnapshot, from_jsonable

    path = set_dir / SNAPSHOTS
    try:
        frozen = json.loads(gzip.decompress(path.read_bytes()))
    except FileNotFoundError as exc:
        raise AuditError(
            f"{path} is missing; freeze a crawl of the set first (audit calibrate RUN --freeze-to {set_dir})"
        ) from exc
    except (OSError, ValueError, EOFError) as exc:
        raise AuditError(f"{path} cannot be read: {exc}") from exc
    return [
        from_jsonable(SiteSnapshot if s["kind"] == "snapshot" else CrawlFailure, s["record"]) for s in frozen["sites"]
    ]


def is_set(path: Path) -> bool:
    return (path / SNAPSHOTS).is_file() and (path / "labels.csv").is_file()


def score_set(set_dir: Path, criteria: Any) -> dict[str, Any]:
    """Judge a labelled set's frozen snapshots with ``criteria`` (no browser, no network)."""
    from audit.phone_checks import load_phone_checks
    from audit.pipeline import results_document, score_sites

    sites = load_snapshots(set_dir)
    phone_file = set_dir / "phone_checks.csv"
    phone = load_phone_checks(phone_file, {s.municipality.id for s in sites}) if phone_file.exists() else None
    return results_document({"set": set_dir.name}, score_sites(sites, criteria, phone_checks=phone), criteria)


def calibrate_set(set_dir: Path, criteria: Any) -> dict[str, Any]:
    report = calibrate(score_set(set_dir, criteria), set_dir / "labels.csv")
    report["set"] = set_dir.name
    return report


def figures(report: dict[str, Any]) -> dict[str, Any]:
    """The figures a set must keep, as recorded in its ``expected.json``."""
    return {
        "status_agreement": report["status"]["agreement"],
        "criteria": {cid: {"agreement": c["agreement"], "kappa": c["kappa"]} for cid, c in report["criteria"].items()},
        "silent_errors": len(report["silent_errors"]),
        "review_share": report["review_share"],
    }


def shortfalls(report: dict[str, Any], expected: dict[str, Any]) -> list[str]:
    """Where ``report`` falls below the recorded figures (an empty list when it keeps them all)."""
    out = []
    got = figures(report)
    if (got["status_agreement"] or 0) < expected["status_agreement"]:
        out.append(f"status agreement {got['status_agreement']} < {expected['status_agreement']}")
    for cid, floor in expected["criteria"].items():
        now = got["criteria"].get(cid, {"agreement": None, "kappa": None})
        for key in ("agreement", "kappa"):
            if floor[key] is not None and (now[key] is None or now[key] < floor[key] - 1e-9):
                out.append(f"{cid} {key} {now[key]} < {floor[key]}")
    if got["silent_errors"] > expected["silent_errors"]:
        out.append(f"{got['silent_errors']} silent error(s) > {expected['silent_errors']}")
    if (got["review_share"] or 0) > max(expected["review_share"] or 0, MAX_REVIEW_SHARE):
        out.append(f"review share {got['review_share']:.3f} > {MAX_REVIEW_SHARE}")
    return out


def recrawl(set_dir: Path, criteria: Any, *, concurrency: int = 4, progress: Any = None) -> int:
    """Serve the set's sites on 127.0.0.1, crawl them afresh and freeze the result into the set.

    Needed whenever the crawler changes what it records; the checks alone never need it.
    """
    import tempfile

    from audit.crawl_types import CrawlOptions
    from audit.demo import materialise_list
    from audit.demo.server import DemoServer, free_closed_port
    from audit.municipalities import load_municipalities
    from audit.pipeline import crawl, prepare_run_dir

    listing = set_dir / "municipalities.csv"
    if not listing.is_file():
        raise AuditError(f"{set_dir} has no municipalities.csv to crawl")
    with tempfile.TemporaryDirectory(prefix="audit-recrawl-") as tmp:
        sites = _site_folder(set_dir, Path(tmp))
        with DemoServer(sites) as server:
            run_dir = Path(tmp) / "run"
            real = materialise_list(listing, Path(tmp) / "list.csv", server.port, free_closed_port())
            municipalities = load_municipalities(real)
            todo = prepare_run_dir(run_dir, municipalities, {"set": set_dir.name}, resume=False)
            crawl(run_dir, todo, criteria, CrawlOptions(concurrency=concurrency, allow_private_network=True), progress)
        return freeze(run_dir, set_dir)


SITES_ARCHIVE = "sites.tar.xz"


def _site_folder(set_dir: Path, tmp: Path) -> Path:
    """The set's sites: its ``sites/`` folder, or ``sites.tar.xz`` unpacked into ``tmp``.

    Generated sets keep their thousands of near-identical pages packed (a few hundred kB instead
    of tens of MB in the repository).
    """
    import tarfile

    if (set_dir / "sites").is_dir():
        return set_dir / "sites"
    packed = set_dir / SITES_ARCHIVE
    if not packed.is_file():
        raise AuditError(f"{set_dir} has neither a sites/ folder nor {SITES_ARCHIVE} to crawl")
    with tarfile.open(packed, "r:xz") as archive:
        archive.extractall(tmp / "packed", filter="data")  # no links, devices or paths outside tmp
    return tmp / "packed" / "sites"
