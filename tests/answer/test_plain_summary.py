"""qa/answer/plain_summary.py: the plain summary on top of "Why this answer?", in each case."""

import pytest

from qa.answer.extractive import SpanChoice
from qa.reader.reader import ReaderScore
from qa.render import explanation_html

from .test_explain import COCHAIRED, OPENED, answer, candidate, explained, trace

SPANS = [SpanChoice("Retno Marsudi", "person", 0.91), SpanChoice("Sergey Lavrov", "person", 0.88)]


def test_answer_names_the_release_the_sentence_the_shared_words_and_the_short_answer():
    summary = explained(answer(COCHAIRED, "Retno Marsudi"), trace([candidate(COCHAIRED, 0.93)], spans=SPANS)).summary()
    assert summary.startswith("Answered from \u201cOutcomes\u201d (6 July 2021), sentence [1]: "
                              f"\u201c{COCHAIRED}\u201d")
    assert "the question's words \u201cco-chaired\u201d and \u201cmeeting\u201d" in summary
    assert "the model is 90% sure it answers the question" in summary
    assert ("The short answer \u201cRetno Marsudi\u201d is the person or organisation in it the model is surest of "
            "(91%)") in summary


def test_an_answer_cleared_by_a_low_probability_shows_no_contradicting_figure():
    explanation = explained(answer(COCHAIRED, "Retno Marsudi"),
                            trace([candidate(COCHAIRED, 0.93)], answerable=0.42, spans=SPANS))
    summary = explanation.summary()
    assert "cleared the bar the model needs to answer" in summary and "42%" not in summary and "58%" not in summary
    assert "not found" not in explanation.to_text().split("answerable:")[1].splitlines()[0]


def test_no_short_answer_says_which_entity_came_closest_and_what_it_needed():
    weak = [SpanChoice("Retno Marsudi", "person", 0.5)]
    summary = explained(answer(COCHAIRED), trace([candidate(COCHAIRED, 0.93)], spans=weak)).summary()
    assert ("There is no short answer: the likeliest, \u201cRetno Marsudi\u201d, is rated 50%, "
            "under the 80%") in summary


def test_no_short_answer_when_the_sentence_names_nothing_of_the_kind_asked():
    summary = explained(answer(COCHAIRED), trace([candidate(COCHAIRED, 0.93)])).summary()
    assert "the sentence names no person or organisation the question does not already name" in summary


def read(text: str, answer_probability: float, span: tuple[int, int] | None, span_probability: float):
    read_candidate = candidate(text, 0.6)
    read_candidate.reading = ReaderScore(answer_probability, 1.0, span, span_probability)
    read_candidate.score = 1.0
    traced = trace([read_candidate], spans=[SpanChoice(text[span[0]:span[1]], "reader", span_probability)]
                   if span else [])
    traced.read = 1
    return traced


def test_with_the_reader_the_summary_gives_the_readers_span_and_probabilities():
    start = COCHAIRED.index("Retno")
    traced = read(COCHAIRED, 0.87, (start, start + len("Retno Marsudi")), 0.93)
    summary = explained(answer(COCHAIRED, "Retno Marsudi"), traced).summary()
    assert "the reader is 87% sure it answers the question" in summary
    assert "The short answer \u201cRetno Marsudi\u201d is the part of it the reader picked (93% sure)" in summary


@pytest.mark.parametrize("span, expected", [
    ((4, 11), "the reader's best guess, \u201cMeeting\u201d, is rated 30%, under the 80% a short answer needs"),
    (None, "the reader found no part of the sentence that answers by itself"),
])
def test_with_the_reader_no_short_answer_says_why(span, expected):
    summary = explained(answer(COCHAIRED), read(COCHAIRED, 0.87, span, 0.3)).summary()
    assert "There is no short answer: " + expected in summary


def test_not_found_quotes_the_closest_release_and_names_what_it_lacks():
    summary = explained(answer(None), trace([candidate(OPENED, 0.2)], answerable=0.1)).summary()
    assert summary.startswith("The releases don't say. The closest is \u201cOutcomes\u201d, which says: "
                              f"\u201c{OPENED}\u201d")
    assert summary.endswith("That sentence does not mention \u201cco-chaired\u201d, which the question asks about.")


def test_not_found_with_every_word_present_names_the_kind_of_answer_missing():
    summary = explained(answer(None), trace([candidate(COCHAIRED.replace("H.E. ", "").split(" by")[0] + ".", 0.2)],
                                            answerable=0.1)).summary()
    assert summary.endswith("That sentence mentions what the question is about, but not the person or organisation "
                            "it asks for.")


def test_no_passage_says_nothing_came_back():
    summary = explained(answer(None), trace([], answerable=None)).summary()
    assert summary.startswith("No release came back for this question")


def test_generated_answer_points_to_the_best_sentence():
    written = answer("Retno Marsudi and Sergey Lavrov co-chaired it.", mode="generative")
    summary = explained(written, trace([candidate(COCHAIRED, 0.93)], spans=SPANS)).summary()
    assert summary.startswith("The generator wrote this answer") and COCHAIRED in summary


def test_summary_is_added_to_the_json_and_shown_above_the_folded_trace():
    explanation = explained(answer(COCHAIRED, "Retno Marsudi"), trace([candidate(COCHAIRED, 0.93)], spans=SPANS))
    data = explanation.to_dict()
    assert data["summary"] == explanation.summary() and {"passages", "sentences", "verdict"} <= set(data)
    panel = explanation_html(explanation)
    assert panel.index('class="why-summary"') < panel.index("<details") < panel.index("<pre")
    assert "Answered from &#8220;Outcomes&#8221;" in panel or "Answered from \u201cOutcomes\u201d" in panel
