"""One language per report: a report rendered in sv, nb, nn, da or fi holds no English sentence of
the tool's own outside the sites' quoted text (browser test: renders the crawled demo run)."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup

from audit.messages import messages
from audit.pipeline import report

pytestmark = pytest.mark.browser
AUDIT = Path(__file__).resolve().parents[1] / "audit"
_WORDS = re.compile(r"[A-Za-z][A-Za-z'’-]*")


def _english_fragments() -> set[str]:
    """Every run of four English words in the tool's own English sentences and labels."""
    texts = [t["en"] for t in messages().reasons.values()] + [w["en"] for w in messages().words.values()]
    texts += list(yaml.safe_load((AUDIT / "report" / "i18n.yaml").read_text(encoding="utf-8"))["en"].values())
    fragments: set[str] = set()
    for text in texts:
        for piece in re.split(r"\{\w+\}|[.,:;()\"“”]", text):
            words = _WORDS.findall(piece.lower())
            fragments.update(" ".join(words[i : i + 4]) for i in range(len(words) - 3))
    return fragments


@pytest.fixture(scope="module")
def fragments() -> set[str]:
    return _english_fragments()


@pytest.mark.parametrize("lang", ["sv", "nb", "nn", "da", "fi"])
def test_a_report_in_a_nordic_language_has_no_english_of_its_own(
    demo_run: Path, tmp_path: Path, lang: str, fragments: set[str]
) -> None:
    run = tmp_path / "run"
    shutil.copytree(demo_run, run, ignore=shutil.ignore_patterns("archive", "*.html", ".audit.lock"))
    results = json.loads((run / "results.json").read_text(encoding="utf-8"))
    report(run, results, lang=lang)
    pages = [run / "index.html", run / "method.html", *sorted((run / "municipalities").glob("*.html"))]
    found: list[tuple[str, str]] = []
    for page in pages:
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "lxml")
        assert soup.html is not None and soup.html.get("lang") == lang
        for quoted in soup.select("q, blockquote, .quote, .snippet, code"):
            quoted.decompose()  # the sites' own words, shown as they wrote them
        text = " ".join(_WORDS.findall(soup.get_text(" ").lower()))
        found += [(page.name, f) for f in fragments if f" {f} " in f" {text} "]
    assert found == []
