"""Folding, vocabulary matching and snippets, with the real vocabulary from the bundled criteria."""

from __future__ import annotations

import pytest

from audit.criteria import Vocabulary, default_criteria_path, load_criteria
from audit.text import as_written, clean, find_terms, fold, has_term, snippet


@pytest.fixture(scope="module")
def vocab() -> Vocabulary:
    return load_criteria(default_criteria_path()).vocabulary


# --- fold -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "folded"),
    [
        ("Åre Älvdalen Östersund", "are alvdalen ostersund"),
        ("ÆRØ Kommune", "aero kommune"),
        ("Bømlo, Hå og Værøy", "bomlo, ha og vaeroy"),
        ("Café Élysée", "cafe elysee"),
        ("Straße", "strasse"),
        ("Kundtjänst", "kundtjanst"),
        ("Kontakt\u00adcenter", "kontaktcenter"),  # soft hyphen
        ("kund\u200btjänst", "kundtjanst"),  # zero-width space
        ("\ufeffBorger\u200dservice\u2060", "borgerservice"),  # BOM, zero-width joiner, word joiner
        ("  Kontakta \n\t oss\u00a0 ", "kontakta oss"),  # runs of whitespace, no-break space
        ("Sko\u0308ldpadda Ma\u030angsbo", "skoldpadda mangsbo"),  # letters written decomposed
        ("ŁÓDŹ Đurđevac Œuvre", "lodz durdevac oeuvre"),
        ("ﬁnland ①", "finland 1"),  # compatibility forms
        ("", ""),
    ],
)
def test_fold(raw: str, folded: str) -> None:
    assert fold(raw) == folded


def test_fold_long_text_same_as_short() -> None:
    # Texts over 256 characters take the uncached path; the result must not differ.
    word = "Æblegården Kontakt\u00adcenter  Straße "
    long = word * 20
    assert len(long) > 256
    assert fold(long) == " ".join([fold(word)] * 20)


def test_as_written_gives_the_words_as_the_page_wrote_them() -> None:
    text = "  \u00adVälkommen till Kund\u00adtjänsten i Ærø, Kontakt\u200bcenteret och Straßenamt"
    assert as_written(text, ("kundtjanst", "kontaktcenter", "aero", "strassenamt")) == (
        "Kundtjänsten",
        "Kontaktcenteret",
        "Ærø",
        "Straßenamt",
    )
    # A decomposed letter and a mark left alone keep their place in the text.
    assert as_written("\u0308 Om Sko\u0308ldpadda i Ma\u030angsbo", ("mangsbo",)) == ("Ma\u030angsbo",)
    assert as_written("Ingen träff här", ("kundcenter",)) == ("kundcenter",)


def test_clean_keeps_case_and_letters() -> None:
    assert clean("  Kund\u00adtjänst\n\n Växjö ") == "Kundtjänst Växjö"


# --- find_terms with the real vocabulary ------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "stem"),
    [
        # "centret" is not "center" + ending, so the vocabulary lists the definite form itself.
        ("Kontaktcentret hjälper dig", "kontaktcentret"),
        ("Kontaktcentrets öppettider", "kontaktcentret"),
        ("Kontaktcenterns öppettider", "kontaktcenter"),
        ("Velkommen til Servicetorget", "servicetorg"),
        ("Tenestetorget er ope i dag", "tenestetorg"),
        ("Kontakt Borgerservicen", "borgerservice"),
        ("Ota yhteyttä asiakaspalveluun", "asiakaspalvelu"),
        ("Ring Kundtjänsten", "kundtjanst"),
        ("KUNDTJÄNST", "kundtjanst"),
        ("Kund\u00adtjänst", "kundtjanst"),
        ("Our Customer  Service", "customer service"),
    ],
)
def test_inflected_forms_find_the_stem(vocab: Vocabulary, text: str, stem: str) -> None:
    found = find_terms(text, vocab.terms("service_entry"))
    assert stem in found
    assert has_term(text, vocab.terms("service_entry"))


@pytest.mark.parametrize("text", ["Nyheter", "Kontakt oss", "Tjenester og tilbud", "Min kundsida", "Servicetor"])
def test_text_without_a_service_term(vocab: Vocabulary, text: str) -> None:
    assert find_terms(text, vocab.terms("service_entry")) == ()
    assert not has_term(text, vocab.terms("service_entry"))


def test_term_must_start_a_word(vocab: Vocabulary) -> None:
    assert find_terms("Minkundtjänst", vocab.terms("service_entry")) == ()
    assert find_terms("Min kundtjänst", vocab.terms("service_entry")) == ("kundtjanst",)


def test_found_terms_are_the_listed_folded_terms_in_term_order() -> None:
    terms = ("kundtjanst", "kontaktcenter", "servicetorg")
    assert find_terms("Servicetorget, Kontaktcentrets och Kundtjänst", terms) == ("kundtjanst", "servicetorg")
    assert find_terms("Servicetorget, Kontaktcentern och Kundtjänst", terms) == terms
    assert find_terms("kontaktcentern och kontaktcenter igen", terms) == ("kontaktcenter",)
    assert find_terms("", terms) == ()
    assert find_terms("Kontaktcenter", ()) == ()


def test_contact_links_match_only_as_whole_words(vocab: Vocabulary) -> None:
    contact = vocab.terms("contact_link")
    assert "kontakt oss" in find_terms("Kontakt oss", contact, whole_word=True)
    assert find_terms("Kontakta oss", contact, whole_word=True) == ("kontakta oss",)
    assert find_terms("Kontakt", contact, whole_word=True) == ("kontakt",)
    assert find_terms("Contact us", contact, whole_word=True) == ("contact us",)
    # "Kontaktcenter" names the service; it is not a generic contact link.
    assert find_terms("Kontaktcenter", contact, whole_word=True) == ()
    assert find_terms("Kontaktuppgifterna", contact, whole_word=True) == ()
    # Without whole_word the stem does match inside the compound.
    assert "kontakt" in find_terms("Kontaktcenter", contact)


def test_a_shorter_term_listed_first_does_not_hide_a_longer_one() -> None:
    # The callers pass lists in vocabulary order (channels, consent buttons), not longest first.
    assert find_terms("Kontakta oss", ["kontakt", "kontakta oss"]) == ("kontakt", "kontakta oss")
    assert find_terms("Kun nødvendige cookies", ["kun nodvendige", "kun nodvendige cookies"], whole_word=True) == (
        "kun nodvendige cookies",
    )


def test_multi_word_terms_span_hyphens_and_whitespace(vocab: Vocabulary) -> None:
    decoy = vocab.terms("decoy")
    assert "vatten och avfall" in find_terms("Kundtjänst vatten- och avfall", decoy)
    assert "vatten och avfall" in find_terms("VATTEN  OCH\nAVFALL", decoy)
    assert "vann og avlop" in find_terms("Vann- og avløp", decoy)
    assert "vatten och avfall" not in find_terms("vatten, och avfall", decoy)
    assert find_terms("Service- och kontaktcenter", vocab.terms("service_entry"))[:1] == ("service- och kontaktcenter",)


def test_switchboard_is_not_a_service_term(vocab: Vocabulary) -> None:
    assert find_terms("Växeln 08-123 45 67", vocab.terms("service_entry")) == ()
    assert find_terms("Växeln 08-123 45 67", vocab.terms("switchboard")) == ("vaxeln", "vaxel")


# --- snippet ----------------------------------------------------------------------------------


def test_short_text_is_returned_whole_and_cleaned() -> None:
    assert snippet("  Kontaktcenter\u00ad \n hjälper dig ", "kontaktcenter", 280) == "Kontaktcenter hjälper dig"


def test_snippet_centres_on_the_term_with_ellipses() -> None:
    before = " ".join(f"före{i}" for i in range(200))
    after = " ".join(f"efter{i}" for i in range(200))
    text = f"{before} Kontaktcenter hjälper dig {after}"
    out = snippet(text, "kontaktcenter", 90)
    assert out.startswith("…") and out.endswith("…")
    assert "Kontaktcenter hjälper dig" in out
    assert len(out) <= 92
    # About a third of the window comes before the term.
    assert 20 <= out.index("Kontaktcenter") <= 35


def test_snippet_matches_the_term_ignoring_diacritics_and_case() -> None:
    text = "x " * 300 + "Kundtjänsten svarar på frågor " + "y " * 300
    assert "Kundtjänsten svarar" in snippet(text, "KUNDTJANST", 120)


def test_snippet_without_the_term_starts_at_the_beginning() -> None:
    text = "Början av sidan. " + "z " * 400
    out = snippet(text, "kontaktcenter", 60)
    assert out.startswith("Början av sidan.")
    assert not out.startswith("…") and out.endswith("…")
    assert snippet(text, "", 60) == out


def test_snippet_term_near_the_start_or_end() -> None:
    start = snippet("Kontaktcenter " + "a " * 300, "kontaktcenter", 60)
    assert start.startswith("Kontaktcenter") and start.endswith("…")
    end = snippet("a " * 300 + "Kontaktcenter", "kontaktcenter", 60)
    assert end.startswith("…") and end.endswith("Kontaktcenter")


def test_snippet_finds_the_term_after_letters_that_fold_longer() -> None:
    # "æ" folds to "ae" and "ß" to "ss": positions in the folded text run ahead of the original.
    text = "Sæt æble på bæret. " * 40 + "Borgerservice hjælper dig med pas og kørekort. " + "Øvrigt. " * 60
    out = snippet(text, "borgerservice", 120)
    assert "Borgerservice hjælper dig" in out
    german = "Straße " * 150 + "Bürgerservice im Rathaus " + "Weiter " * 100
    assert "Bürgerservice im Rathaus" in snippet(german, "burgerservice", 100)
