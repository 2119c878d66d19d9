"""Failure classes of judgement, each rebuilt in a small site served on 127.0.0.1 and crawled for real.

- ``wp-article``: a WordPress (Municipio-style) site wraps every page's content in ``<article>``.
  The service page is two clicks deep behind "Kommun och politik"; a dated news card in a section
  headed "Nyheter" names the service and must not count as the entry.
- ``brand-komin``: a utility-bar link "KomIn" leads to a page headed "KomIn – kommunens
  medborgarkontor": a front-page entry although the heading names the service too.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import _crawl_corpus

from audit.messages import render

pytestmark = pytest.mark.browser
SITES = Path(__file__).parent / "sites"


@pytest.fixture(scope="module")
def results(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict]:
    run = _crawl_corpus(SITES, SITES / "municipalities.csv", None, tmp_path_factory.mktemp("classes"))
    data = json.loads((run / "results.json").read_text(encoding="utf-8"))
    return {r["municipality"]["id"]: {o["criterion"]: o for o in r["outcomes"]} for r in data["results"]}


def test_service_page_behind_an_article_wrapped_section_page_is_found(results) -> None:
    site = results["9101"]
    assert site["entry_exists"]["verdict"] == "pass", render(site["entry_exists"]["reason"])
    assert site["entry_exists"]["reason"] == {
        "code": "entry.deeper",
        "params": {"clicks": 2, "words": ["Kontaktcenter"]},
    }
    assert site["explains_help"]["verdict"] == "pass", site["explains_help"]["reason"]


def test_dated_news_card_naming_the_service_is_not_a_front_page_entry(results) -> None:
    site = results["9101"]
    assert site["on_front_page"]["verdict"] == "fail", site["on_front_page"]["reason"]
    assert site["easy_to_find"]["verdict"] == "fail"


def test_brand_link_whose_page_heading_names_the_service_is_on_the_front_page(results) -> None:
    site = results["9102"]
    assert site["entry_exists"]["verdict"] == "pass"
    assert site["on_front_page"]["verdict"] == "pass", site["on_front_page"]["reason"]
    assert site["on_front_page"]["evidence"][0]["text"] == "KomIn"
    assert site["easy_to_find"]["verdict"] == "pass", site["easy_to_find"]["reason"]
    assert site["explains_help"]["verdict"] == "pass"
