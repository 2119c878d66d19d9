"""Which page the crawler opens next, as a pure function of the pages it got (no browser)."""

from __future__ import annotations

from builders import BASE, CRITERIA, link, page

from audit.follow import FollowPlan, Step
from audit.linkrank import brand_label
from audit.models import PageSnapshot


def _plan(home: PageSnapshot, name: str = "Solby kommun") -> FollowPlan:
    plan = FollowPlan(CRITERIA, name, follow_per_page=8)
    plan.start(home)
    return plan


def _walk(plan: FollowPlan, site: dict[str, PageSnapshot], budget: int = 30) -> list[str]:
    """Open what the plan asks for from a dictionary of pages, as the crawler would."""
    opened: list[str] = []
    for _ in range(budget):
        step = plan.next()
        if step is None:
            break
        opened.append(step.candidate.url)
        got = site.get(step.candidate.url)
        if got is not None:
            plan.opened(got, step)
    return opened


def _section(path: str, depth: int, *links: tuple[str, str], heading: str = "") -> PageSnapshot:
    return page(
        path,
        depth=depth,
        title=f"{heading or path} - Solby kommun",
        headings=(heading or path,),
        elements=tuple(link(text, href, landmark="main", y=300) for text, href in links),
    )


def test_a_link_naming_the_service_is_opened_first() -> None:
    home = page(elements=(link("Skola", "skola/", landmark="nav"), link("Kontaktcenter", "kontaktcenter/")))
    plan = _plan(home)
    step = plan.next()
    assert step is not None and step.candidate.url == BASE + "kontaktcenter/" and step.depth == 1


def test_browsing_opens_an_about_section_then_its_organisation_page_before_the_rest() -> None:
    """ "Politikk og organisasjon" -> "Organisasjon" is where a resident looks next, before the
    other items of the menu: the service filed two clicks deep is found within the budget."""
    home = page(
        elements=(
            link("Barnehage og skole", "skole/", landmark="nav"),
            link("Helse og omsorg", "helse/", landmark="nav"),
            link("Politikk og organisasjon", "politikk/", landmark="nav"),
            link("Kultur og fritid", "kultur/", landmark="nav"),
        )
    )
    politics = _section("politikk/", 1, ("Organisasjon", "politikk/organisasjon/"), ("Budsjett", "politikk/budsjett/"))
    org = _section("politikk/organisasjon/", 2, heading="Organisasjon")
    plan = _plan(home, "Solby kommune")
    opened = _walk(plan, {BASE + "politikk/": politics, BASE + "politikk/organisasjon/": org}, budget=3)
    assert opened == [BASE + "politikk/", BASE + "politikk/organisasjon/", BASE + "skole/"]
    assert plan.unread_sections() == 0


def test_subsections_are_not_browsed_once_the_service_is_found() -> None:
    home = page(
        elements=(link("Om kommunen", "om/", landmark="nav"), link("Kommun och politik", "politik/", landmark="nav"))
    )
    about = _section("om/", 1, heading="Kontaktcenter")  # the service, filed under "Om kommunen"
    politics = _section("politik/", 1, ("Organisation", "politik/organisation/"), heading="Kommun och politik")
    opened = _walk(_plan(home), {BASE + "om/": about, BASE + "politik/": politics})
    assert opened == [BASE + "om/", BASE + "politik/"]


def test_pages_deeper_than_the_limit_queue_nothing() -> None:
    home = page(elements=(link("Kontakt", "kontakt/"),))
    deep = _section("a/b/", CRITERIA.settings.max_depth, ("Kontaktcenter", "kontaktcenter/"), heading="B")
    plan = _plan(home)
    step = plan.next()
    assert step is not None
    plan.opened(deep, Step(step.candidate, CRITERIA.settings.max_depth, BASE))
    assert plan.next() is None


def test_a_name_with_a_tagline_of_questions_and_advice_may_brand_the_service() -> None:
    vocab = CRITERIA.vocabulary
    assert brand_label("Hagsjö Direkt – frågor och ärenden", vocab, "Hagsjö kommun")
    assert brand_label("Kompassi – neuvonta ja asiointi", vocab, "Koskimaan kaupunki")
    assert brand_label("Tallmo Direkt", vocab, "Tallmo kommun")
    # A name with a tagline that says nothing of questions or advice, or a long title, is not.
    assert not brand_label("Kompassi – kesän tapahtumat", vocab, "Koskimaan kaupunki")
    assert not brand_label("Bygglov – så går det till när du vill bygga nytt hus", vocab, "Hagsjö kommun")
    assert not brand_label("Skola", vocab, "Hagsjö kommun")
