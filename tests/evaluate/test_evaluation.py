"""The evaluation's figures, computed by hand on made-up results; the question file format."""

import json
from dataclasses import dataclass

import pytest

from qa.errors import QAError
from qa.evaluate.evaluation import Evaluator, QuestionResult, Scores, build_report, format_report
from qa.evaluate.questions import DevQuestion, load_questions
from qa.records import Answer, Citation, Hit

from .test_questions import GOOD, write_lines



def question(question_id="q", answers=("Retno Marsudi",), gold=("a",), kind="who", match="any", paraphrased=False):
    return DevQuestion(question_id, f"question {question_id}?", tuple(answers), match, tuple(gold), kind,
                       paraphrased)


def result(dev_question, retrieved=(), answer="", short=None, found=True, cited=(), latency=10.0):
    return QuestionResult(dev_question, tuple(retrieved), answer, short, found, tuple(cited), latency)


def test_answerable_result_is_correct_when_found_with_the_key_in_answer_or_short_answer():
    asked = question(answers=("6 July 2021",), kind="when")
    assert result(asked, short="6 July 2021", answer="On 6 July 2021, ...").correct
    assert result(asked, short=None, answer="The meeting was held on 6 July 2021.").correct
    assert not result(asked, short="7 July 2021", answer="On 7 July 2021").correct
    assert not result(asked, answer="On 6 July 2021", found=False).correct


def test_unanswerable_result_is_correct_only_when_not_found():
    asked = question(answers=(), gold=(), kind="unanswerable")
    assert result(asked, answer="The releases don't say.", found=False).correct
    assert not result(asked, answer="Something made up", found=True, cited=("a",)).correct


def test_gold_rank_is_the_first_gold_release_retrieved():
    asked = question(gold=("b", "b-copy"))
    assert result(asked, retrieved=("a", "b-copy", "b")).gold_rank == 2
    assert result(asked, retrieved=("a", "c")).gold_rank is None


def test_recall_at_k_and_mrr_count_answerable_questions_only():
    results = [
        result(question("1", gold=("a",)), retrieved=("a", "x")),  # rank 1
        result(question("2", gold=("b",)), retrieved=["x"] * 2 + ["b"]),  # rank 3
        result(question("3", gold=("c",)), retrieved=["x"] * 6 + ["c"]),  # rank 7
        result(question("4", gold=("d",)), retrieved=["x"] * 10),  # not retrieved
        result(question("5", answers=(), gold=(), kind="unanswerable"), retrieved=("a",), found=False),
    ]
    scores = Scores.of(results)
    assert (scores.questions, scores.answerable) == (5, 4)
    assert scores.recall_at_1 == pytest.approx(1 / 4)
    assert scores.recall_at_5 == pytest.approx(2 / 4)
    assert scores.recall_at_10 == pytest.approx(3 / 4)
    assert scores.mrr == pytest.approx((1 + 1 / 3 + 1 / 7 + 0) / 4)


def test_citation_precision_averages_over_answered_answerable_questions():
    results = [
        result(question("1", gold=("a", "a-copy")), answer="Retno Marsudi", cited=("a", "z")),  # 1/2
        result(question("2", gold=("b",)), answer="Retno Marsudi", cited=("b",)),  # 1
        result(question("3", gold=("c",)), found=False),  # not answered: left out
        result(question("4", answers=(), gold=(), kind="unanswerable"), cited=("q",)),  # not answerable: left out
    ]
    scores = Scores.of(results)
    assert scores.citation_precision == pytest.approx(0.75)
    assert scores.cited_gold == pytest.approx(2 / 3)


def test_not_found_precision_and_recall():
    unanswerable = [question(f"u{n}", answers=(), gold=(), kind="unanswerable") for n in range(4)]
    results = [result(unanswerable[0], found=False), result(unanswerable[1], found=False),
               result(unanswerable[2], found=False), result(unanswerable[3], found=True, answer="made up"),
               result(question("a1"), found=False), result(question("a2"), answer="Retno Marsudi")]
    scores = Scores.of(results)
    assert scores.not_found_precision == pytest.approx(3 / 4)  # one "not found" was to an answerable question
    assert scores.not_found_recall == pytest.approx(3 / 4)
    assert scores.answer_accuracy == pytest.approx(1 / 2)
    assert scores.accuracy == pytest.approx(4 / 6)


def test_figures_without_anything_to_measure_are_none():
    scores = Scores.of([result(question("u", answers=(), gold=(), kind="unanswerable"), found=True)])
    assert scores.recall_at_1 is None and scores.mrr is None and scores.answer_accuracy is None
    assert scores.citation_precision is None and scores.not_found_precision is None
    assert scores.not_found_recall == 0.0


def test_report_breaks_down_by_kind_and_paraphrase_and_lists_the_misses():
    results = [result(question("w", kind="who", paraphrased=True), answer="Retno Marsudi", latency=10),
               result(question("n", kind="number", answers=("$102 million",)), answer="$100 million", latency=30),
               result(question("u", answers=(), gold=(), kind="unanswerable"), found=False, latency=20)]
    report = build_report(results, k=5)
    assert set(report.by_kind) == {"who", "number", "unanswerable"}
    assert report.by_kind["who"].answer_accuracy == 1.0 and report.by_kind["number"].answer_accuracy == 0.0
    assert report.paraphrased.questions == 1
    assert report.latency_p50_ms == pytest.approx(20.0)
    assert [failure.question.question_id for failure in report.failures] == ["n"]
    data = report.to_dict()
    assert json.loads(json.dumps(data)) == data
    assert data["failures"][0]["answered"] == "$100 million" and data["failures"][0]["expected"] == "any of ['$102 million']"
    text = format_report(report)
    assert "recall@5" in text and "[n] (retrieval missed the release) question n?" in text
    assert "answered: $100 million" in text and "wrong, by stage: retrieval missed the release 1" in text
    assert data["failure_classes"] == {"retrieval missed the release": 1}


@dataclass
class StubAssistant:
    """Answers from a table, as `Assistant` would: hits for search, an Answer for ask."""

    answers: dict

    def search(self, question, k=None, filters=None):
        return [Hit(n, release_id, 1.0 / (n + 1)) for n, release_id in enumerate(self.answers[question][2])][:k]

    def ask(self, question, k=None, filters=None):
        text, found, retrieved = self.answers[question]
        citations = [Citation(1, retrieved[0], "title", None, text, 0, len(text), 1.0)] if found else []
        return Answer(question, text, None, found, citations, {})


def test_evaluator_runs_each_question_through_search_and_ask():
    questions = [question("1", gold=("a",)), question("2", answers=(), gold=(), kind="unanswerable")]
    assistant = StubAssistant({"question 1?": ("Retno Marsudi co-chaired", True, ["z", "a"]),
                               "question 2?": ("The releases don't say.", False, ["z"])})
    report = Evaluator(assistant).run(questions)
    first, second = report.results
    assert first.retrieved_release_ids == ("z", "a") and first.gold_rank == 2 and first.cited_release_ids == ("z",)
    assert first.correct and first.citation_precision == 0.0
    assert second.correct and second.cited_release_ids == ()
    assert report.overall.mrr == pytest.approx(0.5) and report.overall.not_found_recall == 1.0



def test_eval_command_refuses_a_bad_question_file_in_one_line(tmp_path, capsys):
    from qa.cli import main

    assert main(["eval", str(tmp_path / "missing.jsonl"), "--index", str(tmp_path / "index")]) == 1
    error = capsys.readouterr().err
    assert error.startswith("qa: error:") and "was not found" in error and error.count("\n") == 1


@pytest.mark.parametrize("as_json", [True, False])
def test_eval_command_prints_one_json_object_or_a_readable_report(tmp_path, fake_index, monkeypatch, capsys, as_json):
    from qa.cli import main

    from ..fakes import FakeEmbedder

    monkeypatch.setattr("qa.index.embedder.Embedder", lambda *a, **k: FakeEmbedder())
    unanswerable = {**GOOD, "id": "q2", "question": "Who won the 2022 FIFA World Cup?", "answers": [],
                    "gold_doc_ids": [], "kind": "unanswerable"}
    path = write_lines(tmp_path, GOOD, unanswerable)
    assert main(["eval", str(path), "--index", str(fake_index), "--k", "3"] + (["--json"] if as_json else [])) == 0
    output = capsys.readouterr().out
    if as_json:
        data = json.loads(output)
        assert data["questions"] == 2 and data["k"] == 3
        assert {"recall_at_1", "recall_at_5", "mrr", "answer_accuracy", "citation_precision",
                "not_found_precision", "not_found_recall"} <= set(data["scores"])
        assert set(data["latency_ms"]) == {"p50", "p95"} and set(data["by_kind"]) == {"who", "unanswerable"}
    else:
        assert output.startswith("2 questions (1 answerable, 1 unanswerable, 0 paraphrased), answers from the top 3")
        assert "recall@5" in output and "not found: precision" in output


@pytest.mark.parametrize("kwargs, expected", [
    ({"answer": "Retno Marsudi"}, None),
    ({"answer": "Retno Marsudi co-chaired.", "short": "Sergey Lavrov"}, "wrong span"),
    ({"found": False}, "false refusal"),
    ({"answer": "Someone else", "retrieved": ("a",)}, "wrong sentence"),
    ({"answer": "Someone else", "retrieved": ("other/release",)}, "retrieval missed the release"),
])
def test_each_wrong_answer_names_the_stage_at_fault(kwargs, expected):
    assert result(question("w", kind="who"), **kwargs).failure_class == expected


def test_short_answer_precision_counts_only_the_short_answers_shown():
    results = [result(question("a"), answer="Retno Marsudi said", short="Retno Marsudi"),
               result(question("b"), answer="Retno Marsudi said", short="Lavrov"),
               result(question("c"), answer="Retno Marsudi said", short=None)]
    scores = build_report(results).overall
    assert scores.short_answer_precision == 0.5 and scores.short_answer_coverage == pytest.approx(2 / 3)
