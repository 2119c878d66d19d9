"""Each criterion's check over saved snapshots: pass, fail, needs review, decoys and edge cases."""

from __future__ import annotations

from builders import BASE, CRITERIA, block, link, page, site

from audit.checks import run_checks
from audit.messages import render
from audit.models import Heading, PageSnapshot, SiteSnapshot, Verdict

SERVICE_TEXT = (
    "Kontaktcenter. Vi hjälper dig med frågor om skola, bygglov och avfall. "
    "Ring 0123-45 67 00 eller mejla kontaktcenter@solby.se."
)


def verdicts(s):
    return {k: v.verdict for k, v in run_checks(s, CRITERIA).items()}


def service_page(*extra, path="kontaktcenter/", depth=1, text=SERVICE_TEXT, heading="Kontaktcenter", parent=BASE):
    return page(
        path,
        depth=depth,
        title=f"{heading} - Solby",
        headings=(heading,),
        elements=(block(text), *extra),
        text=text,
        via_text=heading,
        parent=parent,
    )


def test_header_link_to_a_full_service_page_passes_everything():
    home = page(elements=(link("Kontaktcenter", "kontaktcenter/"),))
    svc = service_page(block("Enhetschef: Karin Lindqvist"))
    assert verdicts(site(home, svc)) == dict.fromkeys(CRITERIA.ids, Verdict.PASS)


def test_evidence_names_element_region_and_position():
    home = page(elements=(link("Kontaktcenter", "kontaktcenter/", landmark="nav", y=60),))
    result = run_checks(site(home, service_page()), CRITERIA)["easy_to_find"]
    ev = result.evidence[0]
    assert (ev.text, ev.region, ev.box.y, ev.depth) == ("Kontaktcenter", "nav", 60, 0)
    assert "Kontaktcenter" in ev.matched  # as the site wrote it


def test_inflected_forms_count_in_every_language():
    forms = {
        "Kontaktcentret": "SE",
        "Servicetorget": "NO",
        "Tenestetorget": "NO",
        "Borgerservicen": "DK",
        "Asiakaspalveluun": "FI",
        "Kundtjänsten": "FI",
    }
    for word, country in forms.items():
        home = page(elements=(link(word, "x/"),))
        assert verdicts(site(home, country=country))["on_front_page"] is Verdict.PASS, word


def test_vocabulary_is_the_countrys():
    # In Sweden a "servicekontor" is the state's joint office; in Norway it is the municipality's.
    home = page(elements=(link("Servicekontoret", "servicekontoret/"),))
    assert verdicts(site(home, country="NO"))["on_front_page"] is Verdict.PASS
    assert verdicts(site(home, country="SE"))["on_front_page"] is Verdict.FAIL


def test_entry_only_in_footer_is_not_easy_to_find():
    home = page(elements=(link("Kontaktcenter", "kontaktcenter/", landmark="footer", y=2400),))
    v = run_checks(site(home, service_page()), CRITERIA)
    assert v["on_front_page"].verdict is Verdict.PASS
    assert v["easy_to_find"].verdict is Verdict.FAIL
    assert "first screen" in render(v["easy_to_find"].reason)


def test_collapsed_covered_tiny_and_clipped_entries_fail_easy_to_find():
    cases = {
        "hidden": link("Kontaktcenter", "k/", hidden=True),
        "covered": link("Kontaktcenter", "k/", covered=True),
        "tiny": link("Kontaktcenter", "k/", font=6),
        "clipped": link("Kontaktcenter", "k/", width=1, height=1),
    }
    for label, el in cases.items():
        assert verdicts(site(page(elements=(el,))))["easy_to_find"] is Verdict.FAIL, label


def test_entry_cut_by_the_fold_needs_review():
    home = page(elements=(link("Kontaktcenter", "k/", y=750, height=40),))
    assert verdicts(site(home))["easy_to_find"] is Verdict.NEEDS_REVIEW


def test_accessible_name_of_an_image_link_counts():
    home = page(elements=(link("", "kontaktcenter/", name="Kontaktcenter"),))
    assert verdicts(site(home, service_page()))["on_front_page"] is Verdict.PASS


def test_contact_link_leading_to_a_service_page_counts_for_front_page():
    home = page(elements=(link("Kontakta oss", "kontakt/"),))
    svc = service_page(path="kontakt/", heading="Kontaktcenter")
    v = verdicts(site(home, svc))
    assert v["on_front_page"] is Verdict.PASS and v["easy_to_find"] is Verdict.PASS


def test_generic_contact_page_without_service_heading_is_not_a_service_page():
    home = page(elements=(link("Kontakta oss", "kontakt/"),))
    contact = page(
        "kontakt/",
        depth=1,
        title="Kontakta oss",
        headings=("Kontakta oss",),
        elements=(block("Telefon 0123-45 67 89"),),
        via_text="Kontakta oss",
        parent=BASE,
    )
    v = verdicts(site(home, contact))
    assert v["entry_exists"] is Verdict.FAIL and v["on_front_page"] is Verdict.FAIL


def test_service_two_clicks_deep_exists_but_is_not_on_the_front_page():
    home = page(elements=(link("Kontakta oss", "kontakt/"),))
    contact = page(
        "kontakt/",
        depth=1,
        title="Kontakt",
        headings=("Kontakt",),
        via_text="Kontakta oss",
        elements=(link("Servicecenter", "kontakt/servicecenter/", landmark="main", y=300),),
        parent=BASE,
    )
    svc = service_page(path="kontakt/servicecenter/", depth=2, heading="Servicecenter", parent=BASE + "kontakt/")
    v = verdicts(site(home, contact, svc))
    assert v["entry_exists"] is Verdict.PASS
    assert v["on_front_page"] is Verdict.FAIL
    assert v["explains_help"] is Verdict.PASS  # the checks report facts; the dependency rule is scoring's job


def test_footer_block_with_number_counts_for_front_page():
    home = page(elements=(block("Kontaktcenter 021-39 00 00", landmark="footer", y=2000),))
    v = verdicts(site(home))
    assert v["entry_exists"] is Verdict.PASS and v["on_front_page"] is Verdict.PASS
    assert v["easy_to_find"] is Verdict.FAIL


def test_decoys_do_not_count():
    decoys = (
        link("Kundtjänst vatten och avfall", "va/"),
        link("Kundservice", "http://solby-energi.example/kundservice"),
        link("Statens servicecenter", "http://statens.example/"),
        link("Kontaktcentret har stängt under julen", "nyheter/jul/", landmark="main", in_article=True, dated=True),
        block("Växel 0123-45 67 89", landmark="footer"),
    )
    v = run_checks(site(page(elements=decoys)), CRITERIA)
    assert v["entry_exists"].verdict is Verdict.FAIL
    assert v["on_front_page"].verdict is Verdict.FAIL
    assert "do not count" in render(v["entry_exists"].reason)


def test_brand_name_counts_when_its_page_presents_it_as_the_service():
    home = page(elements=(link("KomIn", "komin/"),))
    brand = page(
        "komin/",
        depth=1,
        title="KomIn",
        headings=("KomIn",),
        via_text="KomIn",
        parent=BASE,
        text="KomIn är Solby kommuns medborgarkontor. Vi hjälper dig med frågor om allt. Telefon 0123-11 22 33, e-post komin@solby.se",
    )
    v = verdicts(site(home, brand))
    assert (
        v["entry_exists"] is Verdict.PASS and v["on_front_page"] is Verdict.PASS and v["explains_help"] is Verdict.PASS
    )


def test_brand_link_counts_when_its_page_heading_names_the_service_too():
    # The page's heading names the service as well as the brand ("KomIn – kommunens
    # medborgarkontor"): a front-page entry either way.
    home = page(elements=(link("KomIn", "komin/"),))
    brand = page(
        "komin/",
        depth=1,
        title="KomIn – Solby kommun",
        headings=("KomIn – kommunens medborgarkontor",),
        via_text="KomIn",
        parent=BASE,
        text="Vi hjälper dig med frågor om allt. Telefon 0123-11 22 33, e-post komin@solby.se",
    )
    v = verdicts(site(home, brand))
    assert (
        v["entry_exists"] is Verdict.PASS and v["on_front_page"] is Verdict.PASS and v["easy_to_find"] is Verdict.PASS
    )


def test_a_link_to_a_service_page_that_does_not_present_its_label_is_no_brand():
    # "Bygga och bo" leads to a page that mentions the contact centre only in passing.
    home = page(elements=(link("Bygga och bo", "bygga/"),))
    section = page(
        "bygga/",
        depth=1,
        title="Bygga och bo",
        headings=("Bygga och bo", "Kontaktcenter"),
        via_text="Bygga och bo",
        parent=BASE,
        text="Bygga och bo. Frågor? Ring vårt kontaktcenter.",
    )
    v = verdicts(site(home, section))
    assert v["entry_exists"] is Verdict.PASS and v["on_front_page"] is Verdict.FAIL


def test_a_brand_with_a_tagline_counts_when_its_page_presents_the_name():
    home = page(elements=(link("Kompassi – neuvonta ja asiointi", "kompassi/", landmark="main", y=380),))
    brand = page(
        "kompassi/",
        depth=1,
        title="Kompassi - Solbyn kaupunki",
        headings=("Kompassi",),
        via_text="Kompassi – neuvonta ja asiointi",
        parent=BASE,
        text="Kompassi on Solbyn kaupungin palvelupiste, josta saat neuvontaa ja apua asiointiin. Puhelin 02 621 4100, kompassi@solby.fi.",
    )
    v = verdicts(site(home, brand, country="FI"))
    assert v["entry_exists"] is Verdict.PASS and v["on_front_page"] is Verdict.PASS
    assert v["explains_help"] is Verdict.PASS


def test_a_section_named_as_the_start_of_the_service_word_is_no_brand():
    """A section page "Borger" whose first tile is "Borgerservice" does not present "Borger" as
    the service: nothing between the two words says so."""
    home = page(elements=(link("Borger", "borger/", landmark="nav", y=110),))
    section = page(
        "borger/",
        depth=1,
        title="Borger - Solby Kommune",
        headings=("Borger",),
        via_text="Borger",
        parent=BASE,
        text="Borger Borgerservice Pas og kørekort Flytning Sundhedskort",
    )
    v = verdicts(site(home, section, country="DK"))
    assert v["on_front_page"] is Verdict.FAIL


def test_a_page_reached_by_another_desks_link_is_that_desks_page():
    """The tile "Solby Eiendom KF – kundesenter for leietakere" leads to a page titled only
    "Kundesenter for leietakere": the page belongs to the property department's desk."""
    home = page(
        elements=(link("Solby Eiendom KF – kundesenter for leietakere", "eiendom/kundesenter/", landmark="main"),)
    )
    desk = page(
        "eiendom/kundesenter/",
        depth=1,
        title="Kundesenter - Solby kommune",
        headings=("Kundesenter",),
        via_text="Solby Eiendom KF – kundesenter for leietakere",
        parent=BASE,
        text="Kundesenteret hjelper deg med spørsmål om leieforholdet. Telefon 55 12 34 56.",
    )
    v = verdicts(site(home, desk, country="NO"))
    assert v["entry_exists"] is Verdict.FAIL


def test_help_in_questions_and_finnish_verbs_says_what_the_service_does():
    texts = {
        "DK": "Hvad kan Borgerservice hjælpe med? Pas, kørekort og flytning. Telefon 76 45 10 10, borgerservice@solby.dk.",
        "FI": "Asiakaspalvelu neuvoo kaupungin palveluissa. Puhelin 013 267 7100, asiakaspalvelu@solby.fi.",
        "SE": "Vad kan vi hjälpa dig med? Skola, bygglov och avfall. Telefon 0123-45 67 00, kontaktcenter@solby.se.",
    }
    heading = {"DK": "Borgerservice", "FI": "Asiakaspalvelu", "SE": "Kontaktcenter"}
    for country, text in texts.items():
        home = page(elements=(link(heading[country], "tjanst/"),))
        svc = service_page(path="tjanst/", heading=heading[country], text=text)
        assert verdicts(site(home, svc, country=country))["explains_help"] is Verdict.PASS, country


def test_page_content_wrapped_in_article_is_not_news():
    # WordPress/Sitevision/Drupal: every page's own content sits in <article>. The section page's
    # link to the service page (two clicks deep) counts; its heading is no news heading.
    home = page(elements=(link("Kommun och politik", "kommun/"),))
    section = page(
        "kommun/",
        depth=1,
        title="Kommun och politik",
        via_text="Kommun och politik",
        parent=BASE,
        elements=(link("Kontaktcenter", "kommun/kontaktcenter/", landmark="main", in_article=True),),
    )
    svc = PageSnapshot(
        url=BASE + "kommun/kontaktcenter/",
        final_url=BASE + "kommun/kontaktcenter/",
        depth=2,
        status=200,
        title="Solby kommun",
        headings=(Heading(1, "Kontaktcenter", in_article=True, article_main=True),),
        text="Vi hjälper dig",
        main_text="Vi hjälper dig",
        via_text="Kontaktcenter",
        parent_url=BASE + "kommun/",
    )
    v = verdicts(site(home, section, svc))
    assert v["entry_exists"] is Verdict.PASS and v["on_front_page"] is Verdict.FAIL
    only_link = verdicts(site(home, section))
    assert only_link["entry_exists"] is Verdict.PASS  # the link on the depth-1 page names it


def test_dated_items_and_news_regions_are_news():
    home = page(
        elements=(
            link(
                "Kontaktcenter får nya öppettider",
                "kontaktcenter-oppettider/",
                landmark="main",
                in_article=True,
                dated=True,
            ),
            link("Kontaktcenter stänger tidigt", "stanger/", landmark="main", news_region=True),
        )
    )
    v = run_checks(site(home), CRITERIA)
    assert v["entry_exists"].verdict is Verdict.FAIL and "news" in render(v["entry_exists"].reason)


def test_a_page_declaring_itself_a_news_article_is_no_service_page():
    home = page(elements=(link("Aktuellt", "aktuellt-1/"),))
    news = PageSnapshot(
        url=BASE + "sommar/",
        final_url=BASE + "sommar/",
        depth=1,
        status=200,
        title="Kontaktcenter i sommar",
        headings=(Heading(1, "Kontaktcenter i sommar"),),
        text="x",
        main_text="x",
        via_text="Aktuellt",
        parent_url=BASE,
        news_signals=("published_time", "og:article"),
    )
    assert verdicts(site(home, news))["entry_exists"] is Verdict.FAIL


def test_brand_name_without_service_presentation_does_not_count():
    home = page(elements=(link("KomIn", "komin/"),))
    other = page(
        "komin/",
        depth=1,
        title="KomIn",
        headings=("KomIn",),
        via_text="KomIn",
        parent=BASE,
        text="KomIn är vår personaltidning.",
    )
    assert verdicts(site(home, other))["entry_exists"] is Verdict.FAIL


def test_explains_help_needs_what_and_how():
    home = page(elements=(link("Kontaktcenter", "kontaktcenter/"),))
    only_phone = service_page(text="Kontaktcenter. Telefon 0123-45 67 00.")
    assert verdicts(site(home, only_phone))["explains_help"] is Verdict.FAIL
    welcome = service_page(text="Välkommen till kontaktcenter!")
    assert verdicts(site(home, welcome))["explains_help"] is Verdict.FAIL
    phone_and_hours = service_page(
        text="Vi svarar på frågor om skola och omsorg. Telefon 0123-45 67 00. Öppettider: måndag–fredag 8–16."
    )
    assert verdicts(site(home, phone_and_hours))["explains_help"] is Verdict.PASS


def test_on_a_page_of_many_desks_what_it_helps_with_is_read_in_the_services_own_section():
    home = page(elements=(link("Kontakta oss", "kontakta-oss/"),))

    def contact_page(*sections: tuple[str, str]) -> PageSnapshot:
        text = "Kontakta oss " + " ".join(f"{h} {body}" for h, body in sections)
        return page("kontakta-oss/", depth=1, title="Kontakta oss", headings=("Kontakta oss", *(h for h, _ in sections)),
                    text=text, via_text="Kontakta oss")  # fmt: skip

    others = contact_page(
        ("Bygglov", "Telefontid tisdag 9–11, 0480-45 02 10."),
        ("Kundcenter", "Telefon 0480-45 00 00. Vardagar 8–16.30."),
        ("VA-kundtjänst", "Frågor om vattenfakturor: 0480-45 04 00. skolskjuts@granneby.se"),
    )
    assert verdicts(site(home, others))["explains_help"] is Verdict.FAIL
    # Its own section says what it helps with; how to reach it may follow under other headings.
    own = contact_page(
        ("Kundcenter", "Vi hjälper dig med frågor om skola och bygglov."),
        ("Så når du oss", "Telefon 0480-45 00 00, e-post kundcenter@granneby.se."),
        ("Press och media", "Journalister når kommunikationsavdelningen."),
    )
    assert verdicts(site(home, own))["explains_help"] is Verdict.PASS
    # A jump list at the top names the sections first; another desk's heading holds the same word.
    listed = contact_page(
        ("På sidan", "Kundtjänst VA, Kundtjänst, Bygglov"),
        ("Kundtjänst VA", "Frågor om vattenfakturor: 0480-45 04 00."),
        ("Kundtjänst", "Telefon 0480-45 00 00, e-post kundtjanst@granneby.se."),
    )
    assert verdicts(site(home, listed))["explains_help"] is Verdict.FAIL


def test_a_named_advisers_own_line_is_not_the_services_channel():
    home = page(elements=(link("Servicetorget", "servicetorget/"),))

    def verdict_for(text: str) -> Verdict:
        svc = service_page(text=text, path="servicetorget/", heading="Servicetorget")
        return verdicts(site(home, svc, country="NO"))["explains_help"]

    what = "Servicetorget. Dette kan vi hjelpe deg med: søknader og skjema. E-post: servicetorget@kommune.no. "
    assert verdict_for(what + "Kontakt oss: Terje Lunde, Konsulent, Telefon: 62 45 10 17") is Verdict.FAIL
    assert verdict_for(what + "Telefon: 62 45 10 00") is Verdict.PASS


def test_a_bar_of_links_and_contact_labels_name_no_person():
    home = page(elements=(link("Kundcenter", "kundcenter/"),))
    bar = Element(kind="block", text="Lyssna Lättläst Other languages Kontakta oss", box=Box(80, 0, 1200, 34))
    bar_links = tuple(
        Element(kind="link", text=t, href=BASE + "x/", box=Box(800 + 90 * i, 6, 80, 21))
        for i, t in enumerate(("Lyssna", "Lättläst", "Other languages", "Kontakta oss"))
    )
    labels = block("Kontakta oss Växel Växel: 0171-47 00 00 Öppettider Måndag–fredag 9–15")
    svc = service_page(bar, *bar_links, labels)
    assert verdicts(site(home, svc))["responsible_person"] is Verdict.FAIL


def test_responsible_person_roles():
    home = page(elements=(link("Servicetorget", "servicetorget/"),))

    def verdict_for(line):
        svc = service_page(block(line), path="servicetorget/", heading="Servicetorget")
        return verdicts(site(home, svc, country="NO"))["responsible_person"]

    assert verdict_for("Leder for servicetorget er Ola Nordmann") is Verdict.PASS
    assert verdict_for("Rådgiver Anna Berg svarer i telefon") is Verdict.FAIL
    assert verdict_for("Avdelingsleder Kari Holm. Rådgiver Anna Berg svarer i telefon.") is Verdict.PASS
    # A contact person is no role of responsibility (rubric): a fail, and so a phone check.
    assert verdict_for("Kontaktperson: Eva Ek") is Verdict.FAIL
    assert verdict_for("Ta kontakt med Eva Ek") is Verdict.NEEDS_REVIEW
    assert verdict_for("Ring oss på 12 34 56 78") is Verdict.FAIL


def test_responsible_person_on_a_page_linked_from_the_service_page():
    home = page(elements=(link("Kontaktcenter", "kontaktcenter/"),))
    svc = service_page()
    org = page(
        "kontaktcenter/om-oss/",
        depth=2,
        title="Om oss",
        headings=("Om oss",),
        via_text="Om oss",
        parent=svc.final_url,
        elements=(block("Kontaktcentret leds av enhetschef Karin Lindqvist."),),
    )
    unrelated = page(
        "organisation/",
        depth=2,
        title="Organisation",
        headings=("Organisation",),
        parent=BASE + "other/",
        elements=(block("Skolchef: Per Persson"),),
    )
    assert verdicts(site(home, svc, org))["responsible_person"] is Verdict.PASS
    assert verdicts(site(home, svc, unrelated))["responsible_person"] is Verdict.FAIL


def test_person_named_in_an_organisation_chart_must_be_tied_to_the_service():
    home = page(elements=(link("Kontaktcenter", "kontaktcenter/"),))
    svc = service_page()
    org = page(
        "kontaktcenter/organisation/",
        depth=2,
        title="Organisation",
        headings=("Organisation",),
        parent=svc.final_url,
        elements=(block("Skolchef: Per Persson"),),
    )
    assert verdicts(site(home, svc, org))["responsible_person"] is Verdict.FAIL


def test_phone_screen_visibility_is_recorded_as_information():
    from dataclasses import replace

    entry = link("Kontaktcenter", "kontaktcenter/")
    in_menu = replace(entry, hidden_container=True)
    home = replace(page(elements=(entry,)), mobile_elements=(in_menu,))
    result = run_checks(site(home, service_page()), CRITERIA)["easy_to_find"]
    assert result.verdict is Verdict.PASS  # the verdict is the desktop's; the phone is information
    assert result.evidence[0].phone is not None and result.evidence[0].phone.code == "phone.not_visible"
    assert "hidden or collapsed container" in render(result.evidence[0].phone)


def test_block_naming_the_service_with_an_address_or_hours_counts():
    with_address = page(
        elements=(block("Kontaktcenter finns i Stadshuset, besöksadress Storgatan 12", landmark="footer", y=1900),)
    )
    with_hours = page(elements=(block("Kontaktcenter: öppettider måndag–fredag 8–16", landmark="main", y=500),))
    bare = page(elements=(block("Kontaktcenter är en del av kommunens service", landmark="main", y=500),))
    assert verdicts(site(with_address))["on_front_page"] is Verdict.PASS
    assert verdicts(site(with_hours))["on_front_page"] is Verdict.PASS
    assert verdicts(site(bare))["on_front_page"] is Verdict.FAIL


# --- phone numbers are not registry numbers (the call list dials them) -------------------------

from audit.checks.channels import find_channels, phone_numbers  # noqa: E402
from audit.pipeline import switchboard_from_site  # noqa: E402


def test_registry_numbers_are_never_phone_numbers():
    vocab = CRITERIA.vocabulary
    for text in (
        "Organisationsnummer 212000-2510",
        "Org.nr. 944 000 111",
        "CVR 29189846",
        "CVR-nr. 29 18 98 46",
        "Y-tunnus 0201256-6",
        "212000-2510",
    ):
        assert phone_numbers(text, vocab) == [], text
    assert [n for n, _ in phone_numbers("CVR 29189846 · Telefon 89 89 89 89", vocab)] == ["89 89 89 89"]
    assert "phone" not in find_channels("Kontaktcenter hjälper dig med frågor om allt. Org.nr 212000-2510", vocab).found


def test_the_call_list_takes_the_number_labelled_as_the_switchboard():
    footer = block(
        "Solby kommun · Organisationsnummer 212000-2510 · Växel 0123-45 60 00 · Fax 0123-45 60 99", landmark="footer"
    )
    other = block("Boka tid: 0123-11 11 11", landmark="main")
    assert switchboard_from_site(site(page(elements=(other, footer))), CRITERIA) == "0123-45 60 00"
    norway = block("Org.nr. 944 000 111 · Sentralbord 75 55 55 55", landmark="footer")
    assert switchboard_from_site(site(page(elements=(norway,)), country="NO"), CRITERIA) == "75 55 55 55"
    only_org = block("CVR 29189846", landmark="footer")
    assert switchboard_from_site(site(page(elements=(only_org,)), country="DK"), CRITERIA) == ""


# --- classes found by the first blind batch ---------------------------------------------------

from audit.checks.identity import foreign_site, name_stem  # noqa: E402
from audit.checks.people import people_in  # noqa: E402
from audit.checks.responsible_person import cards  # noqa: E402
from audit.models import Box, ConsentAction, Element, Overlay  # noqa: E402
from audit.service_page import qualifying_decoy  # noqa: E402


def test_a_department_desk_is_a_decoy_in_any_inflection_but_a_topic_list_is_not():
    vocab = CRITERIA.vocabulary
    assert qualifying_decoy("Kundtjänst VA och avfall", vocab)
    assert qualifying_decoy("Vesihuollon asiakaspalvelu", vocab)  # genitive of vesihuolto
    assert qualifying_decoy("Hedmyrabostäder – kundservice", vocab)  # the company's name ends the compound
    assert not qualifying_decoy("Kontaktcenter", vocab)
    assert not qualifying_decoy(
        "Kontaktcenter hjälper dig. Vi svarar på frågor om skola, vatten, avfall och bygglov.", vocab
    )
    assert not qualifying_decoy("Kontaktcenter: ring 0123-45 67 89. Kundtjänst VA och avfall: 0123-45 67 00", vocab)


def test_name_and_role_on_separate_lines_make_one_card():
    vocab = CRITERIA.vocabulary
    lines = [
        Element(kind="block", text=t, landmark="main", box=Box(100, y, 600, 28))
        for t, y in (
            ("Hege Mo Larsen", 1000),
            ("Leder for Servicetorget", 1028),
            ("Ola Nordmann", 1056),
            ("Rådgiver", 1084),
        )
    ]
    joined = cards(lines, vocab, frozenset())
    assert joined == ["Hege Mo Larsen, Leder for Servicetorget", "Ola Nordmann, Rådgiver"]
    kinds = {p.name: p.kind for text in joined for p in people_in(text, vocab, frozenset())}
    assert kinds == {"Hege Mo Larsen": "responsible", "Ola Nordmann": "staff"}
    apart = [
        Element(kind="block", text="Hege Mo Larsen", landmark="main", box=Box(100, 100, 600, 28)),
        Element(kind="block", text="Leder for Servicetorget", landmark="main", box=Box(100, 400, 600, 28)),
    ]
    assert cards(apart, vocab, frozenset()) == []


def test_a_staff_page_under_the_service_pages_address_ties_everyone_on_it_to_the_service():
    home = page(elements=(link("Kontaktcenter", "kontaktcenter/"),))
    svc = service_page()

    def staff_page(path: str, title: str) -> PageSnapshot:
        return page(path, depth=2, title=title, headings=(title,), parent=svc.final_url,
                    elements=(block("Karin Lindqvist Enhetschef 0123-45 67 01"),))  # fmt: skip

    assert (
        verdicts(site(home, svc, staff_page("kontaktcenter/personal/", "Personal")))["responsible_person"]
        is Verdict.PASS
    )
    # The same list elsewhere, or under the address as an organisation chart, does not name the service.
    assert verdicts(site(home, svc, staff_page("personal/", "Personal")))["responsible_person"] is Verdict.FAIL
    assert (
        verdicts(site(home, svc, staff_page("kontaktcenter/org/", "Organisation")))["responsible_person"]
        is Verdict.FAIL
    )


def test_press_and_web_roles_answer_for_the_press_or_the_page_not_for_the_service():
    vocab = CRITERIA.vocabulary
    for text in (
        "Har du frågor från media? Kontakta pressansvarig Jonas Berg.",
        "Ansvarlig for siden: webredaktør Sofie Dahl",
        "Tiedottaja Mari Koski vastaa median kysymyksiin.",
    ):
        [person] = people_in(text, vocab, frozenset())
        assert person.kind == "staff", text
    [person] = people_in("Kontaktcenterchef: Anna Holm", vocab, frozenset())
    assert person.kind == "responsible"


def test_a_title_after_the_name_is_not_part_of_the_name():
    [person] = people_in("Management: Ingrid Solberg Head of Customer Service", CRITERIA.vocabulary, frozenset())
    assert (person.name, person.kind) == ("Ingrid Solberg", "responsible")


def test_an_adviser_whose_title_ends_in_a_leaders_word_is_staff():
    [person] = people_in("Boka en tid med vår digitala vägledare Emil Sandberg", CRITERIA.vocabulary, frozenset())
    assert person.kind == "staff"


def test_parked_pages_and_sites_that_never_name_the_municipality_are_not_its_own():
    parked = page(
        title="lindholtkommune.dk – dette domæne er til salg",
        text="Dette domæne er til salg! Køb dette domæne Borgerservice online",
    )
    assert foreign_site(site(parked, name="Lindholt Kommune", country="DK"), CRITERIA).code == "failure.parked"
    host = page(title="Webhotelli on valmis", text="Onnittelut! Webhotellisi on valmis. Tämä on oletussivu.")
    assert foreign_site(site(host, name="Pilvikosken kunta", country="FI"), CRITERIA)
    own = page(title="Lohirannan kaupunki – Laxstrands stad", text="Tervetuloa Lohirantaan")
    assert foreign_site(site(own, name="Lohirannan kaupunki", country="FI"), CRITERIA) is None
    assert name_stem("Lövstrands kommun") == "lovstra" and name_stem("Lohirannan kaupunki") == "lohiran"


def test_what_covers_an_entry_is_named():
    entry = link("Kontaktcenter", "kontaktcenter/", y=300, covered=True)
    entry = Element(**{**entry.__dict__, "covered_by": "overlay:0"})
    home = page(elements=(entry,))
    home = PageSnapshot(
        **{
            **home.__dict__,
            "overlays": (Overlay("div#nyhetsbrev", "Prenumerera på vårt nyhetsbrev", Box(300, 200, 700, 400)),),
        }
    )
    svc = page(
        "kontaktcenter/",
        depth=1,
        title="Kontaktcenter",
        headings=("Kontaktcenter",),
        via_text="Kontaktcenter",
        parent=BASE,
    )
    result = run_checks(site(home, svc), CRITERIA)["easy_to_find"]
    assert result.verdict is Verdict.FAIL
    assert "Prenumerera på vårt nyhetsbrev" in render(result.reason) and "div#nyhetsbrev" in render(result.reason, "sv")


def test_a_pop_up_behind_its_backdrop_is_named_by_its_dialog():
    entry = link("Kontaktcenter", "kontaktcenter/", y=300, covered=True)
    entry = Element(**{**entry.__dict__, "covered_by": "overlay:0"})
    backdrop = Overlay("div#nl-back", "", Box(0, 0, 1366, 768))
    dialog = Overlay("div#nl", "Få nyheter i innboksen", Box(363, 193, 640, 381))
    home = PageSnapshot(**{**page(elements=(entry,)).__dict__, "overlays": (backdrop, dialog)})
    svc = page("kontaktcenter/", depth=1, title="Kontaktcenter", headings=("Kontaktcenter",), via_text="Kontaktcenter")
    text = render(run_checks(site(home, svc), CRITERIA)["easy_to_find"].reason)
    assert "Få nyheter i innboksen" in text and "div#nl-back" in text


def test_a_cookie_banner_left_open_over_the_entry_needs_review():
    entry = link("Kontaktcenter", "kontaktcenter/", y=300, covered=True)
    home = page(elements=(entry,))
    home = PageSnapshot(
        **{**home.__dict__, "consent": ConsentAction(found=True, closed=False, detail="no least-consent choice")}
    )
    svc = page(
        "kontaktcenter/",
        depth=1,
        title="Kontaktcenter",
        headings=("Kontaktcenter",),
        via_text="Kontaktcenter",
        parent=BASE,
    )
    result = run_checks(site(home, svc), CRITERIA)["easy_to_find"]
    assert result.verdict is Verdict.NEEDS_REVIEW and result.leaning is Verdict.FAIL


def test_a_fail_with_navigation_left_unread_needs_review_and_so_do_its_service_page_criteria():
    home = page(elements=(link("Skola", "skola/"),))
    unread = SiteSnapshot(**{**site(home).__dict__, "flags": ("unread_sections:3",)})
    results = run_checks(unread, CRITERIA)
    assert results["entry_exists"].verdict is Verdict.NEEDS_REVIEW and results["entry_exists"].leaning is Verdict.FAIL
    assert results["explains_help"].verdict is Verdict.NEEDS_REVIEW
    assert results["on_front_page"].verdict is Verdict.FAIL  # the homepage itself was read whole
    assert run_checks(site(home), CRITERIA)["entry_exists"].verdict is Verdict.FAIL


def test_candidates_set_aside_as_news_on_a_date_alone_need_review():
    home = page(elements=(link("Kontaktcenter", "kontaktcenter/", landmark="main", dated=True),))
    result = run_checks(site(home), CRITERIA)["entry_exists"]
    assert result.verdict is Verdict.NEEDS_REVIEW and result.doubt is not None and "date" in render(result.doubt)
    in_news_list = page(elements=(link("Kontaktcenter stänger", "k/", landmark="main", dated=True, news_region=True),))
    assert run_checks(site(in_news_list), CRITERIA)["entry_exists"].verdict is Verdict.FAIL


def test_a_mention_on_another_desks_page_is_that_desk():
    # Batch 3: "Kundeservice – Havøy kommunale eiendom" (the property department's desk) page
    # says "Kundeservice hjelper leietakere..." in a sentence of its own.
    home = page(elements=(link("Kundeservice kommunale boliger", "eiendom/kundeservice/", landmark="main"),))
    desk = page(
        "eiendom/kundeservice/",
        depth=1,
        title="Kundeservice – Havøy kommunale eiendom",
        headings=("Kundeservice – Havøy kommunale eiendom",),
        via_text="Kundeservice kommunale boliger",
        parent=BASE,
        elements=(
            block("Havøy kommunale eiendom forvalter utleieboliger. Kundeservice hjelper leietakere med husleie."),
        ),
    )
    result = run_checks(site(home, desk, country="NO"), CRITERIA)["entry_exists"]
    assert result.verdict is Verdict.FAIL, result.reason


def test_a_contact_link_to_a_switchboard_page_is_shown_with_the_page_it_led_to():
    home = page(elements=(link("Kontakt", "kontakt/"),))
    switchboard = page(
        "kontakt/",
        depth=1,
        title="Kontakt - Solby kommun",
        headings=("Kontakt",),
        via_text="Kontakt",
        parent=BASE,
        text="Växel 0123-45 67 00. Organisationsnummer 212000-0000.",
    )
    result = run_checks(site(home, switchboard), CRITERIA)["on_front_page"]
    assert result.verdict is Verdict.FAIL
    [ev] = result.evidence
    assert ev.page_url == BASE and ev.url == BASE + "kontakt/"
    note = render(ev.note, "en")
    assert '"Kontakt"' in note and BASE + "kontakt/" in note and "Kontakt - Solby kommun" in note


# Batch 9: a company's desk, a contact box on every page, another unit's manager, a parked host name.
from audit.checks.responsible_person import other_unit  # noqa: E402
from audit.service_page import company_page  # noqa: E402


def test_a_link_naming_the_service_whose_page_is_a_companys_own_is_no_entry():
    home = page(elements=(link("Björkhem kundtjänst", "bo/bjorkhem/", landmark="main", y=300),))
    company = page(
        "bo/bjorkhem/", depth=1, title="Björkhem - Solby kommun", headings=("Björkhem", "Kundtjänst"),
        text="Björkhem AB är kommunens bostadsbolag. Kundtjänst hjälper dig med hyran. Telefon 0123-45 67 00.",
        via_text="Björkhem kundtjänst", parent=BASE,
    )  # fmt: skip
    assert company_page(company, CRITERIA.vocabulary) == "ab"
    assert verdicts(site(home, company))["entry_exists"] is Verdict.FAIL
    titled = page("vuokra/", depth=1, headings=("Tervaniemen Vuokratalot Oy – asiakaspalvelu",), text="Vuokra-asunnot")
    assert company_page(titled, CRITERIA.vocabulary) == "oy"
    # The municipality's own service page is no company's, whatever it mentions.
    assert company_page(service_page(), CRITERIA.vocabulary) == ""


def test_people_on_a_page_that_names_the_service_only_in_its_footer_box_are_not_its_own():
    home = page(elements=(link("Kontaktcenter", "kontaktcenter/"),))
    org = page(
        "organisation/", depth=1, title="Organisation - Solby", headings=("Organisation", "Förvaltningar", "Kontaktcenter"),
        elements=(block("Barn- och utbildningsförvaltningen – förvaltningschef: Fredrik Johansson"),),
        text="Organisation Förvaltningar Barn- och utbildningsförvaltningen – förvaltningschef: Fredrik Johansson "
        "Kontaktcenter Telefon 0123-45 67 00",
    )  # fmt: skip
    org = PageSnapshot(**{**org.__dict__, "main_text": "Organisation Förvaltningar Barn- och utbildningsförvaltningen – "
                          "förvaltningschef: Fredrik Johansson"})  # fmt: skip
    assert verdicts(site(home, service_page(), org))["responsible_person"] is Verdict.FAIL


def test_a_manager_written_with_another_unit_needs_review_not_a_pass():
    vocab = CRITERIA.vocabulary
    names = vocab.terms("service_entry") + ("servicecenter",)
    labels = ("telefon", "tlf")
    [karin] = people_in("Karin Ås, enhetschef Gata/park, ansvarar för gatuunderhållet", vocab, frozenset())
    assert other_unit(karin, names, labels) == "Gata/park"
    for text in (
        "Anna Berg, enhetschef Kontaktcenter",
        "Enhetschef: Karin Lind",
        "Mette Kjær, Borgerservicechef Tlf 89 12",
    ):
        [person] = people_in(text, vocab, frozenset())
        assert other_unit(person, names, labels) == "", text
    svc = service_page(block("Karin Ås, enhetschef Gata/park, ansvarar för gatuunderhållet"))
    result = run_checks(site(page(elements=(link("Kontaktcenter", "kontaktcenter/"),)), svc), CRITERIA)
    assert result["responsible_person"].verdict is Verdict.NEEDS_REVIEW
    assert "Gata/park" in render(result["responsible_person"].doubt)


def test_a_parked_page_that_names_only_its_host_is_not_the_municipalitys():
    parked = page(title="sjotorp.se", text="sjotorp.se Den här domänen kan vara till salu! Gör ett bud")
    assert foreign_site(site(parked, name="Sjötorps kommun"), CRITERIA).code == "failure.parked"
    bare = page(title="sjotorp.se", text="sjotorp.se Semesterboende Billiga flyg")
    assert foreign_site(site(bare, name="Sjötorps kommun"), CRITERIA) is not None


def test_danish_visits_and_definite_street_names_are_an_address():
    vocab = CRITERIA.vocabulary
    assert "address" in find_channels("Besøg os i Rådhuset, Torvet 3, stuen.", vocab).found
    assert "address" in find_channels("Adresse: Vestergade 12", vocab).found
    assert "address" not in find_channels("Besøg os i Rådhuset.", vocab).found


# Batch 10: a card's "Read more" link to the service page; a manager only in a linked document.
def test_a_read_more_link_in_a_card_naming_the_service_is_on_the_front_page_but_a_menu_item_is_not():
    card = link("Les mer", "innbyggerservice/", landmark="main", y=300, hidden=True, visible=False)
    card = Element(**{**card.__dict__, "context": "Innbyggerservice hjelper deg Ring, chat eller kom innom. Les mer"})
    svc = service_page(path="innbyggerservice/", heading="Innbyggerservice")
    result = run_checks(site(page(elements=(card,)), svc, country="NO"), CRITERIA)
    assert result["on_front_page"].verdict is Verdict.PASS, render(result["on_front_page"].reason)
    assert result["easy_to_find"].verdict is Verdict.FAIL  # the slide is not shown at first sight
    menu = Element(**{**card.__dict__, "landmark": "nav", "text": "Borger", "visible": True, "hidden_container": False})
    assert verdicts(site(page(elements=(menu,)), svc, country="NO"))["on_front_page"] is Verdict.FAIL


def test_a_document_that_may_name_the_manager_is_flagged_for_review_not_failed():
    pdf = link("Ledere og organisasjonskart (PDF)", "filer/ledere.pdf", landmark="main", y=600)
    home = page(elements=(link("Innbyggerservice", "innbyggerservice/"),))
    svc = service_page(pdf, path="innbyggerservice/", heading="Innbyggerservice")
    result = run_checks(site(home, svc, country="NO"), CRITERIA)["responsible_person"]
    assert result.verdict is Verdict.NEEDS_REVIEW and "ledere.pdf" in result.evidence[0].url
    plain = service_page(
        link("Årsrapport 2025 (PDF)", "filer/arsrapport.pdf", landmark="main"), path="innbyggerservice/"
    )
    assert verdicts(site(home, plain, country="NO"))["responsible_person"] is Verdict.FAIL
