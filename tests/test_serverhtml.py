"""The links of the HTML a server sent, before any script ran (pure; no browser)."""

from __future__ import annotations

from audit.crawler.serverhtml import static_links
from audit.models import StaticLink

BASE = "https://www.hagsjo.se/start/"


def _links(html: str, content_type: str = "text/html; charset=utf-8") -> tuple[StaticLink, ...] | None:
    return static_links(html.encode("utf-8"), BASE, content_type)


def test_links_are_absolute_and_only_web_addresses() -> None:
    found = _links(
        '<a href="kontakt">Kontakta oss</a><a href="/tjanster/">Tjänster</a>'
        '<a href="mailto:info@hagsjo.se">E-post</a><a href="javascript:void(0)">Meny</a>'
        '<a href="https://other.example/">Annan</a><a name="top">no href</a>'
    )
    assert found == (
        StaticLink("Kontakta oss", "https://www.hagsjo.se/start/kontakt"),
        StaticLink("Tjänster", "https://www.hagsjo.se/tjanster/"),
        StaticLink("Annan", "https://other.example/"),
    )


def test_a_base_element_moves_relative_links() -> None:
    found = _links('<head><base href="https://cms.hagsjo.se/sv/"></head><a href="kundcenter">Kundcenter</a>')
    assert found == (StaticLink("Kundcenter", "https://cms.hagsjo.se/sv/kundcenter"),)


def test_text_leaves_out_scripts_styles_and_comments_and_falls_back_to_labels() -> None:
    found = _links(
        '<a href="/a">Kund<script>var x = "hidden";</script><!-- note -->center<style>a{}</style>'
        "<span> Direkt</span></a>"
        '<a href="/b" aria-label="Sök"><svg></svg></a>'
        '<a href="/c" title="Hem"></a>'
    )
    assert found is not None
    assert [link.text for link in found] == ["Kund center Direkt", "Sök", "Hem"]


def test_the_declared_charset_decodes_the_body() -> None:
    body = '<meta charset="iso-8859-1"><a href="/o">Öppettider</a>'.encode("iso-8859-1")
    assert static_links(body, BASE, "text/html") == (StaticLink("Öppettider", "https://www.hagsjo.se/o"),)


def test_not_html_or_empty_bodies() -> None:
    assert static_links(b'{"a": 1}', BASE, "application/json") is None
    assert static_links(b"", BASE, "text/html") is None
    assert _links("   <!-- nothing -->  ") == ()


def test_the_number_of_links_is_bounded() -> None:
    found = _links("".join(f'<a href="/p{i}">P{i}</a>' for i in range(2500)))
    assert found is not None and len(found) == 2000
    assert found[-1] == StaticLink("P1999", "https://www.hagsjo.se/p1999")
