"""An operator's trace of one question, stage by stage: `qa ask --explain` and the app's "Why this answer?".

Above the trace, `summary()` says it plainly for staff (`qa.answer.plain_summary`).

Retrieval (each passage's dense, BM25 and fused rank), the candidate sentences with their
features and learned probability, the "not found" probability against its threshold, the
short-answer candidates against theirs, and a verdict naming the stage to look at. Given the
expected answer (`--expect`), the verdict says where it was lost: retrieval missed the
release, the right sentence scored below another, the span inside it was wrong, or the refusal
fired. Explaining re-runs nothing: it reads what the answer stage decided.

Example:
    answer, trace = assistant.ask_with_trace("Who co-chaired the meeting?")
    print(Explanation.of(assistant.snapshot, answer, trace).to_text())
"""

from __future__ import annotations

import threading
from dataclasses import asdict, dataclass

from qa.answer.extractive import AnswerTrace
from qa.answer.plain_summary import plain_summary
from qa.language.aliases import normalise
from qa.records import Answer, Hit

SHOWN_CANDIDATES = 8
SHOWN_SPANS = 5
SHOWN_FEATURES = ("dense", "lexical", "release_lexical", "type_fit")  # the four the text shows; JSON has all
GENERATIVE_NOTE = ("the answer was written by the generator from the passages below; this trace is the extractive "
                   "stage's, which chose those passages and decided whether to answer at all")


@dataclass(frozen=True)
class Explanation:
    """The answer and how it was reached; `to_dict` is the `explanation` of `qa ask --explain --json`."""

    answer: Answer
    hits: list[Hit]
    titles: dict[str, str]
    trace: AnswerTrace
    expected: str | None = None

    @classmethod
    def of(cls, snapshot, answer: Answer, trace: AnswerTrace, expected: str | None = None) -> "Explanation":
        """The explanation of `answer`, with the titles of its retrieved releases from `snapshot`."""
        titles = {}
        for hit in trace.hits:
            release = snapshot.releases.get(hit.release_id)  # None if an ingest removed it meanwhile
            titles[hit.release_id] = release.title if release else None
        return cls(answer, list(trace.hits), titles, trace, expected)

    @property
    def generative(self) -> bool:
        return self.answer.mode == "generative"

    def summary(self) -> str:
        """One to three plain sentences for staff: why this answer, why no short answer, or why "not found"."""
        return plain_summary(self)

    def verdict(self) -> str:
        """One line: the stage to look at."""
        trace = self.trace
        if self.expected and _expected_text(self.expected):
            return _where_lost(self, _expected_text(self.expected))
        if not self.answer.found:
            if trace.answerable_probability is None:
                return "retrieval: no passage came back (filters too narrow, or an empty index)"
            return (f"refusal: the best sentence's answerable probability {trace.answerable_probability:.2f} is under "
                    f"the threshold {trace.answer_threshold:.2f}; if the releases do answer, look at the sentence "
                    "ranking below, then at retrieval")
        if self.generative:
            return ("answered by the generator; if it is wrong: is the right release among the passages (retrieval)? "
                    "does the best sentence hold the answer (sentence model)? if so, the generator lost it")
        if self.answer.short_answer is None:
            return (f"answered; no short answer: no entity of the answer reached the span threshold "
                    f"{trace.span_threshold:.2f}")
        return ("answered; if it is wrong: is the right release among the passages (retrieval)? is its sentence "
                "ranked first (sentence model)? is the short answer the right entity of it (span model)?")

    def to_dict(self) -> dict:
        trace = self.trace
        return {
            "note": GENERATIVE_NOTE if self.generative else None,
            "passages": [self._passage(rank, hit) for rank, hit in enumerate(self.hits, start=1)],
            "question_types": {name: round(value, 3) for name, value in trace.question_types.items()},
            "list_question": trace.list_question,
            "reader_read": trace.read,
            "sentences": [self._sentence(rank, candidate)
                          for rank, candidate in enumerate(trace.candidates[:SHOWN_CANDIDATES], start=1)],
            "answerable_probability": _round(trace.answerable_probability),
            "answer_threshold": round(trace.answer_threshold, 4),
            "spans": [asdict(span) | {"probability": round(span.probability, 4)} for span in trace.spans],
            "span_threshold": round(trace.span_threshold, 4),
            "expected": self.expected,
            "verdict": self.verdict(),
            "summary": self.summary(),
        }

    def _passage(self, rank: int, hit: Hit) -> dict:
        return {"fused_rank": rank, "release_id": hit.release_id, "title": self.titles.get(hit.release_id),
                "chunk_id": hit.chunk_id, "dense_rank": hit.dense_rank, "bm25_rank": hit.bm25_rank,
                "fused_score": round(hit.score, 5), "dense_score": _round(hit.dense_score),
                "bm25_score": _round(hit.bm25_score)}

    def _sentence(self, rank: int, candidate) -> dict:
        cited = {(c.release_id, c.sentence_start): c.n for c in self.answer.citations if c.sentence_start is not None}
        reading = candidate.reading
        return {"rank": rank, "release_id": candidate.hit.release_id, "passage_rank": candidate.hit_rank + 1,
                "probability": round(candidate.probability, 4), "text": candidate.text,
                "cited_as": cited.get((candidate.hit.release_id, candidate.sentence.char_start)),
                "features": {name: round(value, 4) for name, value in candidate.features.items()},
                "reader": None if reading is None else {
                    "probability": round(reading.answer_probability, 4), "score": round(candidate.score, 4),
                    "span": candidate.text[reading.span[0]:reading.span[1]] if reading.span else None,
                    "span_probability": round(reading.span_probability, 4)}}

    def to_text(self) -> str:
        """The trace as plain text, one section per stage, the verdict last."""
        data = self.to_dict()
        sections = [self._answer_lines(data), _retrieval_lines(data), _sentence_lines(data),
                    self._answerable_lines(data), _span_lines(data), [f"verdict: {data['verdict']}"]]
        return "\n".join(line for section in sections for line in section)

    def _answer_lines(self, data: dict) -> list[str]:
        answer = self.answer
        lines = [f"answer: {'found' if answer.found else 'not found'}, {answer.mode}"
                 + (f", short answer {answer.short_answer!r}" if answer.short_answer else ", no short answer")]
        if answer.searched:
            lines.append(f"searched as: {answer.searched}")
        if data["note"]:
            lines.append(f"note: {data['note']}")
        if self.expected:
            lines.append(f"expected: {self.expected}")
        return lines

    def _answerable_lines(self, data: dict) -> list[str]:
        probability = data["answerable_probability"]
        if probability is None:
            return ["answerable: - (no sentence to rate) -> not found"]
        decided = "answer" if probability >= data["answer_threshold"] else "not found"
        return [f"answerable: probability {probability:.3f} against threshold {data['answer_threshold']:.3f} "
                f"-> {decided}"]


def _retrieval_lines(data: dict) -> list[str]:
    if not data["passages"]:
        return ["retrieval: no passage came back"]
    lines = ["retrieval (fused rank, dense rank, BM25 rank, fused score, release):"]
    for passage in data["passages"]:
        title = f"  {_shortened(passage['title'], 60)}" if passage["title"] else ""
        lines.append(f"  {passage['fused_rank']:>2}  dense {passage['dense_rank'] or '-':>3}  "
                     f"bm25 {passage['bm25_rank'] or '-':>3}  {passage['fused_score']:.4f}  "
                     f"{passage['release_id']}{title}")
    types = sorted(data["question_types"].items(), key=lambda item: -item[1])[:3]
    lines.append("question asks for: " + ", ".join(f"{name} {value:.2f}" for name, value in types)
                 + (" (a list)" if data["list_question"] else ""))
    return lines


def _sentence_lines(data: dict) -> list[str]:
    if not data["sentences"]:
        return ["sentences: none to rate"]
    read = f"; the reader read the best {data['reader_read']}: its probability and span" if data["reader_read"] else ""
    lines = [f"sentences (probability; {', '.join(SHOWN_FEATURES)}; passage rank; [n] when the answer cites it{read}):"]
    for sentence in data["sentences"]:
        features = ", ".join(f"{sentence['features'].get(name, 0.0):.2f}" for name in SHOWN_FEATURES)
        cited = f"; [{sentence['cited_as']}]" if sentence["cited_as"] else ""
        reader = sentence["reader"]
        reading = (f"; reader {reader['probability']:.3f}, span {reader['span']!r} {reader['span_probability']:.2f}"
                   if reader else "")
        lines.append(f"  {sentence['rank']}. {sentence['probability']:.3f}  ({features}; passage "
                     f"{sentence['passage_rank']}{cited}{reading}) {_shortened(sentence['text'], 110)}")
    return lines


def _span_lines(data: dict) -> list[str]:
    threshold = data["span_threshold"]
    if not data["spans"]:
        return [f"short answer candidates (threshold {threshold:.3f}): none rated"]
    rated = "; ".join(f"{span['text']} [{span['kind']}] {span['probability']:.2f}"
                      f"{' (shown)' if span['probability'] >= threshold else ''}"
                      for span in data["spans"][:SHOWN_SPANS])
    return [f"short answer candidates (threshold {threshold:.3f}): {rated}"]


def _where_lost(explanation: Explanation, expected: str) -> str:
    """Where the expected answer was lost, stage by stage (the first stage that lost it)."""
    trace, answer = explanation.trace, explanation.answer
    holding = [c for c in trace.candidates if expected in normalise(c.text)]
    if not holding:
        return f"retrieval missed the release: no sentence of the retrieved passages holds {expected!r}"
    rank = trace.candidates.index(holding[0]) + 1
    if not answer.found:
        return (f"the refusal fired: the sentence holding it is ranked {rank}, the answerable probability "
                f"{trace.answerable_probability:.2f} is under the threshold {trace.answer_threshold:.2f}")
    if expected not in normalise(answer.answer):
        if explanation.generative and rank == 1:
            return "the generator lost it: the best sentence holds it, the generated answer does not"
        return (f"the right sentence scored below another: it is ranked {rank} "
                f"({holding[0].probability:.3f} against {trace.candidates[0].probability:.3f})")
    if answer.short_answer and expected not in normalise(answer.short_answer):
        return f"the span inside it was wrong: the short answer is {answer.short_answer!r}"
    if not answer.short_answer:
        return ("right: the answer holds the expected text (no short answer: no entity reached the span "
                f"threshold {trace.span_threshold:.2f})")
    return "right: the short answer holds the expected text"


def _expected_text(expected: str) -> str:
    return normalise(expected).strip()


def _shortened(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 3].rstrip() + "..."


def _round(value: float | None) -> float | None:
    return None if value is None else round(float(value), 5)


class TracingAssistant:
    """An `Assistant` whose `ask` keeps the trace of the last question asked on this thread.

    The app's chat asks through `Conversation`, which calls `ask`; wrapped, the same call also
    leaves its trace for the "Why this answer?" panel (no second ask). A web server answers each
    request on one thread, so the trace taken after asking is that request's. Everything else is
    the wrapped assistant's.

    Example:
        tracing = TracingAssistant(assistant)
        conversation = Conversation(tracing)
        tracing.forget()
        answer = conversation.ask("When was it held?", ["Who co-chaired the meeting?"])
        trace = tracing.last_trace()  # the trace of the question as searched
    """

    def __init__(self, assistant):
        self.assistant = assistant
        self._last = threading.local()

    def __getattr__(self, name: str):
        return getattr(self.assistant, name)

    def ask(self, question: str, k: int | None = None, filters=None) -> Answer:
        answer, trace = self.assistant.ask_with_trace(question, k, filters)
        self._last.trace = trace
        return answer

    def forget(self) -> None:
        """Drops this thread's last trace: call it before asking, so a failed ask leaves none."""
        self._last.trace = None

    def last_trace(self) -> AnswerTrace | None:
        """The trace of the last `ask` on this thread, or None."""
        return getattr(self._last, "trace", None)
