"""Alias, acronym and date matching: does a release name what a question or topic names?"""

import pytest

from qa.language.aliases import (acronym_expansion, entity_in, entity_spellings, normalise, readable_date,
                                 relative_day_spans)


@pytest.mark.parametrize("entity, evidence", [
    ("United States", "the u.s. and asean agreed"),
    ("Myanmar", "the crisis in burma"),
    ("Russia", "the russian federation said"),
    ("May 2022", "on may 12, 2022 the leaders met"),
    ("May 2022", "held on 12-13 may 2022 in washington"),
])
def test_an_entity_is_named_by_an_alias_or_a_date_form(entity, evidence):
    assert entity_in(entity, normalise(evidence), None)


def test_short_names_match_whole_words_only():
    assert not entity_in("UN", normalise("a fund for unity"), None)
    assert entity_in("UN", normalise("at the UN in New York"), None)


def test_a_year_or_month_is_named_by_the_release_date():
    assert entity_in("2022", "no year in the text", "2022-11-12")
    assert entity_in("November 2022", "no month in the text", "2022-11-12")
    assert not entity_in("May 2022", "no month in the text", "2022-11-12")


def test_an_acronym_is_named_by_its_expansion_in_the_original_text():
    original = "The Centers for Disease Control and the United Arab Emirates"
    assert acronym_expansion("UAE").search(original)
    assert entity_in("CDC", normalise(original), None, original)
    assert acronym_expansion("Summit") is None  # not an acronym


def test_relative_days_take_their_value_from_the_release_date():
    spans = relative_day_spans("Biden spoke yesterday and meets Xi today.", "2021-02-04")
    assert [(span.text, span.value) for span in spans] == [("yesterday", "2021-02-03"), ("today", "2021-02-04")]
    assert relative_day_spans("spoke today", None) == []
    assert relative_day_spans("spoke today", "not a date") == []
    assert readable_date("2021-07-06") == "6 July 2021"


def test_spellings_give_bm25_tokens_for_names_and_none_for_dates_or_acronyms():
    assert entity_spellings("Burma") and len(entity_spellings("Burma")) == 2  # burma, myanmar
    assert entity_spellings("6 July 2021") == []
    assert entity_spellings("UAE") == []


def test_normalise_folds_case_quotes_dashes_and_spaces():
    assert normalise("ASEAN\u2019s  Foreign\u2013Ministers") == "asean's foreign-ministers"
