"""Asking follow-up questions in a chat: rewritten first, earlier answers remembered."""

import pytest

from qa.errors import QAError
from qa.language.conversation import Conversation
from qa.language.follow_up import FollowUpRewriter
from qa.records import Answer, Citation
from qa.search.retriever import Filters

SEED_ID = "seed/mfaic-2021-07-06-asean-russia-special-fmm.txt"
SEED_TITLE = "Outcomes of the Special ASEAN-Russia Foreign Ministers' Meeting (via Video Conference)"
MEETING = "the Special ASEAN-Russia Foreign Ministers' Meeting"


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
