"""The words around a person's name: title heads and modifiers, departments, words that are no name."""

import re

from qa.language.person_titles import NAME_SUFFIXES, NOT_NAMES, TITLE_DEPARTMENTS, TITLE_HEADS, TITLE_MODIFIERS


def test_honorifics_with_one_stop_are_heads_with_and_without_it():
    assert {"Mr.", "Mr", "Dr.", "Dr", "H.E."} <= TITLE_HEADS
    assert "H.E" not in TITLE_HEADS


def test_general_heads_a_title_only_after_another_word():
    assert {"Secretary General", "Attorney General"} <= TITLE_HEADS
    assert "General" not in TITLE_HEADS and "General" in NOT_NAMES


def test_heads_modifiers_and_months_are_no_names_but_sheikh_is():
    assert {"President", "Minister", "Deputy", "Prime", "July", "Monday"} <= NOT_NAMES
    assert "Sheikh" in TITLE_HEADS and "Sheikh" not in NOT_NAMES
    assert "Deputy" in TITLE_MODIFIERS


def test_departments_and_suffixes_read_as_written():
    assert {"State", "the Treasury", "Foreign Affairs and International Cooperation"} <= set(TITLE_DEPARTMENTS)
    assert re.fullmatch(NAME_SUFFIXES, ", Jr.") and re.fullmatch(NAME_SUFFIXES, " II")
