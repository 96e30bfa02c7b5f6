"""qa/explain.py: the stage-by-stage trace of one answer and the verdict naming the stage to look at."""

import threading

import pytest

from qa import Assistant
from qa.answer.features import Candidate
from qa.answer.extractive import AnswerTrace, SpanChoice
from qa.answer.explain import Explanation, TracingAssistant
from qa.render import explanation_html
from qa.records import Answer, Citation, Hit
from qa.index.snapshot import StoredSentence

from ..fakes import FakeEmbedder

COCHAIRED = "The Meeting was co-chaired by H.E. Retno Marsudi and H.E. Sergey Lavrov."
OPENED = "The Meeting was opened by <b>PRAK Sokhonn</b> on 6 July 2021."
SECTIONS = ("answer:", "retrieval (", "question asks for:", "sentences (", "answerable:",
            "short answer candidates (", "verdict:")


def candidate(text: str, probability: float, hit_rank: int = 0) -> Candidate:
    hit = Hit(chunk_id=hit_rank, release_id=f"seed/{hit_rank}.txt", score=0.03, dense_rank=hit_rank + 1, bm25_rank=2)
    return Candidate(StoredSentence(hit_rank, hit.release_id, 0, 0, len(text)), text, hit, hit_rank, [],
                     {"dense": 0.4, "lexical": 1.0, "release_lexical": 1.0, "type_fit": 1.0}, probability)


def trace(candidates: list[Candidate], answerable: float | None = 0.9, spans=()) -> AnswerTrace:
    return AnswerTrace({"who": 0.98, "when": 0.02}, False, candidates, answerable, 0.3, list(spans), 0.8,
                       [c.hit for c in candidates])


def answer(text: str | None, short_answer: str | None = None, mode: str = "extractive") -> Answer:
    if text is None:
        return Answer("Who co-chaired the meeting?", "The releases don't say.", None, False, [], {})
    cited = Citation(1, "seed/0.txt", "Outcomes", "2021-07-06", text, 0, len(text), 0.9, sentence=text,
                     sentence_start=0, sentence_end=len(text))
    return Answer("Who co-chaired the meeting?", f"{text} [1]", short_answer, True, [cited], {}, mode=mode)


def explained(answered: Answer, traced: AnswerTrace, expected: str | None = None) -> Explanation:
    return Explanation(answered, traced.hits, {hit.release_id: "Outcomes" for hit in traced.hits}, traced, expected)


@pytest.fixture
def right_trace() -> AnswerTrace:
    spans = [SpanChoice("Retno Marsudi", "person", 0.91), SpanChoice("Sergey Lavrov", "person", 0.88)]
    return trace([candidate(COCHAIRED, 0.93), candidate(OPENED, 0.20, hit_rank=1)], spans=spans)


def test_text_has_every_stage_in_order_and_the_verdict_last(right_trace):
    text = explained(answer(COCHAIRED, "Retno Marsudi"), right_trace).to_text()
    positions = [text.index(section) for section in SECTIONS]
    assert positions == sorted(positions)
    assert text.splitlines()[-1].startswith("verdict: answered")
    assert "0.930" in text and "threshold 0.300" in text and "Retno Marsudi [person] 0.91 (shown)" in text
    assert "passage 1; [1]) The Meeting was co-chaired" in text and "passage 2) The Meeting was opened" in text


def test_dict_holds_passages_sentences_probabilities_and_verdict(right_trace):
    data = explained(answer(COCHAIRED, "Retno Marsudi"), right_trace).to_dict()
    assert [passage["fused_rank"] for passage in data["passages"]] == [1, 2]
    assert data["passages"][0]["title"] == "Outcomes" and data["passages"][0]["dense_rank"] == 1
    assert data["sentences"][0]["text"] == COCHAIRED and data["sentences"][0]["features"]["dense"] == 0.4
    assert [sentence["cited_as"] for sentence in data["sentences"]] == [1, None]
    assert data["answerable_probability"] == 0.9 and data["answer_threshold"] == 0.3
    assert data["spans"][0] == {"text": "Retno Marsudi", "kind": "person", "probability": 0.91}
    assert data["note"] is None and data["verdict"].startswith("answered")


@pytest.mark.parametrize("expected, stage", [
    ("Kampot salt fields", "retrieval missed the release"),
    ("PRAK Sokhonn", "the right sentence scored below another: it is ranked 2"),
    ("Sergey Lavrov", "the span inside it was wrong"),
    ("  retno MARSUDI ", "right: the short answer holds"),
])
def test_expected_answer_names_the_stage_where_it_was_lost(right_trace, expected, stage):
    assert explained(answer(COCHAIRED, "Retno Marsudi"), right_trace, expected).verdict().startswith(stage)


def test_expected_answer_under_a_refusal_names_the_refusal(right_trace):
    refused = trace(right_trace.candidates, answerable=0.1)
    assert explained(answer(None), refused, "Sergey Lavrov").verdict().startswith("the refusal fired")
    assert explained(answer(None), refused).verdict().startswith("refusal: the best sentence's answerable")


def test_no_passage_is_a_retrieval_verdict_and_every_section_still_shows():
    text = explained(answer(None), trace([], answerable=None)).to_text()
    assert "retrieval: no passage came back" in text and "sentences: none to rate" in text
    assert text.splitlines()[-1] == "verdict: retrieval: no passage came back (filters too narrow, or an empty index)"


def test_generative_answer_says_the_trace_is_the_extractive_stages(right_trace):
    written = answer("Retno Marsudi and Sergey Lavrov co-chaired it.", mode="generative")
    explanation = explained(written, right_trace)
    assert "extractive stage" in explanation.to_dict()["note"] and "note: the answer was written by the generator" \
        in explanation.to_text()
    assert "written by the generator" in explanation_html(explanation)
    assert explained(written, right_trace, "PRAK Sokhonn").verdict().startswith("the right sentence scored below")


def test_panel_escapes_release_text(right_trace):
    panel = explanation_html(explained(answer(COCHAIRED), trace([candidate(OPENED, 0.9)])))
    assert "<b>PRAK" not in panel and "&lt;b&gt;PRAK Sokhonn&lt;/b&gt;" in panel
    assert panel.count("<pre") == 1


class RecordingAssistant:
    """Answers each question with its own text, the trace carrying it too."""

    snapshot = "the snapshot"

    def ask_with_trace(self, question, k=None, filters=None):
        return answer(question), trace([candidate(question, 0.9)])


def test_tracing_assistant_keeps_each_threads_last_trace():
    tracing = TracingAssistant(RecordingAssistant())
    assert tracing.last_trace() is None and tracing.snapshot == "the snapshot"
    tracing.ask("first")
    seen = {}

    def ask_on_another_thread():
        tracing.ask("other")
        seen["text"] = tracing.last_trace().candidates[0].text

    worker = threading.Thread(target=ask_on_another_thread)
    worker.start()
    worker.join()
    assert seen["text"] == "other" and tracing.last_trace().candidates[0].text == "first"
    tracing.forget()
    assert tracing.last_trace() is None


def test_explaining_a_real_ask_reads_titles_and_keeps_the_answer(fake_index):
    assistant = Assistant.open(fake_index, embedder=FakeEmbedder())
    answered, traced = assistant.ask_with_trace("Who co-chaired the meeting?")
    explanation = Explanation.of(assistant.snapshot, answered, traced)
    assert explanation.hits == traced.hits and len(explanation.hits) > 0
    assert explanation.titles[traced.hits[0].release_id] == assistant.snapshot.releases[traced.hits[0].release_id].title
    assert explanation.to_text().splitlines()[-1].startswith("verdict: ")
    again = assistant.ask("Who co-chaired the meeting?")
    assert (again.answer, again.short_answer, again.citations) == (answered.answer, answered.short_answer,
                                                                  answered.citations)
