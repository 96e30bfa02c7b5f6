"""The learned answer stage's plumbing on a small index with the fake embedder (no quality claims)."""

from qa import Assistant
from qa.answer.extractive import NOT_FOUND_TEXT
from qa.answer.explain import Explanation
from qa.answer.extractive import ExtractiveAnswerer

from ..fakes import FakeEmbedder


def run(fake_index, question):
    assistant = Assistant.open(fake_index, embedder=FakeEmbedder())
    vector = assistant.embedder.embed_queries([question])[0]
    hits = assistant.retriever.search(question, vector, 5)
    answerer = ExtractiveAnswerer(assistant.snapshot)
    answer, trace = answerer.answer_with_trace(question, vector, hits)
    return assistant, hits, answer, trace


def test_every_candidate_is_scored_and_the_answer_quotes_one_release(fake_index):
    _, hits, answer, trace = run(fake_index, "Who co-chaired the Special ASEAN-Russia Foreign Ministers' Meeting?")
    assert trace.candidates and all(0.0 <= c.probability <= 1.0 for c in trace.candidates)
    assert [c.probability for c in trace.candidates] == sorted((c.probability for c in trace.candidates), reverse=True)
    assert 0.0 <= trace.answerable_probability <= 1.0
    if answer.found:
        assert answer.citations[0].sentence == trace.candidates[0].text
        assert len({citation.release_id for citation in answer.citations}) == 1 or trace.list_question
    else:
        assert answer.answer == NOT_FOUND_TEXT and len(answer.citations) <= 3


def test_the_explanation_names_a_stage_and_serialises(fake_index):
    assistant, hits, answer, trace = run(fake_index, "When was the Special ASEAN-Russia meeting held?")
    titles = {hit.release_id: assistant.snapshot.releases[hit.release_id].title for hit in hits}
    explanation = Explanation(answer, hits, titles, trace, expected="6 July 2021")
    data = explanation.to_dict()
    assert data["passages"][0]["fused_rank"] == 1 and "dense_rank" in data["passages"][0]
    assert data["verdict"].startswith(("retrieval missed", "the refusal fired", "the right sentence scored",
                                       "the span inside", "right:"))
    assert "verdict:" in explanation.to_text()


def test_an_expected_text_nowhere_in_the_passages_blames_retrieval(fake_index):
    assistant, hits, answer, trace = run(fake_index, "Who co-chaired the meeting?")
    explanation = Explanation(answer, hits, {}, trace, expected="Zanzibar Quokka")
    assert explanation.verdict().startswith("retrieval missed the release")
