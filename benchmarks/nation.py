"""A generated "nation" of fictional municipality sites, served on 127.0.0.1 by one threaded server.

Every site is ``http://<slug>.localhost:<port>/``: Chromium resolves any ``*.localhost`` name to
127.0.0.1 by itself, so no DNS is involved and the server routes on the Host header alone.

Sites are generated deterministically from ``(n, seed)`` and held in memory (no files):

* homepage of 100-300 KB of CMS-like markup: top bar, logo, a main menu of 8-15 items with hidden
  mega-menu panels, hero, shortcut tiles, a news list of 20-60 items, events, a footer with
  address, switchboard and opening hours; Swedish, Norwegian, Danish or Finnish words;
* 20-80 sub-resource requests per homepage (CSS, small harmless JS, PNG/SVG images of 2-40 KB);
  one script on some sites builds a quick-links menu 200 ms after it runs;
* a cookie banner on ~55 % of homepages (fixed ``div``; "Acceptera alla" / "Endast nödvändiga"
  and the like remove it on click);
* a service page (~30 KB: what it helps with, phone, e-mail, opening hours, sometimes a named
  manager) linked from the homepage as "Kontaktcenter", "Servicetorget", "Borgerservice",
  "Asiakaspalvelu"...; on ~20 % of sites only a generic "Kontakt" link; a contact page, an
  organisation page and news pages;
* latency 50-800 ms per response, from a per-site base drawn from a skewed (log-normal)
  distribution; ~2.5 % of sites take 2-3 s for every HTML response;
* ~3 % failures: a closed port (connection refused), HTTP 500, or a 403 ``cf-mitigated: challenge``;
* ``/robots.txt`` is 404 everywhere.

Latency and content depend only on (seed, site, path), so two runs against the same nation (the
tool and the render floor) see exactly the same pages and the same delays.
"""

from __future__ import annotations

import csv
import functools
import html
import json
import math
import random
import socket
import struct
import threading
import time
import unicodedata
import zlib
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import Any, Self

__all__ = ["NationServer", "Site", "generate_sites", "write_municipality_csv", "closed_port"]

# --------------------------------------------------------------------------------------------
# Language material
# --------------------------------------------------------------------------------------------

LANG: dict[str, dict[str, Any]] = {
    "SE": {
        "lang": "sv",
        "tld": "se",
        "suffix": "kommun",
        "head": [
            "Björk",
            "Sjö",
            "Ek",
            "Lind",
            "Berg",
            "Strand",
            "Hög",
            "Norr",
            "Sör",
            "Väst",
            "Öster",
            "Gran",
            "Asp",
            "Mal",
            "Fall",
            "Kvarn",
            "Al",
            "Hassel",
            "Sten",
            "Rön",
        ],
        "tail": [
            "vik",
            "by",
            "ås",
            "holm",
            "köping",
            "sund",
            "dal",
            "hult",
            "torp",
            "fors",
            "berga",
            "näs",
            "stad",
            "lund",
            "hamn",
            "ryd",
        ],
        "regions": [
            "Stockholms län",
            "Uppsala län",
            "Skåne län",
            "Västra Götalands län",
            "Norrbottens län",
            "Dalarnas län",
            "Jönköpings län",
            "Hallands län",
            "Värmlands län",
            "Gävleborgs län",
        ],
        "services": [
            ("Kontaktcenter", "kontaktcenter"),
            ("Servicecenter", "servicecenter"),
            ("Medborgarservice", "medborgarservice"),
            ("Kundtjänst", "kundtjanst"),
        ],
        "contact": ("Kontakta oss", "kontakta-oss"),
        "contact_short": "Kontakt",
        "news": ("Nyheter", "nyheter"),
        "events": "Evenemang",
        "shortcuts": "Genvägar",
        "more": "Läs mer",
        "all_news": "Alla nyheter",
        "search": "Sök",
        "skip": "Till innehållet",
        "listen": "Lyssna",
        "lang_links": ["English", "Lättläst", "Teckenspråk"],
        "nav": [
            "Barn och utbildning",
            "Omsorg och stöd",
            "Bygga, bo och miljö",
            "Trafik och infrastruktur",
            "Kultur och fritid",
            "Näringsliv och arbete",
            "Kommun och politik",
            "Uppleva och göra",
            "Jobba hos oss",
            "Miljö och hälsa",
            "Trygghet och säkerhet",
            "Sök bidrag",
            "Stadsutveckling",
            "Natur och friluftsliv",
            "Självservice",
        ],
        "sub": [
            "Förskola",
            "Grundskola",
            "Gymnasieskola",
            "Vuxenutbildning",
            "Äldreomsorg",
            "Hemtjänst",
            "Bygglov",
            "Detaljplaner",
            "Parkering",
            "Gator och vägar",
            "Idrottsanläggningar",
            "Badhus",
            "Företagsstöd",
            "Upphandling",
            "Kommunfullmäktige",
            "Protokoll",
            "Lediga jobb",
            "Avfall och återvinning",
            "Livsmedelskontroll",
            "Skolskjuts",
            "Feriearbete",
            "Föreningsbidrag",
            "Kartor",
            "Bostadsanpassning",
            "Ekonomiskt bistånd",
            "Nämnder",
            "Valet",
            "Krisberedskap",
        ],
        "words": "kommunen invånare nya skolan förskolan vägarbete biblioteket sommar vinter fritid kultur evenemang bygglov avfall återvinning trafik parkering omsorg hemtjänst äldreboende politik fullmäktige beslut budget ungdomar idrott badhus simhall park lekplats cykelväg planering detaljplan samråd medborgardialog miljö vatten snöröjning gatubelysning företag näringsliv sommarjobb praktik skolstart lov aktiviteter utställning konsert teater föreningar bidrag ansökan inbjudan höst vår vecka dag kväll centrum hamnen torget stationen nu idag under med för och till från på i om av".split(),  # noqa: SIM905
        "help": "Vi hjälper dig med frågor om",
        "help2": "Här kan du få vägledning och hjälp att ansöka om",
        "phone": "Telefon",
        "email": "E-post",
        "hours": "Öppettider",
        "days": ["Måndag", "Tisdag", "Onsdag", "Torsdag", "Fredag"],
        "visit": "Besöksadress",
        "switchboard": "Växel",
        "roles": ["Enhetschef", "Verksamhetschef", "Kontaktcenterchef"],
        "staff": "Kommunvägledare",
        "org": ("Om {s} – organisation", "organisation"),
        "first": ["Anna", "Eva", "Maria", "Karin", "Lars", "Anders", "Johan", "Erik", "Sara", "Lena", "Per", "Emma"],
        "last": ["Berg", "Lindqvist", "Johansson", "Karlsson", "Nilsson", "Holm", "Sandberg", "Ek", "Lund", "Forsberg"],
        "cookie": "Vi använder kakor (cookies) för att webbplatsen ska fungera och för att förbättra din upplevelse. Du väljer själv vilka kakor du godkänner.",
        "accept": "Acceptera alla",
        "least": "Endast nödvändiga",
        "settings": "Inställningar",
        "faq": "Vanliga frågor",
        "street": ["Storgatan", "Kyrkogatan", "Järnvägsgatan", "Torggatan"],
        "hall": "Kommunhuset",
    },
    "NO": {
        "lang": "nb",
        "tld": "no",
        "suffix": "kommune",
        "head": [
            "Fjell",
            "Sand",
            "Nord",
            "Sør",
            "Ås",
            "Berg",
            "Li",
            "Vik",
            "Dal",
            "Strand",
            "Eid",
            "Hol",
            "Stor",
            "Lang",
            "Elve",
            "Furu",
            "Skog",
            "Bjørk",
        ],
        "tail": [
            "nes",
            "vik",
            "dal",
            "øy",
            "fjord",
            "berg",
            "sund",
            "stad",
            "heim",
            "bu",
            "land",
            "haug",
            "rud",
            "vang",
        ],
        "regions": [
            "Akershus",
            "Vestland",
            "Trøndelag",
            "Nordland",
            "Innlandet",
            "Agder",
            "Rogaland",
            "Troms",
            "Finnmark",
            "Møre og Romsdal",
        ],
        "services": [
            ("Servicetorget", "servicetorget"),
            ("Innbyggerservice", "innbyggerservice"),
            ("Servicesenter", "servicesenter"),
        ],
        "contact": ("Kontakt oss", "kontakt-oss"),
        "contact_short": "Kontakt",
        "news": ("Nyheter", "nyheter"),
        "events": "Arrangementer",
        "shortcuts": "Snarveier",
        "more": "Les mer",
        "all_news": "Alle nyheter",
        "search": "Søk",
        "skip": "Til innholdet",
        "listen": "Lytt",
        "lang_links": ["English", "Sámegiella", "Lettlest"],
        "nav": [
            "Barnehage og skole",
            "Helse og omsorg",
            "Plan, bygg og eiendom",
            "Vei og trafikk",
            "Kultur og fritid",
            "Næring og arbeid",
            "Politikk og innsyn",
            "Opplev",
            "Jobb i kommunen",
            "Natur og miljø",
            "Beredskap",
            "Tilskudd",
            "Bolig",
            "Friluftsliv",
            "Selvbetjening",
        ],
        "sub": [
            "Barnehage",
            "Grunnskole",
            "Voksenopplæring",
            "Sykehjem",
            "Hjemmetjenester",
            "Byggesak",
            "Reguleringsplaner",
            "Parkering",
            "Veier",
            "Idrettsanlegg",
            "Svømmehall",
            "Næringsutvikling",
            "Innkjøp",
            "Kommunestyret",
            "Møteplan",
            "Ledige stillinger",
            "Avfall",
            "Skoleskyss",
            "Sommerjobb",
            "Kart",
            "Startlån",
            "Sosialhjelp",
            "Valg",
            "Krisehåndtering",
        ],
        "words": "kommunen innbyggere nye skolen barnehagen veiarbeid sommer vinter fritid kultur arrangement byggesak avfall gjenvinning trafikk parkering omsorg hjemmetjenester sykehjem politikk kommunestyret vedtak budsjett ungdom idrett svømmehall park lekeplass sykkelvei planlegging reguleringsplan høring miljø vann brøyting gatelys bedrifter næringsliv sommerjobb skolestart ferie aktiviteter utstilling konsert teater foreninger tilskudd søknad invitasjon høst vår uke dag kveld sentrum havna torget stasjonen nå i dag under med for og til fra på i om av".split(),  # noqa: SIM905
        "help": "Vi hjelper deg med spørsmål om",
        "help2": "Her får du veiledning og hjelp til å søke om",
        "phone": "Telefon",
        "email": "E-post",
        "hours": "Åpningstider",
        "days": ["Mandag", "Tirsdag", "Onsdag", "Torsdag", "Fredag"],
        "visit": "Besøksadresse",
        "switchboard": "Sentralbord",
        "roles": ["Leder", "Avdelingsleder", "Enhetsleder"],
        "staff": "Servicekonsulent",
        "org": ("Om {s} – organisasjon", "organisasjon"),
        "first": ["Kari", "Ola", "Ingrid", "Nora", "Lars", "Per", "Silje", "Hanne", "Knut", "Marte"],
        "last": ["Nordmann", "Hansen", "Johansen", "Olsen", "Larsen", "Berg", "Haugen", "Dahl", "Lie", "Moen"],
        "cookie": "Vi bruker informasjonskapsler (cookies) for at nettstedet skal fungere og for å forbedre tjenestene våre.",
        "accept": "Godta alle",
        "least": "Kun nødvendige",
        "settings": "Innstillinger",
        "faq": "Ofte stilte spørsmål",
        "street": ["Storgata", "Kirkegata", "Rådhusgata", "Torggata"],
        "hall": "Rådhuset",
    },
    "DK": {
        "lang": "da",
        "tld": "dk",
        "suffix": "Kommune",
        "head": [
            "Hol",
            "Skov",
            "Bjerg",
            "Vest",
            "Nør",
            "Sønder",
            "Lille",
            "Ring",
            "Fred",
            "Hvid",
            "Sol",
            "Strand",
            "Ege",
            "Bøge",
        ],
        "tail": ["by", "rup", "lev", "sted", "ør", "bæk", "holm", "købing", "løse", "skov", "havn", "strup"],
        "regions": [
            "Region Hovedstaden",
            "Region Sjælland",
            "Region Syddanmark",
            "Region Midtjylland",
            "Region Nordjylland",
        ],
        "services": [
            ("Borgerservice", "borgerservice"),
            ("Kontaktcenter", "kontaktcenter"),
            ("Borgerservicecenter", "borgerservicecenter"),
        ],
        "contact": ("Kontakt", "kontakt"),
        "contact_short": "Kontakt",
        "news": ("Nyheder", "nyheder"),
        "events": "Arrangementer",
        "shortcuts": "Genveje",
        "more": "Læs mere",
        "all_news": "Alle nyheder",
        "search": "Søg",
        "skip": "Til indholdet",
        "listen": "Lyt",
        "lang_links": ["English", "Deutsch", "Tegnsprog"],
        "nav": [
            "Børn og skole",
            "Sundhed og ældre",
            "Byg og bolig",
            "Veje og trafik",
            "Kultur og fritid",
            "Erhverv og job",
            "Politik og demokrati",
            "Oplevelser",
            "Job i kommunen",
            "Natur og miljø",
            "Beredskab",
            "Tilskud",
            "Bolig",
            "Friluftsliv",
            "Selvbetjening",
        ],
        "sub": [
            "Dagtilbud",
            "Folkeskole",
            "Ungdomsuddannelse",
            "Plejehjem",
            "Hjemmepleje",
            "Byggetilladelse",
            "Lokalplaner",
            "Parkering",
            "Veje",
            "Idrætsanlæg",
            "Svømmehal",
            "Erhvervsservice",
            "Udbud",
            "Byrådet",
            "Dagsordener",
            "Ledige stillinger",
            "Affald",
            "Skolebus",
            "Fritidsjob",
            "Kort",
            "Boligstøtte",
            "Kontanthjælp",
            "Valg",
            "Kriseberedskab",
        ],
        "words": "kommunen borgere nye skolen dagtilbud vejarbejde sommer vinter fritid kultur arrangementer byggetilladelse affald genbrug trafik parkering omsorg hjemmepleje plejehjem politik byrådet beslutning budget unge idræt svømmehal park legeplads cykelsti planlægning lokalplan høring miljø vand snerydning gadebelysning virksomheder erhverv sommerjob skolestart ferie aktiviteter udstilling koncert teater foreninger tilskud ansøgning invitation efterår forår uge dag aften centrum havnen torvet stationen nu i dag under med for og til fra på i om af".split(),  # noqa: SIM905
        "help": "Vi hjælper dig med spørgsmål om",
        "help2": "Her kan du få vejledning og hjælp til at ansøge om",
        "phone": "Telefon",
        "email": "E-mail",
        "hours": "Åbningstider",
        "days": ["Mandag", "Tirsdag", "Onsdag", "Torsdag", "Fredag"],
        "visit": "Besøgsadresse",
        "switchboard": "Hovednummer",
        "roles": ["Borgerservicechef", "Afdelingsleder", "Centerchef"],
        "staff": "Borgerrådgiver",
        "org": ("Om {s} – organisation", "organisation"),
        "first": ["Mette", "Anne", "Lars", "Jens", "Søren", "Camilla", "Henrik", "Louise", "Mads", "Sofie"],
        "last": [
            "Hansen",
            "Jensen",
            "Nielsen",
            "Pedersen",
            "Andersen",
            "Christensen",
            "Larsen",
            "Sørensen",
            "Rasmussen",
        ],
        "cookie": "Vi bruger cookies for at hjemmesiden kan fungere og for at forbedre din oplevelse. Du bestemmer selv, hvilke cookies du accepterer.",
        "accept": "Accepter alle",
        "least": "Kun nødvendige",
        "settings": "Indstillinger",
        "faq": "Ofte stillede spørgsmål",
        "street": ["Torvet", "Rådhuspladsen", "Kirkegade", "Vestergade"],
        "hall": "Rådhuset",
    },
    "FI": {
        "lang": "fi",
        "tld": "fi",
        "suffix": "kunta",
        "head": [
            "Järvi",
            "Koski",
            "Mäki",
            "Lahti",
            "Salo",
            "Kangas",
            "Kivi",
            "Joki",
            "Ranta",
            "Vuori",
            "Metsä",
            "Laakso",
            "Kuusi",
            "Pihla",
        ],
        "tail": ["nen", "la", "lä", "saari", "vaara", "niemi", "harju", "pää", "kylä", "mäki", "vesi", "lahti"],
        "regions": [
            "Uusimaa",
            "Pirkanmaa",
            "Varsinais-Suomi",
            "Pohjois-Pohjanmaa",
            "Keski-Suomi",
            "Lappi",
            "Satakunta",
            "Kainuu",
            "Pohjois-Karjala",
            "Etelä-Savo",
        ],
        "services": [
            ("Asiakaspalvelu", "asiakaspalvelu"),
            ("Palvelupiste", "palvelupiste"),
            ("Yhteispalvelupiste", "yhteispalvelupiste"),
        ],
        "contact": ("Yhteystiedot", "yhteystiedot"),
        "contact_short": "Yhteystiedot",
        "news": ("Uutiset", "uutiset"),
        "events": "Tapahtumat",
        "shortcuts": "Pikalinkit",
        "more": "Lue lisää",
        "all_news": "Kaikki uutiset",
        "search": "Hae",
        "skip": "Siirry sisältöön",
        "listen": "Kuuntele",
        "lang_links": ["Svenska", "English", "Selkosuomi"],
        "nav": [
            "Kasvatus ja opetus",
            "Sosiaali- ja terveyspalvelut",
            "Asuminen ja rakentaminen",
            "Liikenne ja kadut",
            "Kulttuuri ja vapaa-aika",
            "Elinkeinot ja työ",
            "Päätöksenteko",
            "Koe ja tee",
            "Töihin kuntaan",
            "Ympäristö",
            "Turvallisuus",
            "Avustukset",
            "Kaavoitus",
            "Luonto ja ulkoilu",
            "Asiointi",
        ],
        "sub": [
            "Varhaiskasvatus",
            "Perusopetus",
            "Lukio",
            "Aikuisopetus",
            "Kotihoito",
            "Palvelutalot",
            "Rakennuslupa",
            "Asemakaavat",
            "Pysäköinti",
            "Kadut",
            "Liikuntapaikat",
            "Uimahalli",
            "Yrityspalvelut",
            "Hankinnat",
            "Valtuusto",
            "Pöytäkirjat",
            "Avoimet työpaikat",
            "Jätehuolto",
            "Koulukuljetus",
            "Kesätyöt",
            "Kartat",
            "Asumisen tuet",
            "Vaalit",
            "Valmiussuunnittelu",
        ],
        "words": "kunta asukkaat uusi koulu päiväkoti tietyö kirjasto kesä talvi vapaa-aika kulttuuri tapahtumat rakennuslupa kierrätys liikenne pysäköinti hoiva kotihoito palvelutalo valtuusto päätös talousarvio nuoret liikunta uimahalli puisto leikkipuisto pyörätie kaavoitus asemakaava kuuleminen ympäristö lumityöt katuvalaistus yritykset elinkeino kesätyö koulun alku loma toiminta näyttely konsertti teatteri yhdistykset avustus hakemus kutsu syksy kevät viikko päivä ilta keskusta satama tori asema nyt tänään ja kanssa".split(),  # noqa: SIM905
        "help": "Autamme sinua asioissa, jotka koskevat",
        "help2": "Saat meiltä neuvoa ja apua hakemaan",
        "phone": "Puhelin",
        "email": "Sähköposti",
        "hours": "Aukioloajat",
        "days": ["Maanantai", "Tiistai", "Keskiviikko", "Torstai", "Perjantai"],
        "visit": "Käyntiosoite",
        "switchboard": "Vaihde",
        "roles": ["Asiakaspalvelupäällikkö", "Palvelupäällikkö", "Esimies"],
        "staff": "Palveluneuvoja",
        "org": ("{s} – organisaatio", "organisaatio"),
        "first": ["Anna", "Mikko", "Laura", "Jussi", "Sanna", "Timo", "Heidi", "Antti", "Kaisa", "Juha"],
        "last": [
            "Virtanen",
            "Korhonen",
            "Mäkinen",
            "Nieminen",
            "Heikkinen",
            "Koskinen",
            "Järvinen",
            "Lehtonen",
            "Laine",
        ],
        "cookie": "Käytämme evästeitä (cookies) sivuston toiminnan varmistamiseksi ja palvelujemme kehittämiseksi.",
        "accept": "Hyväksy kaikki",
        "least": "Vain välttämättömät",
        "settings": "Asetukset",
        "faq": "Usein kysyttyä",
        "street": ["Kauppakatu", "Kirkkokatu", "Asemakatu", "Torikatu"],
        "hall": "Kunnantalo",
    },
}
_COUNTRY_WEIGHTS = [("SE", 0.36), ("NO", 0.30), ("DK", 0.14), ("FI", 0.20)]

# --------------------------------------------------------------------------------------------
# The nation: per-site parameters drawn in one pass from random.Random(seed)
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Site:
    index: int
    id: str
    slug: str
    name: str
    country: str
    region: str
    base_latency: float  # seconds, per-site base for every response
    html_latency: float | None  # seconds for every HTML response when the site is very slow
    failure: str | None  # None, "refused", "http500", "challenge"
    banner: bool
    entry: str  # "header", "tiles", "footer" (service link on the homepage) or "contact_only"
    contact_leads_to_service: bool
    service_label: str
    service_path: str
    manager: str  # "service", "org" or ""
    menu_script: bool
    n_nav: int
    n_news: int
    n_tiles: int
    n_css: int
    n_js: int
    n_img: int
    target_bytes: int


@functools.lru_cache(maxsize=65536)
def _fold(text: str) -> str:
    text = text.lower().replace("æ", "ae").replace("ø", "o").replace("å", "a")
    text = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in text if ch.isascii() and (ch.isalnum() or ch == "-"))


def generate_sites(n: int, seed: int) -> list[Site]:
    """The nation's sites in list order; the same (n, seed) always gives the same sites."""
    rng = random.Random(seed)
    sites: list[Site] = []
    used: set[str] = set()
    countries, weights = zip(*_COUNTRY_WEIGHTS, strict=True)
    for i in range(n):
        country = rng.choices(countries, weights)[0]
        L = LANG[country]
        base = rng.choice(L["head"]) + rng.choice(L["tail"])
        base = base[0] + base[1:].lower()
        slug = _fold(base)
        k = 2
        while slug in used:
            slug = f"{_fold(base)}-{k}"
            k += 1
        used.add(slug)
        name = f"{base} {L['suffix']}"
        # Skewed latency: log-normal around 150 ms, clamped to 50-800 ms.
        base_latency = min(0.8, max(0.05, rng.lognormvariate(math.log(0.15), 0.7)))
        html_latency = rng.uniform(2.0, 3.0) if rng.random() < 0.025 else None
        roll = rng.random()
        failure = "refused" if roll < 0.01 else "http500" if roll < 0.02 else "challenge" if roll < 0.03 else None
        entry_roll = rng.random()
        entry = (
            "header"
            if entry_roll < 0.50
            else "tiles"
            if entry_roll < 0.65
            else "footer"
            if entry_roll < 0.80
            else "contact_only"
        )
        label, path = rng.choice(L["services"])
        manager_roll = rng.random()
        n_css, n_js = rng.randint(2, 5), rng.randint(3, 8)
        total = rng.randint(20, 80)
        sites.append(
            Site(
                index=i,
                id=f"{i + 1:04d}",
                slug=slug,
                name=name,
                country=country,
                region=rng.choice(L["regions"]),
                base_latency=base_latency,
                html_latency=html_latency,
                failure=failure,
                banner=rng.random() < 0.55,
                entry=entry,
                contact_leads_to_service=rng.random() < 0.6,
                service_label=label,
                service_path=f"/{path}/",
                manager="service" if manager_roll < 0.35 else "org" if manager_roll < 0.5 else "",
                menu_script=rng.random() < 0.5,
                n_nav=rng.randint(8, 15),
                n_news=rng.randint(20, 60),
                n_tiles=rng.randint(8, 16),
                n_css=n_css,
                n_js=n_js,
                n_img=max(8, total - n_css - n_js),
                target_bytes=rng.randint(100_000, 300_000),
            )
        )
    return sites


# A TCP port that is bound but never listens: connecting to it is refused, and as long as this
# process lives no other program can take it. One per process, shared by the CSV and the server.
_CLOSED_SOCKET: socket.socket | None = None
_CLOSED_LOCK = threading.Lock()


def closed_port() -> int:
    global _CLOSED_SOCKET
    with _CLOSED_LOCK:
        if _CLOSED_SOCKET is None:
            sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            sock.bind(("127.0.0.1", 0))
            _CLOSED_SOCKET = sock
        return int(_CLOSED_SOCKET.getsockname()[1])


def site_url(site: Site, port: int, refused_port: int | None = None) -> str:
    if site.failure == "refused":
        return f"http://{site.slug}.localhost:{refused_port or closed_port()}/"
    return f"http://{site.slug}.localhost:{port}/"


def write_municipality_csv(path: str | Path, n: int, seed: int, port: int, closed: int | None = None) -> list[Site]:
    """Write ``id,name,country,region,url`` for the nation (ids zero-padded strings); return its sites."""
    sites = generate_sites(n, seed)
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["id", "name", "country", "region", "url"])
        for s in sites:
            w.writerow([s.id, s.name, s.country, s.region, site_url(s, port, closed)])
    return sites


# --------------------------------------------------------------------------------------------
# Static assets: a pool of valid PNG and SVG images of 2-40 KB, generated once
# --------------------------------------------------------------------------------------------


def _png(rng: random.Random, size: int) -> bytes:
    width = 64
    row = width * 3
    height = max(1, size // (row + 1))
    raw = b"".join(b"\x00" + rng.randbytes(row) for _ in range(height))  # noise: barely compressible

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(raw, 1)) + chunk(b"IEND", b"")


def _svg(rng: random.Random, size: int) -> bytes:
    parts = ['<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 200 200" width="200" height="200">']
    total = len(parts[0])
    while total < size:
        pts = " ".join(f"{rng.randint(0, 200)},{rng.randint(0, 200)}" for _ in range(8))
        color = f"#{rng.randrange(0x1000000):06x}"
        piece = f'<polygon points="{pts}" fill="{color}" opacity="0.{rng.randint(2, 9)}"/>'
        parts.append(piece)
        total += len(piece)
    parts.append("</svg>")
    return "".join(parts).encode("ascii")


class _Assets:
    def __init__(self, seed: int) -> None:
        rng = random.Random(f"{seed}:assets")
        self.pngs = [_png(rng, rng.randint(2_000, 40_000)) for _ in range(48)]
        self.svgs = [_svg(rng, rng.randint(2_000, 12_000)) for _ in range(16)]


# --------------------------------------------------------------------------------------------
# Page generation
# --------------------------------------------------------------------------------------------

_BASE_CSS = """
*,*::before,*::after{box-sizing:border-box}html{font-size:100%;-webkit-text-size-adjust:100%}
body{margin:0;font-family:"Source Sans Pro",Arial,Helvetica,sans-serif;line-height:1.5;color:#1b1b1b;background:#fff}
a{color:var(--brand,#00558c)}a:hover{text-decoration:none}img{max-width:100%;height:auto;display:block}
.skip-link{position:absolute;left:-9999px}.skip-link:focus{left:1rem;top:1rem;z-index:2000;background:#fff;padding:.5rem}
.container{max-width:1200px;margin:0 auto;padding:0 1.25rem}
.top-bar{background:var(--brand-dark,#003a60);color:#fff;font-size:.875rem}.top-bar .container{display:flex;justify-content:flex-end;gap:1.25rem;padding:.35rem 1.25rem}
.top-bar a{color:#fff}.site-header{border-bottom:1px solid #ddd;background:#fff}
.header-main{display:flex;align-items:center;justify-content:space-between;padding:.9rem 0;gap:1rem}
.logo img{height:56px;width:auto}.header-tools{display:flex;gap:1rem;align-items:center}
.header-tools .search input{padding:.45rem .6rem;border:1px solid #888;border-radius:3px;width:220px}
.main-nav{background:var(--brand,#00558c)}.main-nav>.container>ul{display:flex;flex-wrap:wrap;margin:0;padding:0;list-style:none}
.main-nav li{position:relative}.main-nav>.container>ul>li>a{display:block;padding:.7rem .75rem;color:#fff;text-decoration:none;font-weight:600;font-size:.95rem}
.main-nav .mega{display:none;position:absolute;left:0;top:100%;background:#fff;box-shadow:0 6px 18px rgba(0,0,0,.2);min-width:320px;padding:1rem;z-index:50}
.main-nav li:hover>.mega{display:block}.mega ul{list-style:none;margin:0;padding:0;columns:2}.mega a{display:block;padding:.2rem 0}
.hero{position:relative;background:#eef3f7}.hero img{width:100%;height:280px;object-fit:cover}
.hero .hero-text{position:absolute;left:2rem;bottom:2rem;background:rgba(255,255,255,.92);padding:1rem 1.5rem;max-width:560px}
.hero h1{margin:0 0 .4rem;font-size:2rem}.tiles{padding:1.5rem 0}.tiles ul{display:grid;grid-template-columns:repeat(4,1fr);gap:1rem;list-style:none;margin:0;padding:0}
.tile a{display:flex;gap:.6rem;align-items:center;padding:1rem;border:1px solid #cfd8df;border-radius:4px;text-decoration:none;font-weight:600;min-height:64px}
.tile svg{width:28px;height:28px;flex:none}.news{padding:1.5rem 0}.news-list{display:grid;grid-template-columns:repeat(3,1fr);gap:1.25rem}
.news-item{border:1px solid #e3e3e3;border-radius:4px;overflow:hidden;background:#fff}.news-item img{width:100%;height:150px;object-fit:cover}
.news-item .body{padding:.8rem 1rem}.news-item h3{font-size:1.1rem;margin:.2rem 0}.news-item time{font-size:.8rem;color:#555}
.news-item p{font-size:.92rem;margin:.4rem 0 0}.events{background:#f5f5f0;padding:1.5rem 0}.events ul{list-style:none;padding:0;display:grid;grid-template-columns:repeat(2,1fr);gap:.75rem}
.site-footer{background:#20303c;color:#eee;margin-top:2rem;padding:2rem 0;font-size:.92rem}.site-footer a{color:#fff}
.footer-cols{display:grid;grid-template-columns:repeat(4,1fr);gap:1.5rem}.footer-cols ul{list-style:none;padding:0;margin:0}
.breadcrumb{font-size:.85rem;padding:.75rem 0}.breadcrumb ol{list-style:none;display:flex;gap:.5rem;padding:0;margin:0}
.article{max-width:760px}.article h1{font-size:2.1rem}.contact-box{background:#eef3f7;padding:1rem 1.25rem;border-left:4px solid var(--brand,#00558c);margin:1rem 0}
.faq details{border-bottom:1px solid #ddd;padding:.5rem 0}.faq summary{cursor:pointer;font-weight:600}
.cc-banner{position:fixed;left:0;right:0;bottom:0;z-index:1000;background:#fff;border-top:3px solid var(--brand,#00558c);box-shadow:0 -4px 16px rgba(0,0,0,.25);padding:1.25rem}
.cc-banner .container{display:flex;gap:1rem;align-items:center;justify-content:space-between}.cc-banner p{margin:0;max-width:680px}
.cc-btn{padding:.6rem 1.1rem;border:2px solid var(--brand,#00558c);background:var(--brand,#00558c);color:#fff;font-weight:600;cursor:pointer;border-radius:3px}
.cc-btn.secondary{background:#fff;color:var(--brand,#00558c)}.quick-menu{display:flex;gap:1rem;list-style:none;margin:0;padding:0}
@media (max-width:800px){.tiles ul,.news-list,.footer-cols{grid-template-columns:1fr}.main-nav>.container>ul{display:none}.header-tools .search input{width:120px}}
"""

_PRINT = ' media="print"'
_MENU_JS = """(function(){'use strict';
function build(){var host=document.querySelector('.header-tools');if(!host)return;
var links=JSON.parse(document.documentElement.getAttribute('data-quick')||'[]');var ul=document.createElement('ul');ul.className='quick-menu';
links.forEach(function(l){var li=document.createElement('li');var a=document.createElement('a');a.href=l[1];a.textContent=l[0];li.appendChild(a);ul.appendChild(li);});
host.insertBefore(ul,host.firstChild);}
setTimeout(build,200);})();
"""


class _Page:
    """Tiny HTML builder with escaping."""

    def __init__(self) -> None:
        self.parts: list[str] = []

    def add(self, text: str) -> None:
        self.parts.append(text)

    def __str__(self) -> str:
        return "".join(self.parts)


def e(text: str) -> str:
    return html.escape(text, quote=True)


class Nation:
    """Content and timing of every page of every site (pure, cached, thread-safe enough)."""

    def __init__(self, n: int, seed: int) -> None:
        self.n, self.seed = n, seed
        self.sites = generate_sites(n, seed)
        self.by_slug = {s.slug: s for s in self.sites}
        self.assets = _Assets(seed)
        self._cache: dict[tuple[str, str], tuple[int, str, bytes, dict[str, str]] | None] = {}
        self._lock = threading.Lock()

    # --- timing ------------------------------------------------------------------------------

    def latency(self, site: Site, path: str, is_html: bool) -> float:
        f = 0.5 + (zlib.crc32(f"{self.seed}:{site.slug}:{path}".encode()) % 1000) / 1000.0  # 0.5-1.5
        if is_html:
            if site.html_latency is not None:
                return site.html_latency * (0.9 + f / 7.5)  # still 2-3 s
            return min(0.8, max(0.05, site.base_latency * 1.5 * f))
        return min(0.8, max(0.05, site.base_latency * f))

    # --- routing -----------------------------------------------------------------------------

    def response(self, slug: str, path: str) -> tuple[int, str, bytes, dict[str, str]] | None:
        """(status, content type, body, extra headers) for a path, or None for 404."""
        key = (slug, path)
        cached = self._cache.get(key, ())
        if cached != ():
            return cached  # type: ignore[return-value]
        site = self.by_slug.get(slug)
        result = None if site is None else self._build(site, path)
        with self._lock:
            self._cache[key] = result
        return result

    def is_html(self, path: str) -> bool:
        return not path.startswith(("/assets/", "/media/")) and path != "/robots.txt"

    def _build(self, site: Site, path: str) -> tuple[int, str, bytes, dict[str, str]] | None:
        L = LANG[site.country]
        if path == "/robots.txt" or path == "/favicon.ico":
            return None
        if path.startswith("/media/"):
            h = zlib.crc32(f"{site.slug}{path}".encode())
            if path.endswith(".svg"):
                return 200, "image/svg+xml", self.assets.svgs[h % len(self.assets.svgs)], {}
            if path.endswith(".png"):
                return 200, "image/png", self.assets.pngs[h % len(self.assets.pngs)], {}
            return None
        if path.startswith("/assets/css/"):
            return 200, "text/css; charset=utf-8", self._css(site, path).encode(), {}
        if path.startswith("/assets/js/"):
            return 200, "text/javascript; charset=utf-8", self._js(site, path).encode(), {}
        if site.failure == "http500":
            body = "<!doctype html><html><head><title>500 Internal Server Error</title></head><body><h1>Internal Server Error</h1><p>The server encountered an internal error.</p></body></html>"
            return 500, "text/html; charset=utf-8", body.encode(), {}
        if site.failure == "challenge":
            body = (
                "<!doctype html><html><head><title>Just a moment...</title></head><body><h1>Checking your browser before accessing "
                f"{e(site.slug)}</h1><p>This process is automatic.</p><noscript>Enable JavaScript and cookies to continue</noscript></body></html>"
            )
            return 403, "text/html; charset=utf-8", body.encode(), {"cf-mitigated": "challenge", "server": "cloudflare"}
        service_exists = site.entry != "contact_only" or site.contact_leads_to_service
        page: str | None = None
        if path == "/":
            page = self._home(site)
        elif path == f"/{L['contact'][1]}/":
            page = self._contact(site)
        elif service_exists and path == site.service_path:
            page = self._service(site)
        elif service_exists and path == f"{site.service_path}{L['org'][1]}/":
            page = self._org(site)
        elif path.startswith(f"/{L['news'][1]}/") and path.count("/") == 3:
            page = self._news_page(site, path)
        elif path.count("/") == 2 and path.strip("/") in {_fold(x) for x in L["nav"] + L["sub"]}:
            page = self._topic_page(site, path)
        if page is None:
            return None
        return 200, "text/html; charset=utf-8", page.encode("utf-8"), {}

    # --- helpers -----------------------------------------------------------------------------

    def _rng(self, site: Site, what: str) -> random.Random:
        return random.Random(f"{self.seed}:{site.slug}:{what}")

    @staticmethod
    def _sentence(rng: random.Random, words: list[str], lo: int, hi: int) -> str:
        s = " ".join(rng.choices(words, k=rng.randint(lo, hi)))
        return s[0].upper() + s[1:]

    def _assets(self, site: Site) -> tuple[list[str], list[str]]:
        rng = self._rng(site, "assetnames")
        css = [
            f"/assets/css/{name}.{rng.randrange(16**8):08x}.css"
            for name in (["main", "theme", "print", "components", "vendor"][: site.n_css])
        ]
        js = [
            f"/assets/js/{name}.{rng.randrange(16**8):08x}.js"
            for name in (
                ["runtime", "vendor", "app", "search", "a11y", "carousel", "forms", "tracking-consent"][: site.n_js]
            )
        ]
        if site.menu_script:
            js[-1] = f"/assets/js/menu.{rng.randrange(16**8):08x}.js"
        return css, js

    def _css(self, site: Site, path: str) -> str:
        rng = self._rng(site, path)
        brand = f"#{rng.randrange(0x30, 0xA0):02x}{rng.randrange(0x30, 0x90):02x}{rng.randrange(0x60, 0xB0):02x}"
        out = [f":root{{--brand:{brand};--brand-dark:#1d2b36}}"]
        if "/main." in path:
            out.append(_BASE_CSS)
        target = rng.randint(4_000, 30_000)
        size = sum(len(x) for x in out)
        i = 0
        while size < target:  # utility classes, as CMS themes ship them
            rule = f".u-{rng.choice(['m', 'p', 'mt', 'mb', 'pt', 'pb', 'gap', 'w', 'fs'])}-{i}{{{rng.choice(['margin', 'padding', 'margin-top', 'padding-bottom', 'gap', 'width', 'font-size'])}:{rng.randint(0, 64) / 8:.3g}rem}}\n"
            out.append(rule)
            size += len(rule)
            i += 1
        return "".join(out)

    def _js(self, site: Site, path: str) -> str:
        if "/menu." in path:
            return _MENU_JS
        rng = self._rng(site, path)
        out = ["(function(){'use strict';var d=document;d.documentElement.classList.add('js');\n"]
        for i in range(rng.randint(10, 120)):  # dead helper functions: parsed, never run
            out.append(
                f"function h{i}(a,b){{var c=(a||0)+(b||{i});if(c>{rng.randint(1, 999)}){{return c*{rng.randint(2, 9)}}}return [a,b,c].join('-')}}\n"
            )
        out.append("})();\n")
        return "".join(out)

    def _quick_links(self, site: Site) -> list[tuple[str, str]]:
        L = LANG[site.country]
        return [
            (L["sub"][3], f"/{_fold(L['sub'][3])}/"),
            (L["sub"][15], f"/{_fold(L['sub'][15])}/"),
            (L["nav"][-1], f"/{_fold(L['nav'][-1])}/"),
        ]

    def _head(self, site: Site, title: str, *, home: bool, rng: random.Random) -> str:
        L = LANG[site.country]
        css, js = self._assets(site)
        blocking, deferred = js[:2], js[2:]
        quick = json.dumps(self._quick_links(site), ensure_ascii=False)
        parts = [
            f'<!doctype html>\n<html lang="{L["lang"]}" class="no-js" data-quick="{e(quick)}">\n<head>\n<meta charset="utf-8">\n',
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n',
            f'<title>{e(title)}</title>\n<meta name="description" content="{e(self._sentence(rng, L["words"], 12, 20))}">\n',
            f'<meta property="og:title" content="{e(title)}"><meta property="og:site_name" content="{e(site.name)}">\n',
        ]
        parts += [f'<link rel="stylesheet" href="{c}"{_PRINT if "/print." in c else ""}>\n' for c in css]
        parts += [f'<script src="{j}"></script>\n' for j in blocking]
        parts += [f'<script src="{j}" defer></script>\n' for j in deferred]
        ld = {
            "@context": "https://schema.org",
            "@type": "GovernmentOrganization",
            "name": site.name,
            "address": {
                "@type": "PostalAddress",
                "streetAddress": f"{rng.choice(L['street'])} {rng.randint(1, 40)}",
                "addressRegion": site.region,
            },
        }
        parts.append(f'<script type="application/ld+json">{json.dumps(ld, ensure_ascii=False)}</script>\n</head>\n')
        parts.append(
            f'<body class="{"page-home" if home else "page-sub"} theme-{site.country.lower()}">\n<a class="skip-link" href="#main">{e(L["skip"])}</a>\n'
        )
        return "".join(parts)

    def _header(self, site: Site, rng: random.Random, *, mega: bool) -> str:
        L = LANG[site.country]
        p = _Page()
        p.add('<header class="site-header" role="banner">\n<div class="top-bar"><div class="container">')
        for t in L["lang_links"]:
            p.add(f'<a href="/{_fold(t)}/" lang="{"en" if t == "English" else L["lang"]}">{e(t)}</a>')
        p.add(f'<a href="#" class="listen">{e(L["listen"])}</a>')
        if site.entry == "header":
            p.add(f'<a href="{site.service_path}" class="top-service">{e(site.service_label)}</a>')
        p.add(
            f'<a href="/{L["contact"][1]}/">{e(L["contact"][0] if site.entry != "contact_only" else L["contact_short"])}</a>'
        )
        p.add('</div></div>\n<div class="container header-main">')
        p.add(
            f'<a class="logo" href="/"><img src="/media/logo.svg" alt="{e(site.name)}, till startsidan" width="180" height="56"></a>'
        )
        p.add(
            f'<div class="header-tools"><form class="search" role="search" action="/sok/"><label class="skip-link" for="q">{e(L["search"])}</label>'
            f'<input id="q" name="q" type="search" placeholder="{e(L["search"])}..."><button type="submit">{e(L["search"])}</button></form></div></div>\n'
        )
        p.add('<nav class="main-nav" aria-label="Huvudmeny"><div class="container"><ul>\n')
        for item in L["nav"][: site.n_nav]:
            p.add(f'<li><a href="/{_fold(item)}/">{e(item)}</a>')
            if mega:
                p.add('<div class="mega"><ul>')
                for sub in rng.sample(L["sub"], rng.randint(6, 12)):
                    p.add(f'<li><a href="/{_fold(sub)}/">{e(sub)}</a></li>')
                p.add("</ul></div>")
            p.add("</li>\n")
        p.add("</ul></div></nav>\n</header>\n")
        return str(p)

    def _footer(self, site: Site, rng: random.Random) -> str:
        L = LANG[site.country]
        tld = L["tld"]
        phone = self._switchboard(site)
        p = _Page()
        p.add('<footer class="site-footer" role="contentinfo"><div class="container footer-cols">\n')
        p.add(
            f"<div><h2>{e(site.name)}</h2><p>{e(L['hall'])}<br>{e(rng.choice(L['street']))} {rng.randint(1, 40)}<br>{rng.randint(100, 999)} {rng.randint(10, 99)} {e(site.name.split()[0])}</p>"
            f'<p>{e(L["switchboard"])}: {phone}<br>{e(L["email"])}: <a href="mailto:{site.slug}@{site.slug}.{tld}">{site.slug}@{site.slug}.{tld}</a></p></div>\n'
        )
        p.add(
            f"<div><h2>{e(L['hours'])}</h2><p>{e(L['days'][0])}–{e(L['days'][3])} 08.00–16.30<br>{e(L['days'][4])} 08.00–15.00</p></div>\n"
        )
        p.add("<div><ul>")
        if site.entry == "footer":
            p.add(f'<li><a href="{site.service_path}">{e(site.service_label)}</a></li>')
        p.add(f'<li><a href="/{L["contact"][1]}/">{e(L["contact_short"])}</a></li>')
        for item in rng.sample(L["sub"], 8):
            p.add(f'<li><a href="/{_fold(item)}/">{e(item)}</a></li>')
        p.add("</ul></div>\n<div><ul>")
        for item in rng.sample(L["nav"], 6):
            p.add(f'<li><a href="/{_fold(item)}/">{e(item)}</a></li>')
        p.add("</ul></div>\n</div></footer>\n")
        return str(p)

    def _switchboard(self, site: Site) -> str:
        r = self._rng(site, "phone")
        if site.country == "SE":
            return f"0{r.randint(10, 999)}-{r.randint(10, 99)} {r.randint(10, 99)} {r.randint(10, 99)}"
        if site.country == "FI":
            return f"0{r.randint(10, 99)} {r.randint(100, 999)} {r.randint(1000, 9999)}"
        return f"{r.randint(20, 99)} {r.randint(10, 99)} {r.randint(10, 99)} {r.randint(10, 99)}"

    def _banner(self, site: Site) -> str:
        if not site.banner:
            return ""
        L = LANG[site.country]
        rm = "document.getElementById('cookie-banner').remove()"
        return (
            f'<div id="cookie-banner" class="cc-banner" style="position:fixed;left:0;right:0;bottom:0;z-index:1000"><div class="container">'
            f'<p>{e(L["cookie"])}</p><div><button type="button" class="cc-btn" onclick="{rm}">{e(L["accept"])}</button> '
            f'<button type="button" class="cc-btn secondary" onclick="{rm}">{e(L["least"])}</button></div></div></div>\n'
        )

    def _img(self, site: Site, rng: random.Random, i: int, alt: str, cls: str = "") -> str:
        ext = "svg" if rng.random() < 0.2 else "png"
        klass = f' class="{cls}"' if cls else ""
        return f'<img src="/media/{i:03d}-{rng.randrange(16**6):06x}.{ext}" alt="{e(alt)}" width="400" height="225"{klass}>'

    # --- pages -------------------------------------------------------------------------------

    def _home(self, site: Site) -> str:
        L = LANG[site.country]
        rng = self._rng(site, "/")
        p = _Page()
        p.add(self._head(site, f"Start – {site.name}", home=True, rng=rng))
        p.add(self._banner(site))
        p.add(self._header(site, rng, mega=True))
        imgs = iter(range(site.n_img))
        p.add('<main id="main">\n<section class="hero">')
        p.add(self._img(site, rng, next(imgs), "", "hero-img"))
        p.add(
            f'<div class="hero-text"><h1>{e(site.name)}</h1><p>{e(self._sentence(rng, L["words"], 10, 18))}.</p></div></section>\n'
        )
        p.add(f'<section class="tiles"><div class="container"><h2>{e(L["shortcuts"])}</h2><ul>\n')
        tiles = rng.sample(L["sub"], min(site.n_tiles, len(L["sub"])))
        entries = [(t, f"/{_fold(t)}/") for t in tiles]
        if site.entry == "tiles":
            entries.insert(rng.randint(0, len(entries)), (site.service_label, site.service_path))
        for text, href in entries:
            icon = "".join(
                f'<path d="M{rng.randint(0, 24)} {rng.randint(0, 24)}L{rng.randint(0, 24)} {rng.randint(0, 24)}"/>'
                for _ in range(6)
            )
            p.add(
                f'<li class="tile"><a href="{href}"><svg viewBox="0 0 24 24" aria-hidden="true" focusable="false" stroke="currentColor" fill="none">{icon}</svg><span>{e(text)}</span></a></li>\n'
            )
        p.add("</ul></div></section>\n")
        p.add(f'<section class="news"><div class="container"><h2>{e(L["news"][0])}</h2><div class="news-list">\n')
        news_root = L["news"][1]
        for k in range(site.n_news):
            title = self._sentence(rng, L["words"], 4, 9)
            slug = "-".join(_fold(w) for w in title.split()[:6])
            img = next(imgs, None)
            p.add(f'<article class="news-item" data-id="{rng.randrange(10**6)}">')
            if img is not None:
                p.add(self._img(site, rng, img, title))
            p.add(
                f'<div class="body"><time datetime="2026-{rng.randint(1, 10):02d}-{rng.randint(1, 28):02d}">{rng.randint(1, 28)}/{rng.randint(1, 10)} 2026</time>'
                f'<h3><a href="/{news_root}/{slug}-{k}/">{e(title)}</a></h3><p>{e(self._sentence(rng, L["words"], 18, 40))}.</p>'
                f'<a class="more" href="/{news_root}/{slug}-{k}/" aria-hidden="true" tabindex="-1">{e(L["more"])}</a></div></article>\n'
            )
        p.add(f'</div><p><a href="/{news_root}/">{e(L["all_news"])}</a></p></div></section>\n')
        for rest in imgs:  # any images left: a partner-logo strip
            p.add(self._img(site, rng, rest, self._sentence(rng, L["words"], 1, 3), "partner"))
        p.add(f'<section class="events"><div class="container"><h2>{e(L["events"])}</h2><ul>\n')
        for _ in range(rng.randint(4, 10)):
            t = self._sentence(rng, L["words"], 3, 7)
            p.add(
                f'<li><a href="/{_fold(L["nav"][7])}/">{e(t)}</a> <span>{rng.randint(1, 28)}/{rng.randint(1, 12)}</span></li>\n'
            )
        p.add("</ul></div></section>\n</main>\n")
        p.add(self._footer(site, rng))
        # Pad to the drawn size with an embedded CMS state blob (many CMSs ship one).
        size = sum(len(x) for x in p.parts)
        state: list[dict[str, Any]] = []
        blob_size = 0
        while size + blob_size < site.target_bytes - 200:
            item = {
                "id": rng.randrange(10**7),
                "title": self._sentence(rng, L["words"], 4, 9),
                "summary": self._sentence(rng, L["words"], 20, 40),
                "tags": rng.sample(L["words"], 3),
                "published": f"2026-{rng.randint(1, 10):02d}-{rng.randint(1, 28):02d}T08:00:00Z",
            }
            blob_size += len(json.dumps(item, ensure_ascii=False)) + 2
            state.append(item)
        if state:
            blob = json.dumps({"archive": state}, ensure_ascii=False).replace("</", "<\\/")
            p.add(f'<script id="__CMS_STATE__" type="application/json">{blob}</script>\n')
        p.add("</body>\n</html>\n")
        return str(p)

    def _subpage(
        self,
        site: Site,
        path: str,
        title: str,
        crumbs: list[tuple[str, str]],
        body: str,
        rng: random.Random,
        n_img: int,
    ) -> str:
        L = LANG[site.country]
        p = _Page()
        p.add(self._head(site, f"{title} – {site.name}", home=False, rng=rng))
        p.add(self._header(site, rng, mega=False))
        p.add(
            '<main id="main"><div class="container"><nav class="breadcrumb" aria-label="Brödsmulor"><ol><li><a href="/">Start</a></li>'
        )
        for text, href in crumbs:
            p.add(f'<li><a href="{href}">{e(text)}</a></li>')
        p.add(f'</ol></nav><article class="article">\n{body}\n')
        for i in range(n_img):
            p.add(self._img(site, rng, 500 + i, self._sentence(rng, L["words"], 2, 5)))
        p.add("</article></div></main>\n")
        p.add(self._footer(site, rng))
        p.add("</body>\n</html>\n")
        return str(p)

    def _manager_line(self, site: Site) -> str:
        L = LANG[site.country]
        r = self._rng(site, "manager")
        return f'<p class="manager"><strong>{e(r.choice(L["roles"]))}:</strong> {e(r.choice(L["first"]))} {e(r.choice(L["last"]))}</p>'

    def _service(self, site: Site) -> str:
        L = LANG[site.country]
        rng = self._rng(site, site.service_path)
        tld = L["tld"]
        mail = f"{_fold(site.service_label)}@{site.slug}.{tld}"
        topics = ", ".join(w.lower() for w in rng.sample(L["sub"], 6))
        b = _Page()
        b.add(
            f'<h1>{e(site.service_label)}</h1>\n<p class="lead">{e(L["help"])} {e(topics)}. {e(L["help2"])} {e(rng.choice(L["sub"]).lower())}.</p>\n'
        )
        b.add(
            f'<div class="contact-box"><p><strong>{e(L["phone"])}:</strong> {self._switchboard(site)}</p>'
            f'<p><strong>{e(L["email"])}:</strong> <a href="mailto:{mail}">{mail}</a></p>'
            f"<p><strong>{e(L['visit'])}:</strong> {e(L['hall'])}, {e(rng.choice(L['street']))} {rng.randint(1, 40)}</p></div>\n"
        )
        b.add(f'<h2>{e(L["hours"])}</h2><table class="hours"><tbody>')
        for d in L["days"]:
            b.add(f'<tr><th scope="row">{e(d)}</th><td>08.00–{rng.choice(["16.00", "16.30", "17.00"])}</td></tr>')
        b.add("</tbody></table>\n")
        if site.manager == "service":
            b.add(self._manager_line(site))
        org_label = L["org"][0].format(s=site.service_label)
        b.add(f'<p><a href="{site.service_path}{L["org"][1]}/">{e(org_label)}</a></p>')
        b.add(f'<p><a href="/{L["contact"][1]}/">{e(L["contact"][0])}</a></p>\n')
        b.add(f'<section class="faq"><h2>{e(L["faq"])}</h2>\n')
        while sum(len(x) for x in b.parts) < 18_000:
            b.add(
                f"<details><summary>{e(self._sentence(rng, L['words'], 5, 10))}?</summary><p>{e(self._sentence(rng, L['words'], 30, 60))}.</p></details>\n"
            )
        b.add("</section>")
        return self._subpage(
            site,
            site.service_path,
            site.service_label,
            [(site.service_label, site.service_path)],
            str(b),
            rng,
            rng.randint(4, 14),
        )

    def _org(self, site: Site) -> str:
        L = LANG[site.country]
        path = f"{site.service_path}{L['org'][1]}/"
        rng = self._rng(site, path)
        title = L["org"][0].format(s=site.service_label)
        b = _Page()
        b.add(f"<h1>{e(title)}</h1><p>{e(self._sentence(rng, L['words'], 20, 40))}.</p>\n")
        if site.manager == "org":
            b.add(self._manager_line(site))
        b.add('<ul class="staff">')
        for _ in range(rng.randint(4, 10)):
            b.add(f"<li>{e(rng.choice(L['first']))} {e(rng.choice(L['last']))}, {e(L['staff'])}</li>")
        b.add("</ul>")
        for _ in range(rng.randint(6, 14)):
            b.add(f"<p>{e(self._sentence(rng, L['words'], 30, 60))}.</p>\n")
        return self._subpage(
            site, path, title, [(site.service_label, site.service_path), (title, path)], str(b), rng, rng.randint(2, 8)
        )

    def _contact(self, site: Site) -> str:
        L = LANG[site.country]
        path = f"/{L['contact'][1]}/"
        rng = self._rng(site, path)
        b = _Page()
        b.add(f"<h1>{e(L['contact'][0])}</h1><p>{e(self._sentence(rng, L['words'], 15, 30))}.</p>\n")
        b.add(
            f'<div class="contact-box"><p>{e(L["switchboard"])}: {self._switchboard(site)}</p><p>{e(L["email"])}: {site.slug}@{site.slug}.{L["tld"]}</p></div>\n'
        )
        if site.entry != "contact_only" or site.contact_leads_to_service:
            b.add(
                f'<p><a href="{site.service_path}">{e(site.service_label)}</a> – {e(self._sentence(rng, L["words"], 8, 14))}.</p>\n'
            )
        for _ in range(rng.randint(6, 14)):
            b.add(
                f"<h2>{e(self._sentence(rng, L['words'], 2, 4))}</h2><p>{e(self._sentence(rng, L['words'], 25, 50))}.</p>\n"
            )
        return self._subpage(site, path, L["contact"][0], [(L["contact"][0], path)], str(b), rng, rng.randint(2, 8))

    def _news_page(self, site: Site, path: str) -> str:
        L = LANG[site.country]
        rng = self._rng(site, path)
        title = self._sentence(rng, L["words"], 4, 9)
        body = f"<h1>{e(title)}</h1>" + "".join(
            f"<p>{e(self._sentence(rng, L['words'], 30, 60))}.</p>\n" for _ in range(rng.randint(4, 10))
        )
        return self._subpage(site, path, title, [(L["news"][0], f"/{L['news'][1]}/")], body, rng, rng.randint(1, 4))

    def _topic_page(self, site: Site, path: str) -> str:
        L = LANG[site.country]
        rng = self._rng(site, path)
        title = path.strip("/").replace("-", " ").capitalize()
        body = f"<h1>{e(title)}</h1>" + "".join(
            f"<h2>{e(self._sentence(rng, L['words'], 2, 5))}</h2><p>{e(self._sentence(rng, L['words'], 30, 60))}.</p>\n"
            for _ in range(rng.randint(4, 10))
        )
        return self._subpage(site, path, title, [(title, path)], body, rng, rng.randint(2, 6))


# --------------------------------------------------------------------------------------------
# The server
# --------------------------------------------------------------------------------------------


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 1024

    def __init__(self, nation: Nation) -> None:
        self.nation = nation
        self.hits = 0
        super().__init__(("127.0.0.1", 0), _Handler)

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # a browser closing a kept-alive connection (context closed) is normal, not news


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"  # keep-alive, as real servers do

    def log_message(self, format: str, *args: Any) -> None:  # no access log
        pass

    def do_HEAD(self) -> None:
        self._serve(body=False)

    def do_GET(self) -> None:
        self._serve(body=True)

    def _serve(self, body: bool) -> None:
        self.server.hits += 1
        host = (self.headers.get("Host") or "").lower().split(":")[0].rstrip(".")
        slug = host[: -len(".localhost")] if host.endswith(".localhost") else ""
        path = self.path.split("?", 1)[0].split("#", 1)[0] or "/"
        nation = self.server.nation
        site = nation.by_slug.get(slug)
        result = nation.response(slug, path) if site else None
        if site is not None:
            time.sleep(nation.latency(site, path, nation.is_html(path)))
        if result is None:
            result = (404, "text/html; charset=utf-8", b"<!doctype html><title>404</title><h1>Not found</h1>", {})
        status, ctype, data, extra = result
        try:
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(data)))
            cacheable = path.startswith(("/assets/", "/media/")) and status == 200
            self.send_header("Cache-Control", "public, max-age=3600" if cacheable else "no-cache")
            for k, v in extra.items():
                self.send_header(k, v)
            self.end_headers()
            if body:
                self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True


class NationServer:
    """``with NationServer(n=400, seed=1) as srv: srv.url_for(slug)``; binds 127.0.0.1 only."""

    def __init__(self, n: int = 400, seed: int = 1) -> None:
        self.nation = Nation(n, seed)
        self.sites = self.nation.sites
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self.closed_port = closed_port()

    def __enter__(self) -> Self:
        self._server = _Server(self.nation)
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.1}, name="nation", daemon=True
        )
        self._thread.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        assert self._server is not None
        self._server.shutdown()
        self._server.server_close()

    @property
    def port(self) -> int:
        assert self._server is not None, "NationServer is not started"
        return int(self._server.server_address[1])

    @property
    def hits(self) -> int:
        return self._server.hits if self._server else 0

    def url_for(self, slug: str) -> str:
        return site_url(self.nation.by_slug[slug], self.port, self.closed_port)

    def write_csv(self, path: str | Path) -> list[Site]:
        return write_municipality_csv(path, self.nation.n, self.nation.seed, self.port, self.closed_port)

    def warm(self) -> None:
        """Build every HTML page in advance so page generation never competes with a measured run."""
        L_paths = []
        for s in self.sites:
            L = LANG[s.country]
            L_paths.append((s, ["/", f"/{L['contact'][1]}/", s.service_path, f"{s.service_path}{L['org'][1]}/"]))
        for s, paths in L_paths:
            css, js = self.nation._assets(s)
            for path in paths + css + js:
                self.nation.response(s.slug, path)


def main() -> None:
    """``python benchmarks/nation.py --sites N --seed S [--csv PATH]``: serve until stdin closes.

    Prints ``port <PORT>`` once the server listens (used by profile.py to keep the server out of
    the profiled process).
    """
    import argparse
    import sys

    ap = argparse.ArgumentParser(description="Serve a generated nation of municipality sites on 127.0.0.1.")
    ap.add_argument("--sites", type=int, default=400)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--csv", type=Path, help="also write the municipality list here")
    ap.add_argument("--list", action="store_true", help="print the sites and their traits")
    args = ap.parse_args()
    with NationServer(args.sites, args.seed) as srv:
        srv.warm()
        if args.csv:
            srv.write_csv(args.csv)
        if args.list:
            for s in srv.sites:
                print(
                    s.id,
                    s.name,
                    srv.url_for(s.slug),
                    s.failure or "-",
                    s.entry,
                    "banner" if s.banner else "-",
                    f"html {s.html_latency:.1f}s" if s.html_latency else f"base {s.base_latency * 1000:.0f}ms",
                    file=sys.stderr,
                )
        print(f"port {srv.port}", flush=True)
        try:
            sys.stdin.read()  # until the parent closes our stdin (or Ctrl-D)
        except KeyboardInterrupt:
            pass


if __name__ == "__main__":
    main()
