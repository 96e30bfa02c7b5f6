"""Follow-up questions: rule-based rewriting from earlier questions, and asking with it."""

import pytest

from qa.language.conversation import Conversation, FollowUpRewriter, PreviousAnswer
from qa.errors import QAError
from qa.records import Answer, Citation
from qa.search.retriever import Filters

SEED_ID = "seed/mfaic-2021-07-06-asean-russia-special-fmm.txt"
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


class FakeAssistant:
    """Answers from a table and counts the questions it was asked."""

    def __init__(self):
        self.asked = []

    def ask(self, question, k=None, filters=None):
        self.asked.append(question)
        citation = Citation(1, "seed/mfaic.txt", SEED_TITLE, "2021-07-06", "p", 0, 1, 1.0)
        short = "Retno Marsudi and Sergey Lavrov" if question.startswith("Who") else "6 July 2021"
        return Answer(question, f"{short} [1]", short, True, [citation], {})


def test_conversation_asks_the_rewritten_question_and_reports_it():
    assistant = FakeAssistant()
    conversation = Conversation(assistant, FollowUpRewriter())
    first = conversation.ask("Who co-chaired the meeting?")
    answer = conversation.ask("When was it held?", ["Who co-chaired the meeting?"])
    assert first.searched is None
    assert answer.question == "When was it held?" and answer.searched == f"When was {MEETING} held?"
    assert assistant.asked == ["Who co-chaired the meeting?", f"When was {MEETING} held?"]


def test_conversation_asks_an_earlier_question_again_only_when_it_has_not_seen_it():
    assistant = FakeAssistant()
    conversation = Conversation(assistant, FollowUpRewriter())
    conversation.ask("When was it held?", ["Who co-chaired the meeting?"], filters=Filters(date_to="2022-01-01"))
    assert assistant.asked == ["Who co-chaired the meeting?", f"When was {MEETING} held?"]
    conversation.ask("When was it held?", ["Who co-chaired the meeting?"], filters=Filters(date_to="2022-01-01"))
    assert len(assistant.asked) == 3  # the earlier answer was remembered


def test_conversation_refuses_an_empty_question():
    with pytest.raises(QAError, match="the question is empty"):
        Conversation(FakeAssistant(), FollowUpRewriter()).ask("  ")


@pytest.mark.slow
def test_follow_up_in_the_sample_corpus_finds_the_meeting_date(sample_assistant):
    conversation = Conversation(sample_assistant)
    first = conversation.ask("Who co-chaired the meeting?")
    answer = conversation.ask("When was it held?", [first.question])
    assert answer.searched == f"When was {MEETING} held?"
    # The rewritten question reaches the meeting's release; the sentence holding its date
    # ranks third in it (a known miss of the answer stage, docs/evaluation.md).
    assert answer.found and answer.citations[0].release_id == SEED_ID


@pytest.mark.slow
def test_follow_up_to_the_issue_example_finds_the_meeting_date(sample_assistant):
    answer = Conversation(sample_assistant).ask("When was it held?", ["Who co-chaired the ASEAN-Russia meeting?"])
    assert answer.searched == f"When was {MEETING} held?"
    assert answer.found and answer.citations[0].release_id == SEED_ID
