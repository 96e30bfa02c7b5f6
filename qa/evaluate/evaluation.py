"""Scores an Assistant on a question set: retrieval, answers, citations, "not found", latency.

Question sets are read by `qa/evaluate/questions.py`; the dev set is `tests/data/dev_questions.jsonl`.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from qa.errors import QAError
from qa.evaluate.questions import KINDS, DevQuestion

RETRIEVAL_DEPTH = 10  # recall@1/@5/@10 and MRR@10 look this deep

@dataclass(frozen=True)
class QuestionResult:
    """What the assistant did with one question."""

    question: DevQuestion
    retrieved_release_ids: tuple[str, ...]  # releases of `Assistant.search` hits, best first
    answer: str
    short_answer: str | None
    found: bool
    cited_release_ids: tuple[str, ...]  # releases the answer cites (empty when not found)
    latency_ms: float  # wall time of `Assistant.ask`

    @property
    def gold_rank(self) -> int | None:
        """1-based rank of the first retrieved release that is gold; None if none is."""
        gold = set(self.question.gold_doc_ids)
        return next((rank for rank, release_id in enumerate(self.retrieved_release_ids, start=1)
                     if release_id in gold), None)

    @property
    def correct(self) -> bool:
        """Answerable: found and holding the key strings. Unanswerable: "not found"."""
        if not self.question.answerable:
            return not self.found
        return self.found and self.question.is_answered_by(f"{self.short_answer or ''}\n{self.answer}")

    @property
    def failure_class(self) -> str | None:
        """Why the answer is wrong, naming the stage to look at; None when it is right.

        "wrong span": the answer is right but the short answer shown is not.
        """
        question = self.question
        if not question.answerable:
            return "answered the unanswerable" if self.found else None
        if not self.found:
            return "false refusal"
        if not self.correct:
            return "wrong sentence" if self.gold_rank is not None else "retrieval missed the release"
        if self.short_answer and not question.is_answered_by(self.short_answer):
            return "wrong span"
        return None

    @property
    def short_answer_correct(self) -> bool:
        """Stricter: the short answer alone holds the key strings (answerable questions)."""
        return bool(self.found and self.short_answer and self.question.is_answered_by(self.short_answer))

    @property
    def citation_precision(self) -> float | None:
        """Share of cited releases that are gold; None unless an answerable question was answered."""
        if not (self.found and self.question.answerable and self.cited_release_ids):
            return None
        gold = set(self.question.gold_doc_ids)
        return sum(release_id in gold for release_id in self.cited_release_ids) / len(self.cited_release_ids)


@dataclass(frozen=True)
class Scores:
    """Figures over a group of results; None where the group has nothing to measure."""

    questions: int
    answerable: int
    recall_at_1: float | None  # answerable questions with a gold release among the top k retrieved
    recall_at_5: float | None
    recall_at_10: float | None
    mrr: float | None  # mean reciprocal rank of the first gold release (0 beyond the depth)
    answer_accuracy: float | None  # answerable questions answered with the key strings
    short_answer_accuracy: float | None  # answerable questions whose short answer alone holds them
    cited_gold: float | None  # answerable questions whose found answer cites a gold release
    citation_precision: float | None  # mean over answered answerable questions
    accuracy: float  # every question: right answer, or "not found" for unanswerable ones
    not_found_precision: float | None  # of the "not found" answers, share to unanswerable questions
    not_found_recall: float | None  # of the unanswerable questions, share answered "not found"
    false_refusals: float | None = None  # answerable questions answered "not found"
    short_answer_precision: float | None = None  # of the short answers shown (answerable), share holding the key
    short_answer_coverage: float | None = None  # answerable questions given a short answer at all

    @classmethod
    def of(cls, results: Sequence[QuestionResult]) -> "Scores":
        answerable = [r for r in results if r.question.answerable]
        unanswerable = [r for r in results if not r.question.answerable]
        not_found = [r for r in results if not r.found]
        ranks = [r.gold_rank for r in answerable]
        precisions = [p for r in answerable if (p := r.citation_precision) is not None]

        def recall(k: int) -> float | None:
            return _mean([rank is not None and rank <= k for rank in ranks])

        return cls(
            questions=len(results), answerable=len(answerable),
            recall_at_1=recall(1), recall_at_5=recall(5), recall_at_10=recall(RETRIEVAL_DEPTH),
            mrr=_mean([1 / rank if rank else 0.0 for rank in ranks]),
            answer_accuracy=_mean([r.correct for r in answerable]),
            short_answer_accuracy=_mean([r.short_answer_correct for r in answerable]),
            cited_gold=_mean([bool(set(r.cited_release_ids) & set(r.question.gold_doc_ids)) for r in answerable]),
            citation_precision=_mean(precisions),
            accuracy=_mean([r.correct for r in results]) or 0.0,
            not_found_precision=_mean([not r.question.answerable for r in not_found]),
            not_found_recall=_mean([not r.found for r in unanswerable]),
            false_refusals=_mean([not r.found for r in answerable]),
            short_answer_precision=_mean([r.short_answer_correct for r in answerable if r.found and r.short_answer]),
            short_answer_coverage=_mean([bool(r.found and r.short_answer) for r in answerable]),
        )

    def to_dict(self) -> dict:
        return {name: (round(value, 4) if isinstance(value, float) else value)
                for name, value in self.__dict__.items()}


@dataclass(frozen=True)
class EvaluationReport:
    """Scores overall, per kind and for paraphrased questions; latency; the misses."""

    overall: Scores
    by_kind: dict[str, Scores]
    paraphrased: Scores
    latency_p50_ms: float
    latency_p95_ms: float
    results: list[QuestionResult] = field(repr=False)
    k: int | None = None  # passages each answer drew from

    by_style: dict[str, Scores] = field(default_factory=dict)

    @property
    def failures(self) -> list[QuestionResult]:
        return [result for result in self.results if not result.correct]

    def failure_classes(self) -> dict[str, int]:
        """How many answers went wrong at each stage (a right answer with a wrong short answer
        counts as "wrong span")."""
        counts: dict[str, int] = {}
        for result in self.results:
            if (failure := result.failure_class) is not None:
                counts[failure] = counts.get(failure, 0) + 1
        return counts

    def to_dict(self) -> dict:
        return {
            "questions": self.overall.questions,
            "k": self.k,
            "retrieval_depth": RETRIEVAL_DEPTH,
            "scores": self.overall.to_dict(),
            "latency_ms": {"p50": round(self.latency_p50_ms, 2), "p95": round(self.latency_p95_ms, 2)},
            "by_kind": {kind: scores.to_dict() for kind, scores in self.by_kind.items()},
            "paraphrased": self.paraphrased.to_dict(),
            "by_style": {style: scores.to_dict() for style, scores in self.by_style.items()},
            "failure_classes": self.failure_classes(),
            "failures": [_failure(result) for result in self.failures],
        }


class Evaluator:
    """Runs each question through `Assistant.search` (retrieval figures) and `Assistant.ask`.

    Retrieval recall@1/@5/@10 and MRR are over the releases of `search(question, 10)`:
    the fused dense+BM25 ranking before any entity constraint. Answer accuracy, cited
    gold and citation precision are over what `ask` answers and cites.

    Example:
        report = Evaluator(Assistant.open("index")).run(load_questions("tests/data/dev_questions.jsonl"))
        print(report.overall.answer_accuracy, report.latency_p50_ms)
    """

    def __init__(self, assistant, k: int | None = None):
        self.assistant = assistant
        self.k = k

    def run(self, questions: Sequence[DevQuestion]) -> EvaluationReport:
        if not questions:
            raise QAError("there are no questions to evaluate")
        # One untimed question first: the first call pays for lazy loading, not for answering.
        self.assistant.ask(questions[0].question, k=self.k)
        results = [self._evaluate(question) for question in questions]
        settings = getattr(self.assistant, "settings", None)
        return build_report(results, self.k if self.k is not None else getattr(settings, "top_k", None))

    def _evaluate(self, question: DevQuestion) -> QuestionResult:
        hits = self.assistant.search(question.question, RETRIEVAL_DEPTH)
        started = time.perf_counter()
        answer = self.assistant.ask(question.question, k=self.k)
        latency_ms = (time.perf_counter() - started) * 1000
        cited = tuple(c.release_id for c in answer.citations) if answer.found else ()
        return QuestionResult(question, tuple(hit.release_id for hit in hits), answer.answer,
                              answer.short_answer, answer.found, cited, latency_ms)


def build_report(results: Sequence[QuestionResult], k: int | None = None) -> EvaluationReport:
    """Aggregates per-question results into the report's figures."""
    results = list(results)
    latencies = [result.latency_ms for result in results] or [0.0]
    by_kind = {kind: Scores.of([r for r in results if r.question.kind == kind])
               for kind in KINDS if any(r.question.kind == kind for r in results)}
    styles = sorted({r.question.style for r in results if r.question.style})
    by_style = {style: Scores.of([r for r in results if r.question.style == style]) for style in styles}
    return EvaluationReport(Scores.of(results), by_kind, Scores.of([r for r in results if r.question.paraphrased]),
                            float(np.percentile(latencies, 50)), float(np.percentile(latencies, 95)), results, k,
                            by_style)


def format_report(report: EvaluationReport) -> str:
    """The readable report `qa eval` prints."""
    scores = report.overall
    lines = [f"{scores.questions} questions ({scores.answerable} answerable, "
             f"{scores.questions - scores.answerable} unanswerable, {report.paraphrased.questions} paraphrased), "
             f"answers from the top {report.k if report.k is not None else '?'} passages",
             "",
             f"retrieval (search top {RETRIEVAL_DEPTH}): recall@1 {_pct(scores.recall_at_1)}  "
             f"recall@5 {_pct(scores.recall_at_5)}  recall@10 {_pct(scores.recall_at_10)}  "
             f"MRR {_num(scores.mrr)}",
             f"answers: accuracy {_pct(scores.answer_accuracy)} (answerable)  {_pct(scores.accuracy)} (all)  "
             f"short answer {_pct(scores.short_answer_accuracy)}",
             f"citations: cited gold {_pct(scores.cited_gold)}  citation precision {_pct(scores.citation_precision)}",
             f"not found: precision {_pct(scores.not_found_precision)}  recall {_pct(scores.not_found_recall)}  "
             f"false refusals {_pct(scores.false_refusals)} (of answerable)",
             f"short answers: precision {_pct(scores.short_answer_precision)} (of those shown)  "
             f"coverage {_pct(scores.short_answer_coverage)} (of answerable)",
             f"latency: p50 {report.latency_p50_ms:.1f} ms  p95 {report.latency_p95_ms:.1f} ms",
             "",
             f"{'kind':<14}{'n':>4}{'R@1':>7}{'R@5':>7}{'R@10':>7}{'MRR':>7}{'answer':>8}{'all':>7}"]
    groups = (list(report.by_kind.items()) + [("(paraphrased)", report.paraphrased)]
              + [(f"style:{style}", scores) for style, scores in report.by_style.items()])
    for kind, group in groups:
        lines.append(f"{kind:<14}{group.questions:>4}{_pct(group.recall_at_1):>7}{_pct(group.recall_at_5):>7}"
                     f"{_pct(group.recall_at_10):>7}{_num(group.mrr):>7}{_pct(group.answer_accuracy):>8}"
                     f"{_pct(group.accuracy):>7}")
    classes = report.failure_classes()
    if classes:
        lines += ["", "wrong, by stage: " + ", ".join(f"{name} {count}" for name, count in sorted(classes.items()))]
    failures = report.failures
    lines += ["", f"wrong ({len(failures)}):" if failures else "wrong: none"]
    for result in failures:
        failure = _failure(result)
        lines.append(f"- [{failure['id']}] ({result.failure_class}) {failure['question']}")
        lines.append(f"    expected: {failure['expected']}  gold rank: {failure['gold_rank'] or '-'}")
        lines.append(f"    answered: {failure['answered']}")
    return "\n".join(lines)


def _failure(result: QuestionResult) -> dict:
    question = result.question
    expected = (f"{question.match} of {list(question.answers)}" if question.answerable else "not found")
    answered = "not found" if not result.found else (result.short_answer or result.answer)
    return {"id": question.question_id, "kind": question.kind, "question": question.question,
            "expected": expected, "answered": answered, "answer": result.answer,
            "found": result.found, "cited": list(result.cited_release_ids), "gold_rank": result.gold_rank,
            "failure_class": result.failure_class}


def _mean(values: Sequence[float | bool]) -> float | None:
    return float(sum(values)) / len(values) if values else None


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{100 * value:.1f}"


def _num(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f}"
