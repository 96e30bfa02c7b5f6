"""An operator's trace of one question, stage by stage: `qa ask --explain` and the app's "Why this answer?".

Retrieval (each passage's dense, BM25 and fused rank), the candidate sentences with their
features and learned probability, the "not found" probability against its threshold, the
short-answer candidates against theirs, and a verdict naming the stage to look at. Given the
expected answer (`--expect`), the verdict says where it was lost: retrieval missed the
release, the right sentence scored below another, the span inside it was wrong, or the refusal
fired. Explaining re-runs nothing: it reads what the answer stage decided.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from .answerer import AnswerTrace
from .evidence import normalise
from .records import Answer, Hit

SHOWN_CANDIDATES = 8


@dataclass(frozen=True)
class Explanation:
    """The answer and how it was reached; `to_dict` is `qa ask --explain --json`."""

    answer: Answer
    hits: list[Hit]
    titles: dict[str, str]
    trace: AnswerTrace
    expected: str | None = None

    def verdict(self) -> str:
        """One line: the stage to look at."""
        trace = self.trace
        if self.expected:
            return _where_lost(self, normalise(self.expected))
        if not self.answer.found:
            if trace.answerable_probability is None:
                return "retrieval: no passage came back (filters too narrow, or an empty index)"
            return (f"refusal: the best sentence's answerable probability {trace.answerable_probability:.2f} is under "
                    f"the threshold {trace.answer_threshold:.2f}; if the releases do answer, look at the sentence "
                    "ranking below, then at retrieval")
        if self.answer.short_answer is None:
            return (f"answered; no short answer: no entity of the sentence reached the span threshold "
                    f"{trace.span_threshold:.2f}")
        return ("answered; if it is wrong: is the right release among the passages (retrieval)? is its sentence "
                "ranked first (sentence model)? is the short answer the right entity of it (span model)?")

    def to_dict(self) -> dict:
        trace = self.trace
        return {
            "answer": self.answer.to_dict(),
            "passages": [{"fused_rank": rank, "release_id": hit.release_id, "title": self.titles.get(hit.release_id),
                          "chunk_id": hit.chunk_id, "dense_rank": hit.dense_rank, "bm25_rank": hit.bm25_rank,
                          "fused_score": round(hit.score, 5), "dense_score": _round(hit.dense_score),
                          "bm25_score": _round(hit.bm25_score)}
                         for rank, hit in enumerate(self.hits, start=1)],
            "question_types": {name: round(value, 3) for name, value in trace.question_types.items()},
            "list_question": trace.list_question,
            "sentences": [{"rank": rank, "release_id": c.hit.release_id, "passage_rank": c.hit_rank + 1,
                           "probability": round(c.probability, 4), "text": c.text,
                           "features": {name: round(value, 4) for name, value in c.features.items()}}
                          for rank, c in enumerate(trace.candidates[:SHOWN_CANDIDATES], start=1)],
            "answerable_probability": _round(trace.answerable_probability),
            "answer_threshold": round(trace.answer_threshold, 4),
            "spans": [asdict(span) | {"probability": round(span.probability, 4)} for span in trace.spans],
            "span_threshold": round(trace.span_threshold, 4),
            "verdict": self.verdict(),
        }

    def to_text(self) -> str:
        data, lines = self.to_dict(), []
        lines.append(f"answer: {self.answer.short_answer or '-'} | {self.answer.answer}")
        lines.append("retrieval (fused rank, dense rank, BM25 rank, release):")
        for passage in data["passages"]:
            lines.append(f"  {passage['fused_rank']:>2}  dense {passage['dense_rank'] or '-':>3}  "
                         f"bm25 {passage['bm25_rank'] or '-':>3}  {passage['release_id']}")
        types = sorted(data["question_types"].items(), key=lambda item: -item[1])[:3]
        lines.append("question asks for: " + ", ".join(f"{name} {value:.2f}" for name, value in types)
                     + (" (a list)" if data["list_question"] else ""))
        lines.append("sentences (probability; dense, lexical, release words, type fit; passage rank):")
        for sentence in data["sentences"]:
            features = sentence["features"]
            lines.append(f"  {sentence['rank']}. {sentence['probability']:.3f}  ({features['dense']:.2f}, "
                         f"{features['lexical']:.2f}, {features['release_lexical']:.2f}, {features['type_fit']:.2f}; "
                         f"passage {sentence['passage_rank']}) {sentence['text'][:110]}")
        probability = data["answerable_probability"]
        lines.append(f"answerable: {probability if probability is not None else '-'} against threshold "
                     f"{data['answer_threshold']} -> {'answer' if self.answer.found else 'not found'}")
        if data["spans"]:
            lines.append(f"short answer candidates (threshold {data['span_threshold']}): " + "; ".join(
                f"{span['text']} [{span['kind']}] {span['probability']:.2f}" for span in data["spans"][:5]))
        lines.append(f"verdict: {data['verdict']}")
        return "\n".join(lines)


def _where_lost(explanation: Explanation, expected: str) -> str:
    """Where the expected answer was lost, stage by stage (the first stage that lost it)."""
    trace, answer = explanation.trace, explanation.answer
    holding = [c for c in trace.candidates if expected in normalise(c.text)]
    if not holding:
        return f"retrieval missed the release: no retrieved passage holds {expected!r}"
    rank = trace.candidates.index(holding[0]) + 1
    if not answer.found:
        return (f"the refusal fired: the sentence holding it is ranked {rank}, the answerable probability "
                f"{trace.answerable_probability:.2f} is under the threshold {trace.answer_threshold:.2f}")
    if expected not in normalise(answer.answer):
        return (f"the right sentence scored below another: it is ranked {rank} "
                f"({holding[0].probability:.3f} against {trace.candidates[0].probability:.3f})")
    if answer.short_answer and expected not in normalise(answer.short_answer):
        return f"the span inside it was wrong: the short answer is {answer.short_answer!r}"
    return "right: the answer holds the expected text"


def _round(value: float | None) -> float | None:
    return None if value is None else round(float(value), 5)
