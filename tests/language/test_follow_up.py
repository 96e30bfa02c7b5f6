"""Follow-up questions rewritten by rule from the earlier questions of a chat."""

import pytest

from qa.language.follow_up import FollowUpRewriter, PreviousAnswer
from qa.records import Answer, Citation

SEED_TITLE = "Outcomes of the Special ASEAN-Russia Foreign Ministers' Meeting (via Video Conference)"
MEETING = "the Special ASEAN-Russia Foreign Ministers' Meeting"
CO_CHAIRS = PreviousAnswer("Retno Marsudi and Sergey Lavrov", (SEED_TITLE,))
ANSWERS = {"Who co-chaired the meeting?": CO_CHAIRS, "Who co-chaired the ASEAN-Russia meeting?": CO_CHAIRS}


@pytest.fixture(scope="module")
def rewriter():
    return FollowUpRewriter(answers=ANSWERS.get)


def test_question_without_history_is_unchanged(rewriter):
    assert rewriter.rewrite("Who co-chaired the meeting?", []) == "Who co-chaired the meeting?"
    assert rewriter.rewrite("When was it held?", ["???", "  "]) == "When was it held?"


@pytest.mark.parametrize("question", [
    "Who won the 2022 FIFA World Cup?",
    "What did ASEAN encourage Russia to support?",
    "Is it true that Russia supports ASEAN Centrality?",
])
def test_self_contained_question_is_unchanged(rewriter, question):
    assert rewriter.rewrite(question, ["Who co-chaired the meeting?"]) == question


def test_pronoun_takes_the_earlier_topic_made_specific_by_the_answering_title(rewriter):
    assert rewriter.rewrite("When was it held?", ["Who co-chaired the meeting?"]) == f"When was {MEETING} held?"


def test_topic_with_a_name_keeps_it_and_gains_the_title_words(rewriter):
    assert rewriter.rewrite("When was it held?", ["Who co-chaired the ASEAN-Russia meeting?"]) == \
        f"When was {MEETING} held?"


def test_without_answers_the_earlier_noun_phrase_is_carried_over():
    assert FollowUpRewriter().rewrite("When was it held?", ["Who co-chaired the ASEAN-Russia meeting?"]) == \
        "When was the ASEAN-Russia meeting held?"


def test_bare_noun_of_the_follow_up_becomes_the_topic(rewriter):
    assert rewriter.rewrite("When was the meeting held?", ["Who co-chaired the meeting?"]) == \
        f"When was {MEETING} held?"


def test_their_stands_for_the_people_a_who_question_found(rewriter):
    history = ["Who co-chaired the meeting?", "When was it held?"]
    assert rewriter.rewrite("What are their roles?", history) == "What are Retno Marsudi and Sergey Lavrov's roles?"


def test_follow_ups_chain_through_earlier_rewrites(rewriter):
    history = ["Who co-chaired the meeting?", "When was it held?"]
    assert rewriter.rewrite("Where was it held?", history) == f"Where was {MEETING} held?"


def test_question_of_only_a_question_word_asks_it_of_the_topic(rewriter):
    assert rewriter.rewrite("And when?", ["Who co-chaired the meeting?"]) == f"When was {MEETING}?"


def test_what_about_asks_the_earlier_question_of_another_topic(rewriter):
    assert rewriter.rewrite("What about the ASEAN-China meeting?", ["Who co-chaired the ASEAN-Russia meeting?"]) \
        == "Who co-chaired the ASEAN-China meeting?"


def test_closing_there_and_lone_that_stand_for_the_topic(rewriter):
    history = ["Who co-chaired the meeting?"]
    assert rewriter.rewrite("Who else was there?", history) == f"Who else was at {MEETING}?"
    assert rewriter.rewrite("When was that?", history) == f"When was {MEETING}?"


def test_names_stand_in_when_the_earlier_question_has_no_noun_phrase():
    rewriter = FollowUpRewriter()
    history = ["When did Cambodia take over as country coordinator?"]
    assert rewriter.rewrite("From whom did it take over?", history) == "From whom did Cambodia take over?"
    assert rewriter.rewrite("What did Cambodia say about it?", history) == "What did Cambodia say about it?"


def test_previous_answer_keeps_a_found_short_answer_and_each_cited_title_once():
    citations = [Citation(n, f"seed/{n}.txt", title, None, "p", 0, 1, 1.0)
                 for n, title in [(1, SEED_TITLE), (2, ""), (3, SEED_TITLE)]]
    found = Answer("Who co-chaired the meeting?", "Retno Marsudi [1]", "Retno Marsudi", True, citations, {})
    assert PreviousAnswer.from_answer(found) == PreviousAnswer("Retno Marsudi", (SEED_TITLE,))
    missed = Answer("Who co-chaired the meeting?", "Not found.", "Retno Marsudi", False, [], {})
    assert PreviousAnswer.from_answer(missed) == PreviousAnswer(None, ())
