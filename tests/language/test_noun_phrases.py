"""Noun phrases of a question, and the names of a title that end in a given noun."""

import pytest

from qa.language.noun_phrases import NounPhrase, names_ending_in, noun_follows, noun_phrases

SEED_TITLE = "Outcomes of the Special ASEAN-Russia Foreign Ministers' Meeting (via Video Conference)"


def test_a_phrase_opened_by_a_determiner_ends_before_the_verb():
    assert noun_phrases("When was the ASEAN-Russia meeting held?") == [
        NounPhrase("the ASEAN-Russia meeting", 9, 33, "meeting", True)]


def test_an_of_part_stays_in_the_phrase_and_the_head_is_the_noun_before_it():
    [phrase] = noun_phrases("Who attended the 25th anniversary of ASEAN-Russia relations?")
    assert phrase.text == "the 25th anniversary of ASEAN-Russia relations"
    assert phrase.head == "anniversary" and phrase.named


@pytest.mark.parametrize("question", ["Who co-chaired the meeting?", "When was that meeting held?"])
def test_a_phrase_of_common_nouns_names_nothing(question):
    [phrase] = noun_phrases(question)
    assert phrase.head == "meeting" and not phrase.named


def test_a_question_without_a_determiner_has_no_phrases():
    assert noun_phrases("When did Cambodia take over as country coordinator?") == []


def test_names_ending_in_a_noun_are_the_capitalised_runs_of_the_title():
    assert names_ending_in(SEED_TITLE, "meeting") == ["Special ASEAN-Russia Foreign Ministers' Meeting"]
    assert names_ending_in(SEED_TITLE, "summit") == []


def test_a_noun_follows_her_only_when_the_next_word_may_be_in_a_phrase():
    assert noun_follows("What was her role?", len("What was her"))
    assert not noun_follows("Who met her in Jakarta?", len("Who met her"))
    assert not noun_follows("Who met her?", len("Who met her"))
