"""Failure classes of judgement, each rebuilt in a small site served on 127.0.0.1 and crawled for real.

- ``wp-article``: a WordPress (Municipio-style) site wraps every page's content in ``<article>``.
  The service page is two clicks deep behind "Kommun och politik"; a dated news card in a section
  headed "Nyheter" names the service and must not count as the entry.
- ``brand-komin``: a utility-bar link "KomIn" leads to a page headed "KomIn – kommunens
  medborgarkontor": a front-page entry although the heading names the service too.
- ``menu-fetch``: the menu's links are fetched when its button is clicked; the service is among
  them (on the front page, not at first sight). Before the menu button come a search form's
  submit button and a link dressed as a button, both with empty panels: clicking either would
  leave the homepage before the menu is opened.
- ``service-index``: the service is listed only in the index of services ("Alle tjenester A–Å")
  linked from the homepage's content, behind more menu sections than the page budget; its manager
  is named in a table on the service's own staff page.
- ``frame-consent``: the consent manager is an iframe whose document is nothing but the banner
  (its buttons sit right in its body), over a dimmed page: closed with its least-consent choice,
  the header's "Kundcenter" is visible at first sight.
- ``tiles-news``: service tiles ("Asiakas<span>palvelu</span>") stand above the heading "Uutiset"
  in one container: only what follows the heading is news.
- ``company-desk``: "Björkhem kundtjänst" leads to the municipal housing company's page
  ("Björkhem AB är kommunens bostadsbolag"), whose customer service and manager are the company's.
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


def test_links_of_a_menu_fetched_when_opened_are_on_the_front_page_but_not_at_first_sight(results) -> None:
    site = results["9103"]
    assert site["entry_exists"]["verdict"] == "pass", render(site["entry_exists"]["reason"])
    assert site["on_front_page"]["verdict"] == "pass", render(site["on_front_page"]["reason"])
    assert site["on_front_page"]["evidence"][0]["text"] == "Medborgarservice"
    assert site["easy_to_find"]["verdict"] == "fail", render(site["easy_to_find"]["reason"])
    assert site["explains_help"]["verdict"] == "pass"


def test_service_listed_only_in_the_index_of_services_is_found(results) -> None:
    site = results["9104"]
    assert site["entry_exists"]["reason"] == {
        "code": "entry.deeper",
        "params": {"clicks": 2, "words": ["Servicetorget"]},
    }
    assert site["on_front_page"]["verdict"] == "fail"


def test_manager_in_the_service_pages_own_staff_table_is_read_before_the_rest_of_the_menu(results) -> None:
    site = results["9104"]
    assert site["responsible_person"]["verdict"] == "pass", render(site["responsible_person"]["reason"])
    assert site["responsible_person"]["reason"]["params"]["name"] == "Kari Nordmo"


def test_consent_manager_whose_frame_is_the_banner_is_closed_before_first_sight(results) -> None:
    site = results["9105"]
    assert site["on_front_page"]["verdict"] == "pass", render(site["on_front_page"]["reason"])
    assert site["easy_to_find"]["verdict"] == "pass", render(site["easy_to_find"]["reason"])


def test_tiles_above_a_news_heading_in_the_same_container_are_not_news(results) -> None:
    site = results["9106"]
    assert site["on_front_page"]["verdict"] == "pass", render(site["on_front_page"]["reason"])
    assert site["on_front_page"]["evidence"][0]["text"] == "Asiakaspalvelu"
    assert site["easy_to_find"]["verdict"] == "pass", render(site["easy_to_find"]["reason"])


def test_a_companys_customer_service_on_the_municipal_site_is_no_entry(results) -> None:
    site = results["9107"]
    assert site["entry_exists"]["verdict"] == "fail", render(site["entry_exists"]["reason"])
    assert site["on_front_page"]["verdict"] == "fail"
    assert site["responsible_person"]["verdict"] != "pass", render(site["responsible_person"]["reason"])
