"""The lexicon: each shared word list is defined once, in qa/language/lexicon.py, and is sound."""

from __future__ import annotations

import ast
import functools
import re
from pathlib import Path

import pytest

import qa
from qa.language import lexicon
from qa.language.entity_finder import SpanFinder

SOURCE = Path(qa.__file__).parent
LEXICON = SOURCE / "language" / "lexicon.py"


@functools.lru_cache(maxsize=1)
def _string_literals() -> list[tuple[str, int, str]]:
    """(file, line, text) of every string in the package but docstrings, the lexicon left out."""
    literals = []
    for path in sorted(SOURCE.rglob("*.py")):
        if path == LEXICON:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        docstrings = {id(node.body[0].value) for node in ast.walk(tree)
                      if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
                      and ast.get_docstring(node, clean=False) is not None}
        name = str(path.relative_to(SOURCE.parent))
        literals.extend((name, node.lineno, node.value) for node in ast.walk(tree)
                        if isinstance(node, ast.Constant) and isinstance(node.value, str)
                        and id(node) not in docstrings)
    return literals


def _members_in(text: str, words, flags: int = 0) -> set[str]:
    return {word for word in words if re.search(rf"(?<![\w.]){re.escape(word)}(?!\w)", text, flags)}


def _stopwords_in(text: str) -> set[str]:
    """The stopwords of a string made mostly of them: a list, not a sentence (a prompt)."""
    found = _members_in(text, lexicon.STOPWORDS)
    return found if len(found) > len(set(re.findall(r"\w+", text.lower()))) / 2 else set()


# Each list with the least number of its members one string may hold before it is a copy of
# the list: above what a docstring or a pattern of another meaning holds ("one to three").
_MONTH_FORMS = {form: month for month in lexicon.MONTHS
                for form in (month, *(short for short in lexicon.MONTH_ABBREVIATIONS
                                      if month.startswith(short)))}
LISTS = {
    "months": (lambda text: {_MONTH_FORMS[form] for form in _members_in(text, _MONTH_FORMS, re.I)}, 4),
    "weekdays": (lambda text: _members_in(text, lexicon.WEEKDAYS), 3),
    "number words": (lambda text: _members_in(text, lexicon.NUMBER_WORDS, re.I), 5),
    "magnitudes": (lambda text: _members_in(text, lexicon.MAGNITUDES), 3),
    "auxiliaries": (lambda text: _members_in(text, lexicon.AUXILIARIES), 8),
    "stopwords": (_stopwords_in, 25),
    "name particles": (lambda text: _members_in(text, lexicon.NAME_PARTICLES), 6),
    "opening words": (lambda text: _members_in(text, lexicon.OPENING_WORDS), 6),
    "honorifics": (lambda text: _members_in(text, {*lexicon.HONORIFICS, "Mr", "Mrs", "Ms", "Dr"}), 3),
    "country aliases": (lambda text: {group for group in lexicon.COUNTRY_ALIASES
                                      if _members_in(text, group)}, 3),
}


@pytest.mark.parametrize("name", LISTS)
def test_no_word_list_is_typed_out_again_outside_the_lexicon(name):
    members_of, most = LISTS[name]
    copies = [f"{file}:{line} holds {sorted(map(str, found))}" for file, line, text in _string_literals()
              if len(found := members_of(text)) >= most]
    assert not copies, f"{name} typed out again, use qa.language.lexicon: {copies}"


def test_months_number_and_shorten_as_releases_write_them():
    assert len(lexicon.MONTHS) == 12 and lexicon.MONTHS[4] == "May"
    assert lexicon.MONTH_NUMBERS["may"] == 5 and lexicon.MONTH_NUMBERS["december"] == 12
    for short in lexicon.MONTH_ABBREVIATIONS:
        assert sum(month.startswith(short) for month in lexicon.MONTHS) == 1, short
    assert len(lexicon.WEEKDAYS) == 7


def test_number_words_map_to_their_values():
    words = lexicon.NUMBER_WORDS
    assert (words["zero"], words["twelve"], words["twenty"]) == (0, 12, 20)
    assert (words["first"], words["second"], words["twelfth"]) == (1, 2, 12)
    assert "zeroth" not in words


def test_alternation_tries_longer_words_first():
    pattern = re.compile(lexicon.alternation(["Sep", "Sept", "September"]))
    assert pattern.match("September 3").group() == "September"
    assert pattern.match("Sept. 3").group() == "Sept"
    assert re.fullmatch(lexicon.alternation(["U.S."]), "U.S.")
    assert not re.fullmatch(lexicon.alternation(["U.S."]), "UXSX")  # stops are escaped


def test_alias_groups_share_no_name():
    names = [name.lower() for group in (*lexicon.COUNTRY_ALIASES, *lexicon.ORG_ALIASES) for name in group]
    assert len(names) == len(set(names))


def test_country_names_join_pycountry_and_the_forms_releases_use():
    names = lexicon.country_names()
    assert len(names) == len(set(names))
    assert {"Philippines", "Lao People's Democratic Republic"} <= set(names)  # from pycountry
    assert {"Burma", "Lao PDR", "Viet Nam", "Brunei", "UAE"} <= set(names)  # the lexicon's own
    assert not any("," in name or "(" in name for name in names)


def test_every_alias_is_a_name_the_span_finder_knows():
    known = SpanFinder().names
    for group in (*lexicon.COUNTRY_ALIASES, *lexicon.ORG_ALIASES):
        assert all(name.lower() in known for name in group), group


def test_stopwords_extend_the_words_bm25_drops():
    assert set(lexicon.BM25_STOPWORDS) <= lexicon.STOPWORDS
    assert lexicon.WH_WORDS <= lexicon.STOPWORDS and "would" in lexicon.STOPWORDS
    assert "may" not in lexicon.STOPWORDS  # "May" is a month
    assert "would" in lexicon.AUXILIARIES and "being" in lexicon.AUXILIARIES
    assert "said" in lexicon.FILLER_WORDS and "against" not in lexicon.FILLER_WORDS


def test_honorifics_keep_their_stops():
    assert all(honorific.endswith(".") for honorific in lexicon.HONORIFICS)
    assert "bin" in lexicon.NAME_PARTICLES and "von" in lexicon.NAME_PARTICLES
