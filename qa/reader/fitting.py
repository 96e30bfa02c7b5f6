"""Fits the reader's decision on the dev set: `qa fit-reader --index EVAL_INDEX`.

Every dev question is asked once with the fitted stage alone; the reader reads its best
`MAX_CANDIDATES` sentences once; then each choice of how many it reads, how much the fitted
stage's score counts, when a second sentence is quoted and where "not found" starts is scored by
the right answers it gives over all dev questions (an answer is right when it holds the key, a
refusal when the question is unanswerable), as `qa eval` scores them. The span threshold is the
lowest at which shown short answers hold the key at least SPAN_PRECISION of the time. Never run
on the test split.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, replace

import numpy as np
from tqdm import tqdm

from qa.answer.extractive import dated_text, rank_read, read_candidates, read_sentences, span_text
from qa.answer.features import Candidate
from qa.evaluate.questions import DevQuestion
from qa.ingest.entities import Entity
from qa.reader.decision import SPAN_PRECISION, ReaderDecision

MAX_CANDIDATES = 16
CANDIDATE_COUNTS = (4, 6, 8, 10, 12, 16)
FITTED_WEIGHTS = (0.0, 0.25, 0.5, 1.0)
SECOND_RATIOS = (0.9, 0.7, 0.5, 1.01)


@dataclass
class DevReading:
    """One dev question's candidates (the fitted stage's order) with the reader's readings of the best."""

    question: DevQuestion
    candidates: list[Candidate]
    list_question: bool
    release_dates: dict[str, str | None]


class DecisionFitter:
    """Example:
        decision = DecisionFitter(assistant, Reader.load()).fit(load_questions("tests/data/dev_questions.jsonl"))
    """

    def __init__(self, assistant, reader, progress: bool = True):
        self.assistant = assistant
        self.reader = reader
        self.progress = progress

    def collect(self, questions: list[DevQuestion]) -> list[DevReading]:
        answerer = self.assistant.answerer
        saved, answerer.reader = answerer.reader, None  # the fitted stage's candidates, unread
        try:
            readings = []
            for question in tqdm(questions, desc="reading dev questions", unit="question", disable=not self.progress):
                _, trace = self.assistant.ask_with_trace(question.question)
                ranked = read_candidates(self.reader, self.assistant.snapshot, question.question, trace.candidates,
                                         ReaderDecision(candidates=MAX_CANDIDATES))
                by_rank = sorted(ranked, key=lambda c: -c.probability)  # back in the fitted stage's order
                dates = {c.hit.release_id: self.assistant.snapshot.releases[c.hit.release_id].date for c in ranked}
                readings.append(DevReading(question, by_rank, trace.list_question, dates))
            return readings
        finally:
            answerer.reader = saved

    def fit(self, questions: list[DevQuestion]) -> ReaderDecision:
        readings = self.collect(questions)
        best, best_right = None, -1.0
        for count, weight, ratio in itertools.product(CANDIDATE_COUNTS, FITTED_WEIGHTS, SECOND_RATIOS):
            decision = ReaderDecision(candidates=count, fitted_weight=weight, second_ratio=ratio)
            threshold, right = _best_threshold([self._outcome(r, decision) for r in readings])
            if right > best_right + 1e-9:
                best, best_right = replace(decision, answer_threshold=threshold), right
        outcomes = [self._outcome(r, best) for r in readings]
        span_threshold, span_figures = _span_threshold(outcomes, best.answer_threshold)
        figures = {"dev_questions": len(readings), "dev_right": round(best_right / len(readings), 4), **span_figures,
                   **_figures(outcomes, best.answer_threshold, span_threshold)}
        return replace(best, span_threshold=span_threshold, figures=figures)

    @staticmethod
    def _outcome(reading: DevReading, decision: ReaderDecision) -> tuple:
        """(best score, answer right?, short answer, its probability, question) for one question."""
        top = reading.candidates[:decision.candidates]
        if not top:
            return float("-inf"), False, None, 0.0, reading.question
        ranked = rank_read(top, decision)
        chosen = read_sentences(ranked, reading.list_question, decision.second_ratio)
        text = " ".join(dated_text(c.text, reading.release_dates[c.hit.release_id]) for c in chosen)
        best = ranked[0]
        short = None
        if best.reading.span:
            short = span_text(best.text, Entity(*best.reading.span, "READER"), reading.release_dates[best.hit.release_id])
        question = reading.question
        return best.score, question.answerable and question.is_answered_by(text), short, \
            best.reading.span_probability, question


def _best_threshold(outcomes: list[tuple]) -> tuple[float, float]:
    """The score threshold giving the most right answers (answers that hold the key, refusals of the unanswerable)."""
    scores = sorted({round(o[0], 4) for o in outcomes})
    candidates = [scores[0] - 1] + [(a + b) / 2 for a, b in zip(scores, scores[1:])] + [scores[-1] + 1]
    best, best_right = candidates[0], -1.0
    for threshold in candidates:
        right = sum((o[1] if o[0] >= threshold else not o[4].answerable) for o in outcomes)
        if right > best_right:
            best, best_right = threshold, right
    return float(best), float(best_right)


def _span_threshold(outcomes: list[tuple], answer_threshold: float) -> tuple[float, dict]:
    shown = [(o[3], o[4].is_answered_by(o[2] or "")) for o in outcomes if o[0] >= answer_threshold and o[1] and o[2]]
    for threshold in np.arange(0.0, 1.0, 0.02):
        kept = [holds for probability, holds in shown if probability >= threshold]
        if kept and np.mean(kept) >= SPAN_PRECISION:
            return round(float(threshold), 2), {"span_precision": round(float(np.mean(kept)), 4),
                                                "span_coverage_of_right": round(len(kept) / max(len(shown), 1), 4)}
    return 1.01, {"span_precision": None, "span_coverage_of_right": 0.0}


def _figures(outcomes: list[tuple], threshold: float, span_threshold: float) -> dict:
    answerable = [o for o in outcomes if o[4].answerable]
    unanswerable = [o for o in outcomes if not o[4].answerable]
    return {"dev_answer_accuracy": round(float(np.mean([o[0] >= threshold and o[1] for o in answerable])), 4),
            "dev_false_refusals": round(float(np.mean([o[0] < threshold for o in answerable])), 4),
            "dev_not_found_recall": round(float(np.mean([o[0] < threshold for o in unanswerable])), 4)
            if unanswerable else None}
