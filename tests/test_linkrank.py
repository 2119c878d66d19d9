"""Which links the crawler follows first, with the real vocabulary."""

from __future__ import annotations

import pytest

from audit.criteria import Vocabulary, default_criteria_path, load_criteria
from audit.linkrank import normalise_url, rank_links, same_site, score_link
from audit.models import Element
from audit.news import is_news_url

BASE = "https://www.solby.example/"


@pytest.fixture(scope="module")
def vocab() -> Vocabulary:
    return load_criteria(default_criteria_path()).vocabulary


def _link(
    text: str,
    href: str,
    landmark: str = "main",
    *,
    name: str = "",
    kind: str = "link",
    in_article: bool = False,
    dated: bool = False,
    news_region: bool = False,
) -> Element:
    url = href if ":" in href or not href else BASE + href.lstrip("/")
    return Element(
        kind=kind,
        text=text,
        name=name,
        href=url,
        landmark=landmark,
        in_article=in_article,
        dated=dated,
        news_region=news_region,
    )


def test_service_link_beats_contact_link_beats_the_rest(vocab: Vocabulary) -> None:
    links = (
        _link("Skola och förskola", "/skola"),
        _link("Kontakta oss", "/kontakta-oss", "footer"),
        _link("Bygga och bo", "/bygga", "nav"),
        _link("Kontaktcenter", "/kontaktcenter", "header"),
        _link("Om webbplatsen", "/om"),
    )
    ranked = rank_links(links, BASE, vocab)
    assert [c.url for c in ranked] == [BASE + "kontaktcenter", BASE + "kontakta-oss"]
    assert ranked[0].score > ranked[1].score > 0
    assert ranked[0].text == "Kontaktcenter" and "names the service" in ranked[0].reason
    assert "contact link" in ranked[1].reason


def test_accessible_name_and_url_count(vocab: Vocabulary) -> None:
    icon = _link("", "/a", "header", name="Kundtjänst")
    by_url = _link("Hitta hit", "/kundtjanst/hitta-hit")
    ranked = rank_links((by_url, icon), BASE, vocab)
    assert [c.url for c in ranked] == [BASE + "a", BASE + "kundtjanst/hitta-hit"]
    assert ranked[0].text == "Kundtjänst"
    assert ranked[1].reason == "URL names the service"


@pytest.mark.parametrize(
    "link",
    [
        _link("Kontaktcenter", "https://www.annan-kommun.example/kontaktcenter"),
        _link("Kontaktcenter", "https://energi.solby-energi.example/kundservice"),
        _link("Kontaktcenter", "mailto:kontaktcenter@solby.example"),
        _link("Kontaktcenter", "tel:+4621390000"),
        _link("Kontaktcenter", "javascript:void(0)"),
        _link("Kontaktcenter (pdf)", "/dokument/kontaktcenter.PDF"),
        _link("Kundtjänst", "/files/kundtjanst.docx"),
        _link("Kontaktcenter", "/kontaktcenter", kind="button"),
        _link("Kontaktcenter", ""),
    ],
)
def test_links_never_followed(vocab: Vocabulary, link: Element) -> None:
    assert score_link(link, BASE, vocab, from_service_page=False) is None
    assert rank_links((link,), BASE, vocab) == []


def test_news_and_decoys_are_penalised(vocab: Vocabulary) -> None:
    plain = _link("Kundtjänst", "/kundtjanst")
    news = _link("Kundtjänst har nya öppettider", "/nyheter/kundtjanst-har-nya-oppettider")
    article = _link("Kundtjänst", "/kundtjanst-2", in_article=True, dated=True)
    decoy = _link("Kundtjänst vatten och avfall", "/va")
    ranked = rank_links((decoy, news, article, plain), BASE, vocab)
    scores = {c.url.removeprefix(BASE): c.score for c in ranked}
    assert ranked[0].url == BASE + "kundtjanst"
    assert scores["nyheter/kundtjanst-har-nya-oppettider"] < scores["kundtjanst"]
    assert scores["kundtjanst-2"] < scores["kundtjanst"]
    assert scores["va"] < scores["nyheter/kundtjanst-har-nya-oppettider"]


def test_a_link_in_the_pages_own_article_is_not_news(vocab: Vocabulary) -> None:
    # WordPress, Sitevision and Drupal wrap every page's content in <article>: that alone is no news.
    wrapped = _link("Kundtjänst", "/kundtjanst", in_article=True)
    plain = _link("Kundtjänst", "/kundtjanst-b")
    assert (
        score_link(wrapped, BASE, vocab, from_service_page=False).score
        == score_link(plain, BASE, vocab, from_service_page=False).score
    )
    in_news_list = _link("Kundtjänst", "/kundtjanst-c", news_region=True)
    assert (
        score_link(in_news_list, BASE, vocab, from_service_page=False).score
        < score_link(plain, BASE, vocab, from_service_page=False).score
    )


def test_switchboard_and_plain_news_contact_are_dropped(vocab: Vocabulary) -> None:
    # A contact link inside a news item scores 5 - 6 and is not followed at all.
    assert score_link(_link("Kontakta oss", "/nyheter/kontakta-oss"), BASE, vocab, from_service_page=False) is None
    assert score_link(_link("Kontakt – växel", "/kontakt"), BASE, vocab, from_service_page=False) is None


def test_organisation_pages_only_from_a_service_page(vocab: Vocabulary) -> None:
    org = _link("Organisation och ledning", "/om-kommunen/organisation")
    assert score_link(org, BASE, vocab, from_service_page=False) is None
    cand = score_link(org, BASE, vocab, from_service_page=True)
    assert cand is not None and cand.reason == "organisation page"


def test_duplicate_urls_keep_the_best_score(vocab: Vocabulary) -> None:
    footer = _link("Kontakt", "/kontaktcenter#top", "footer")
    header = _link("Kontaktcenter", "/kontaktcenter", "header")
    [cand] = rank_links((footer, header), BASE, vocab)
    assert cand.url == BASE + "kontaktcenter"
    assert cand.text == "Kontaktcenter"


def test_same_site_ignores_www_only() -> None:
    assert same_site("https://solby.example/a", "https://www.solby.example/")
    assert same_site("http://www.solby.example/a", "https://solby.example/")
    assert same_site("https://WWW.Solby.Example/a", "https://solby.example/")
    assert not same_site("https://e-tjanster.solby.example/", "https://www.solby.example/")
    assert not same_site("https://solby.example.evil.example/", "https://solby.example/")
    assert not same_site("https://solby.example:8443/", "https://solby.example/")
    assert not same_site("ftp://solby.example/", "https://solby.example/")


def test_normalise_url_drops_the_fragment() -> None:
    assert normalise_url("https://solby.example/kontakt#oppettider") == "https://solby.example/kontakt"
    assert normalise_url("https://solby.example/s?q=1#x") == "https://solby.example/s?q=1"
    assert normalise_url("https://solby.example") == "https://solby.example/"


def test_is_news_url(vocab: Vocabulary) -> None:
    assert is_news_url("https://solby.example/nyheter/2025/kontaktcenter", vocab)
    assert is_news_url("https://solby.example/aktuellt-2025/x", vocab)
    assert is_news_url("https://solby.example/nyheter", vocab)
    assert not is_news_url("https://solby.example/kontaktcenter", vocab)
    assert not is_news_url("https://solby.example/kommun/nyheter-om-kontaktcenter", vocab)
