"""Loading and validating the municipality list."""

from __future__ import annotations

from pathlib import Path

import pytest

from audit.errors import InputError, Problem
from audit.models import Municipality
from audit.municipalities import (
    language_for,
    load_municipalities,
    sniff_language,
    unknown_id_message,
    url_problem,
)

REPO = Path(__file__).resolve().parents[1]
HEADER = "id,name,country,region,url\n"


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "municipalities.csv"
    path.write_text(text, encoding="utf-8")
    return path


def _problems(path: Path) -> list[Problem]:
    with pytest.raises(InputError) as info:
        load_municipalities(path)
    assert all(p.file == str(path) for p in info.value.problems)
    return info.value.problems


def _muni(id_: str, country: str) -> Municipality:
    return Municipality(id=id_, name=id_, country=country, region="", url="https://x.se")


# --- the real lists ------------------------------------------------------------------------------


def test_real_list_loads_290_swedish_municipalities_with_string_ids() -> None:
    municipalities = load_municipalities(REPO / "municipalities.csv")
    assert len(municipalities) == 290
    first = municipalities[0]
    assert (first.id, first.name, first.country) == ("0114", "Upplands Väsby", "SE")
    assert first.switchboard_phone == "08-59097000"
    assert all(isinstance(m.id, str) and len(m.id) == 4 for m in municipalities)
    assert len({m.id for m in municipalities}) == 290


@pytest.mark.parametrize(
    ("name", "count", "first_id", "language"),
    [("dk", 98, "0101", "da"), ("fi", 308, "005", "fi"), ("no", 357, "0301", "nb"), ("se", 290, "0114", "sv")],
)
def test_country_lists_load(name: str, count: int, first_id: str, language: str) -> None:
    municipalities = load_municipalities(REPO / "data" / "municipalities" / f"{name}.csv")
    assert len(municipalities) == count
    assert municipalities[0].id == first_id
    assert {m.country for m in municipalities} == {name.upper()}
    assert sniff_language(municipalities) == language


# --- valid rows ----------------------------------------------------------------------------------


def test_optional_columns_accepted_and_only_switchboard_kept(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "id;name;country;region;url;switchboard_phone;email;note;language_form;population_2025\n"
        "0301; Oslo ;no;Oslo; https://www.oslo.kommune.no ;+47 21 80 21 80;a@b.no;n;bokmål;1\n",
    )
    assert load_municipalities(path) == [
        Municipality("0301", "Oslo", "NO", "Oslo", "https://www.oslo.kommune.no", "+47 21 80 21 80")
    ]


@pytest.mark.parametrize(
    "url",
    [
        "https://www.kk.dk",
        "https://alajarvi.fi/",
        "http://www.example.se:8080/start?x=1#top",
        "HTTPS://WWW.EXAMPLE.SE",
        "https://www.håbo.se",
        "https://xn--hbo-qla.se/",
        "http://192.0.2.10/",
        "https://example.se/a@b",
    ],
)
def test_usable_urls(url: str) -> None:
    assert url_problem(url) is None


# --- problems ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("javascript:alert(1)", "scheme 'javascript:' is not allowed"),
        ("file:///etc/passwd", "scheme 'file:' is not allowed"),
        ("data:text/html,<b>x</b>", "scheme 'data:' is not allowed"),
        ("ftp://x", "scheme 'ftp:' is not allowed"),
        ("www.example.se", "does not start with http:// or https://"),
        ("http://exa mple.se", "contains a space"),
        ("http://user@host/", "user name or password"),
        ("https://user:pw@www.example.se/", "user name or password"),
        ("https:www.example.se", "has no host"),
        ("https://", "has no host"),
        ("https://www.example.se:99999/", "port"),
        ("https://intranet/", "no domain ending"),
        ("https://www..example.se/", "empty or over-long part"),
        ("https://-bad.example.se/", "starts or ends with '-'"),
        ("https://bad_host.example.se/", "not allowed in host names"),
        ("https://example.se\\@evil.com/", "backslash"),
    ],
)
def test_rejected_urls_say_why(tmp_path: Path, url: str, reason: str) -> None:
    path = _write(tmp_path, HEADER + f'0114,Väsby,SE,Stockholm,"{url}"\n')
    [problem] = _problems(path)
    assert (problem.line, problem.field) == (2, "url")
    assert reason in problem.message
    assert url in problem.message


@pytest.mark.parametrize("field", ["id", "name", "url"])
def test_empty_required_values(tmp_path: Path, field: str) -> None:
    values = {"id": "0114", "name": "Väsby", "url": "https://www.upplandsvasby.se"}
    values[field] = ""
    path = _write(tmp_path, HEADER + f"{values['id']},{values['name']},SE,,{values['url']}\n")
    [problem] = _problems(path)
    assert (problem.line, problem.field) == (2, field)
    assert "empty" in problem.message


def test_duplicate_id_names_the_first_line(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        HEADER + "0114,A,SE,,https://a.se\n0115,B,SE,,https://b.se\n0114,C,SE,,https://c.se\n",
    )
    [problem] = _problems(path)
    assert (problem.line, problem.field) == (4, "id")
    assert "duplicate id 0114" in problem.message
    assert "line 2" in problem.message


@pytest.mark.parametrize("country", ["Sweden", "S", "S1", "", "SWE"])
def test_country_must_be_a_two_letter_code(tmp_path: Path, country: str) -> None:
    path = _write(tmp_path, HEADER + f"0114,A,{country},,https://a.se\n")
    [problem] = _problems(path)
    assert (problem.line, problem.field) == (2, "country")
    assert "two-letter code" in problem.message


def test_id_with_path_characters_is_refused(tmp_path: Path) -> None:
    path = _write(tmp_path, HEADER + "../0114,A,SE,,https://a.se\n")
    [problem] = _problems(path)
    assert (problem.line, problem.field) == (2, "id")


def test_three_problems_in_a_file_give_exactly_three(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        HEADER
        + "0114,A,SE,,javascript:alert(1)\n"
        + "0115,B,Sverige,,https://b.se\n"
        + "0116,C,SE,,https://c.se\n"
        + "0114,D,SE,,https://d.se\n",
    )
    problems = _problems(path)
    assert [(p.line, p.field) for p in problems] == [(2, "url"), (3, "country"), (5, "id")]


def test_one_row_with_several_problems_reports_each(tmp_path: Path) -> None:
    path = _write(tmp_path, HEADER + ",,X,,ftp://x\n")
    problems = _problems(path)
    assert [(p.line, p.field) for p in problems] == [(2, "id"), (2, "name"), (2, "country"), (2, "url")]


def test_unknown_and_missing_columns(tmp_path: Path) -> None:
    path = _write(tmp_path, "id,name,country,homepage\n0114,A,SE,https://a.se\n")
    problems = _problems(path)
    assert {(p.line, p.field) for p in problems} == {(1, "homepage"), (1, "region"), (1, "url")}


def test_list_without_rows_is_a_problem(tmp_path: Path) -> None:
    [problem] = _problems(_write(tmp_path, HEADER))
    assert "no municipalities" in problem.message


# --- languages and id hints ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("country", "language"),
    [("SE", "sv"), ("no", "nb"), ("DK", "da"), (" fi ", "fi"), ("IS", "en"), ("", "en")],
)
def test_language_for(country: str, language: str) -> None:
    assert language_for(country) == language


def test_sniff_language_takes_the_majority_country() -> None:
    mixed = [_muni("1", "FI"), _muni("2", "SE"), _muni("3", "FI")]
    assert sniff_language(mixed) == "fi"


def test_sniff_language_tie_goes_to_first_country_and_empty_list_to_english() -> None:
    assert sniff_language([_muni("1", "DK"), _muni("2", "NO")]) == "da"
    assert sniff_language([]) == "en"
    assert sniff_language([_muni("1", "DE")]) == "en"


def test_unknown_id_message_hints_at_dropped_zeros() -> None:
    known = {"0114", "0115", "005"}
    assert unknown_id_message("114", known).endswith("did Excel drop leading zeros? expected 0114")
    assert "expected 005" in unknown_id_message("5", known)
    assert "Excel" not in unknown_id_message("999", known)
    assert "Excel" not in unknown_id_message("abc", known)
