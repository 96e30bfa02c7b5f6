"""Feedback as a question file: keys, gold releases and kinds, read back by the evaluation's own loader."""

from dataclasses import replace

import pytest

from qa.evaluate.questions import load_questions, write_questions
from qa.feedback.export import FeedbackExporter
from qa.feedback.store import FeedbackItem, FeedbackStore
from qa.index.location import StoreLocation

from .test_store import SEED_ID, answer


@pytest.fixture
def exporter(fake_index):
    return FeedbackExporter(StoreLocation("faiss", str(fake_index)).open_snapshot())


def stored(tmp_path, *reviews):
    """Items given in order (answer, verdict, correction), as the store gives them back."""
    store = FeedbackStore(tmp_path / "feedback.sqlite")
    for given, verdict, correction in reviews:
        store.save(FeedbackItem.of(given, "gen-000001").reviewed(verdict, correction=correction))
    return store.items()


def test_a_wrong_answer_with_its_correction_becomes_a_question_with_that_key(exporter, tmp_path):
    items = stored(tmp_path, (answer(short_answer="Sergey Lavrov"), "wrong", "Retno Marsudi"))
    question = exporter.run(items).questions[0]
    assert (question.question_id, question.question, question.answers) == (
        "feedback-1", "Who co-chaired it?", ("Retno Marsudi",))
    assert (question.gold_doc_ids, question.kind, question.match, question.style) == (
        (SEED_ID,), "who", "any", "feedback")


def test_right_answers_keep_their_short_answer_or_their_not_found(exporter, tmp_path):
    items = stored(tmp_path, (answer(searched="Who co-chaired the meeting?"), "right", ""),
                   (replace(answer(found=False), question="What did the ministry say about Mars?"), "right", ""))
    answered, unanswerable = exporter.run(items).questions
    assert answered.question == "Who co-chaired the meeting?"  # the searched form stands on its own
    assert (answered.answers, answered.match) == (("Retno Marsudi", "Sergey Lavrov"), "all")  # as the release words it
    assert answered.gold_doc_ids == (SEED_ID,)
    assert (unanswerable.kind, unanswerable.answers, unanswerable.gold_doc_ids) == ("unanswerable", (), ())


def test_a_key_is_looked_for_beyond_the_cited_releases(exporter, tmp_path):
    wrong = replace(answer(), question="Where was the U.S.-ASEAN Summit held?")
    question = exporter.run(stored(tmp_path, (wrong, "wrong", "U.S.-ASEAN Summit"))).questions[0]
    assert SEED_ID not in question.gold_doc_ids and question.gold_doc_ids
    assert all(release_id.startswith("asean-md/") for release_id in question.gold_doc_ids)
    assert question.kind == "where"


def test_a_right_answer_worded_unlike_the_release_keeps_its_citations(exporter, tmp_path):
    question = exporter.run(stored(tmp_path, (answer(short_answer="Marsudi (Indonesia)"), "right", ""))).questions[0]
    assert (question.answers, question.gold_doc_ids) == (("Marsudi (Indonesia)",), (SEED_ID,))


def test_items_without_a_key_are_left_out_with_the_reason(exporter, tmp_path):
    items = stored(tmp_path, (answer(), "wrong", ""), (replace(answer(), question="Q2?"), "wrong", "Neil Armstrong"))
    report = exporter.run(items)
    assert report.questions == []
    assert report.skipped == ["feedback 1: a wrong answer without the right one gives no key",
                              "feedback 2: no release of the index holds the key 'Neil Armstrong'"]


def test_the_latest_feedback_on_a_question_wins(exporter, tmp_path):
    items = stored(tmp_path, (answer(), "right", ""), (answer(), "wrong", "Retno Marsudi"))
    report = exporter.run(items)
    assert [question.question_id for question in report.questions] == ["feedback-2"]
    assert report.skipped == ["feedback 1: replaced by feedback 2 on the same question"]


@pytest.mark.parametrize("question, kind", [("How many vaccines were given?", "number"), ("When was it held?", "when"),
                                            ("Which ministers attended?", "who"), ("What was agreed?", "what")])
def test_the_kind_comes_from_the_wording(exporter, question, kind):
    assert exporter.kind(question) == kind


def test_the_export_reads_back_as_a_question_set(exporter, tmp_path):
    items = stored(tmp_path, (answer(), "right", ""), (replace(answer(), question="Q2?"), "wrong", "PRAK Sokhonn"),
                   (replace(answer(found=False), question="Q3?"), "right", ""))
    questions = exporter.run(items).questions
    path = write_questions(questions, tmp_path / "feedback.jsonl")
    assert load_questions(path) == questions
