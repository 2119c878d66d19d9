"""Loading and validating criteria.yaml: the bundled file, and every way a copy of it can be wrong."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from audit.criteria import CRITERION_IDS, MAX_BYTES, Criteria, default_criteria_path, load_criteria
from audit.errors import InputError, Problem
from audit.text import fold

BUNDLED = default_criteria_path().read_text(encoding="utf-8")


def _variant(tmp_path: Path, *edits: tuple[str, str], name: str = "criteria.yaml") -> Path:
    """A copy of the bundled file with each ``old`` text (which must occur exactly once) replaced."""
    text = BUNDLED
    for old, new in edits:
        assert text.count(old) == 1, f"edit target not unique: {old!r}"
        text = text.replace(old, new)
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _problems(path: Path) -> list[Problem]:
    with pytest.raises(InputError) as info:
        load_criteria(path)
    problems = info.value.problems
    assert problems
    assert all(p.file == str(path) for p in problems)
    return problems


def _fields(problems: list[Problem]) -> list[str | None]:
    return [p.field for p in problems]


@pytest.fixture(scope="module")
def bundled() -> Criteria:
    return load_criteria(default_criteria_path())


# --- the bundled file -------------------------------------------------------------------------


def test_bundled_criteria_in_rubric_order(bundled: Criteria) -> None:
    assert (
        bundled.ids
        == CRITERION_IDS
        == (
            "entry_exists",
            "on_front_page",
            "easy_to_find",
            "explains_help",
            "responsible_person",
        )
    )
    assert [c.weight for c in bundled.criteria] == [1, 1, 1, 1, 1]
    assert bundled.criterion("responsible_person").source == "automatic_or_phone"
    assert {c.source for c in bundled.criteria[:4]} == {"automatic"}
    assert all("en" in c.question and "en" in c.advice for c in bundled.criteria)
    assert bundled.dependencies == {"entry_exists": ("on_front_page", "easy_to_find", "explains_help")}
    assert bundled.settings.viewport == (1366, 768)
    assert bundled.settings.mobile_viewport == (390, 844)
    assert bundled.settings.max_depth == 2
    assert bundled.path == str(default_criteria_path())


def test_bundled_rubric_version_is_the_string_1_0(bundled: Criteria) -> None:
    assert bundled.rubric_version == "1.0"
    assert isinstance(bundled.rubric_version, str)


def test_top_level_criteria_yaml_is_the_bundled_file() -> None:
    top = Path(__file__).resolve().parents[1] / "criteria.yaml"
    assert top.read_bytes() == default_criteria_path().read_bytes()


def test_bundled_vocabulary_is_folded(bundled: Criteria) -> None:
    vocab = bundled.vocabulary
    every_word = [w for langs in vocab.per_language.values() for words in langs.values() for w in words]
    every_word += [w for words in vocab.channels.values() for w in words]
    every_word += list(vocab.news_path) + list(vocab.consent_banner) + list(vocab.consent_accept)
    every_word += [w for tier in vocab.consent_least for w in tier]
    assert len(every_word) > 300
    assert all(w == fold(w) for w in every_word)
    # The file spells these with Nordic letters; only the folded form is kept.
    assert "besok oss" in vocab.channels["address"]
    assert "besøk oss" not in vocab.channels["address"]
    assert "sporsmal om" in vocab.per_language["help_topics"]["nn"]
    assert "spørsmål om" not in vocab.per_language["help_topics"]["nn"]


def test_terms_merge_languages_longest_first(bundled: Criteria) -> None:
    terms = bundled.vocabulary.terms("contact_link")
    assert len(terms) == len(set(terms))
    assert [len(t) for t in terms] == sorted((len(t) for t in terms), reverse=True)
    assert {"kontakta oss", "kontakt oss", "kontakt os", "contact us", "ota yhteytta", "kontakt"} <= set(terms)
    assert terms.index("kontakta oss") < terms.index("kontakt")


# --- one mistake, one located problem ---------------------------------------------------------

ONE_MISTAKE = {
    "unknown top-level key": (
        [("title: Finding", "colour: blue\ntitle: Finding")],
        "colour",
        "unknown key",
    ),
    "unknown criterion key": (
        [("  - id: easy_to_find\n", "  - id: easy_to_find\n    colour: blue\n")],
        "criteria[2].colour",
        "unknown key",
    ),
    "weight 0": (
        [("  - id: easy_to_find\n    weight: 1\n", "  - id: easy_to_find\n    weight: 0\n")],
        "criteria[2].weight",
        "positive integer",
    ),
    "bad source": (
        [("source: automatic_or_phone", "source: telephone")],
        "criteria[4].source",
        "must be one of automatic, automatic_or_phone, phone",
    ),
    "unknown language in vocabulary": (
        [("    en: [switchboard]\n", "    en: [switchboard]\n    xx: [centralen]\n")],
        "vocabulary.switchboard.xx",
        "unknown language",
    ),
    "empty word list": (
        [("    en: [switchboard]\n", "    en: []\n")],
        "vocabulary.switchboard.en",
        "non-empty list",
    ),
    "non-string vocabulary item": (
        [("    en: [switchboard]\n", "    en: [switchboard, 42]\n")],
        "vocabulary.switchboard.en",
        "item 1 must be a non-empty string",
    ),
    "nested list as vocabulary item": (
        [("    en: [switchboard]\n", "    en: [[switchboard]]\n")],
        "vocabulary.switchboard.en",
        "item 0 must be a non-empty string",
    ),
    "viewport not a pair": (
        [("  viewport: [1366, 768]\n", "  viewport: [1366]\n")],
        "settings.viewport",
        "[width, height]",
    ),
    "viewport with a zero": (
        [("  viewport: [1366, 768]\n", "  viewport: [1366, 0]\n")],
        "settings.viewport",
        "[width, height]",
    ),
    "settings integer not a number": (
        [("  max_depth: 2\n", "  max_depth: two\n")],
        "settings.max_depth",
        "non-negative integer",
    ),
    "rubric_version empty": (
        [('rubric_version: "1.0"', "rubric_version:")],
        "rubric_version",
        "quoted string",
    ),
    "dependency on an unknown id": (
        [("entry_exists: [on_front_page, easy_to_find, explains_help]", "entry_exists: [on_front_page, front_page]")],
        "dependencies.entry_exists",
        "known criterion ids",
    ),
    "dependency item that is a list": (
        [
            (
                "entry_exists: [on_front_page, easy_to_find, explains_help]",
                "entry_exists: [[on_front_page], easy_to_find]",
            )
        ],
        "dependencies.entry_exists",
        "known criterion ids",
    ),
}


@pytest.mark.parametrize("case", list(ONE_MISTAKE), ids=list(ONE_MISTAKE))
def test_one_mistake_gives_one_problem_naming_file_and_field(tmp_path: Path, case: str) -> None:
    edits, field, message = ONE_MISTAKE[case]
    path = _variant(tmp_path, *edits)
    [problem] = _problems(path)
    assert problem.field == field
    assert message in problem.message
    # The one-line form a user sees names both the file and the field.
    assert str(path) in str(problem) and f"field '{field}'" in str(problem)


def test_missing_weight_is_reported_on_that_criterion(tmp_path: Path) -> None:
    path = _variant(tmp_path, ("  - id: explains_help\n    weight: 1\n", "  - id: explains_help\n"))
    problems = _problems(path)
    assert set(_fields(problems)) == {"criteria[3].weight"}
    assert any(p.message == "missing" for p in problems)


def test_missing_criterion_is_reported(tmp_path: Path) -> None:
    start = BUNDLED.index("  - id: responsible_person")
    end = BUNDLED.index("\ndependencies:")
    path = _variant(tmp_path, (BUNDLED[start:end], ""))
    [problem] = _problems(path)
    assert problem.field == "criteria"
    assert "'responsible_person' is missing" in problem.message


def test_duplicate_criterion_id(tmp_path: Path) -> None:
    path = _variant(tmp_path, ("  - id: responsible_person\n", "  - id: on_front_page\n"))
    problems = _problems(path)
    # The duplicate, and the criterion it displaced.
    assert [(p.field, p.message) for p in problems] == [
        ("criteria[4].id", "duplicate criterion id 'on_front_page'"),
        ("criteria", "criterion 'responsible_person' is missing"),
    ]


def test_unknown_criterion_id(tmp_path: Path) -> None:
    path = _variant(tmp_path, ("  - id: responsible_person\n", "  - id: responsible_human\n"))
    problems = _problems(path)
    assert [(p.field, p.message) for p in problems] == [
        ("criteria[4].id", "unknown criterion id 'responsible_human'"),
        ("criteria", "criterion 'responsible_person' is missing"),
    ]


def test_renaming_a_dependency_reports_the_dependency_too(tmp_path: Path) -> None:
    path = _variant(tmp_path, ("  - id: easy_to_find\n", "  - id: easy_to_spot\n"))
    assert set(_fields(_problems(path))) == {"criteria[2].id", "criteria", "dependencies.entry_exists"}


def test_every_problem_in_one_file_is_reported(tmp_path: Path) -> None:
    path = _variant(
        tmp_path,
        ("title: Finding", "colour: blue\ntitle: Finding"),
        ("  - id: easy_to_find\n    weight: 1\n", "  - id: easy_to_find\n    weight: 0\n"),
        ("source: automatic_or_phone", "source: telephone"),
        ("    en: [switchboard]\n", "    en: []\n"),
        ("  viewport: [1366, 768]\n", "  viewport: [1366]\n"),
    )
    problems = _problems(path)
    assert len(problems) == 5
    assert sorted(_fields(problems)) == sorted(
        [  # type: ignore[type-var]
            "colour",
            "criteria[2].weight",
            "criteria[4].source",
            "vocabulary.switchboard.en",
            "settings.viewport",
        ]
    )


# --- YAML itself ------------------------------------------------------------------------------


def test_invalid_yaml_gives_one_clear_problem(tmp_path: Path) -> None:
    path = _variant(tmp_path, ("  viewport: [1366, 768]\n", "  viewport: [1366, 768\n"))
    [problem] = _problems(path)
    assert problem.message.startswith("not valid YAML")
    assert "\n" not in problem.message


@pytest.mark.parametrize("where", ["title", "rubric_version"])
def test_python_tags_are_rejected_without_running_anything(
    tmp_path: Path, capfd: pytest.CaptureFixture[str], where: str
) -> None:
    marker = tmp_path / "ran"
    original = {
        "title": "title: Finding the municipality's customer service (five-point checklist)",
        "rubric_version": 'rubric_version: "1.0"',
    }[where]
    for command in ("echo hi", f"touch {marker}"):
        path = _variant(tmp_path, (original, f'{where}: !!python/object/apply:os.system ["{command}"]'))
        [problem] = _problems(path)
        assert problem.message.startswith("not valid YAML")
    assert not marker.exists()
    assert "hi" not in capfd.readouterr().out


def test_rubric_version_1_10_stays_a_string(tmp_path: Path) -> None:
    path = _variant(tmp_path, ('rubric_version: "1.0"', "rubric_version: 1.10"))
    assert load_criteria(path).rubric_version == "1.10"


def test_yaml_1_1_scalars_stay_strings_in_the_vocabulary(tmp_path: Path) -> None:
    path = _variant(
        tmp_path, ("    en: [switchboard]\n", "    en: [switchboard, NO, 01234, yes, off, null, '~', 1:30, 1e3]\n")
    )
    words = load_criteria(path).vocabulary.per_language["switchboard"]["en"]
    assert words == ("switchboard", "no", "01234", "yes", "off", "null", "~", "1:30", "1e3")
    assert all(isinstance(w, str) for w in words)


def test_a_quoted_weight_is_not_a_number(tmp_path: Path) -> None:
    path = _variant(tmp_path, ("  - id: easy_to_find\n    weight: 1\n", '  - id: easy_to_find\n    weight: "1"\n'))
    [problem] = _problems(path)
    assert problem.field == "criteria[2].weight"


def test_larger_weights_load_as_integers(tmp_path: Path) -> None:
    path = _variant(tmp_path, ("  - id: easy_to_find\n    weight: 1\n", "  - id: easy_to_find\n    weight: 3\n"))
    assert load_criteria(path).criterion("easy_to_find").weight == 3


def _laughs(depth: int) -> str:
    parts = ['&a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    parts += [f"&a{i} [" + ",".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, depth)]
    return "[" + ", ".join(parts) + "]"


@pytest.mark.parametrize("where", ["title", "criterion id", "top level"])
def test_alias_bomb_is_rejected_quickly(tmp_path: Path, where: str) -> None:
    bomb = _laughs(9)  # 10**9 strings if expanded
    if where == "title":
        edit = ("title: Finding the municipality's customer service (five-point checklist)", f"title: {bomb}")
    elif where == "criterion id":
        edit = ("  - id: on_front_page\n", f"  - id: {bomb}\n")
    else:
        edit = ("title: Finding", f"lol: {bomb}\ntitle: Finding")
    path = _variant(tmp_path, edit)
    started = time.monotonic()
    problems = _problems(path)
    assert time.monotonic() - started < 2
    assert len(problems) == 1 and len(str(problems[0])) < 500
    assert "alias" in problems[0].message


def test_deeply_nested_yaml_is_an_input_error(tmp_path: Path) -> None:
    path = tmp_path / "deep.yaml"
    path.write_text("title:\n  " + "- " * 5_000 + "x\n", encoding="utf-8")  # 5000 nested lists
    [problem] = _problems(path)
    assert problem.message.startswith("not valid YAML")


def test_file_over_the_size_limit_is_rejected_before_parsing(tmp_path: Path) -> None:
    path = tmp_path / "big.yaml"
    padding = "# padding\n" * (MAX_BYTES // 10 + 1)
    path.write_text(BUNDLED + padding, encoding="utf-8")
    assert path.stat().st_size > MAX_BYTES
    started = time.monotonic()
    [problem] = _problems(path)
    assert time.monotonic() - started < 1
    assert f"larger than {MAX_BYTES} bytes" in problem.message


def test_missing_file_is_an_input_error(tmp_path: Path) -> None:
    path = tmp_path / "nope.yaml"
    [problem] = _problems(path)
    assert "cannot read the file" in problem.message


@pytest.mark.parametrize("body", ["", "- just\n- a list\n", "just a string\n"])
def test_top_level_must_be_a_mapping(tmp_path: Path, body: str) -> None:
    path = tmp_path / "c.yaml"
    path.write_text(body, encoding="utf-8")
    [problem] = _problems(path)
    assert problem.message == "the top level must be a mapping"
