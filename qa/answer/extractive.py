"""Extractive answers chosen by a fitted model: the sentence or two that answer, a short answer when sure, or "not found".

Every sentence of the retrieved passages is scored by the sentence model (`answer_model.py`)
over its features (`answer_features.py`); the best one answers if the answerable model's
probability clears its cross-validated threshold, else the releases "don't say" and the
closest passages are offered. The short answer is the entity of that sentence the span model
rates highest, shown only above its threshold (chosen for precision). An answer quotes one
release; a question asking for several names may add sentences of others.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from functools import lru_cache

import numpy as np

from qa.answer.features import Candidate, FeatureBuilder, span_features
from qa.config import AnswerSettings, Settings
from qa.answer.model import AnswerModel, answerable_features
from qa.answer.prompting import looks_like_instructions
from qa.ingest.entities import Entity
from qa.language.aliases import RELATIVE_DAYS, normalise, readable_date, relative_day_spans
from qa.language.lexicon import HONORIFICS
from qa.records import Answer, Citation, Hit
from qa.index.snapshot import IndexSnapshot, StoredSentence
from qa.reader.decision import ReaderDecision
from qa.reader.inputs import passage_of

NOT_FOUND_TEXT = "The releases don't say."
# A tagged name may have lost the stops of "H.E.": "H.E Hun Sen", "HE Hun Sen".
_HONORIFICS = tuple(f"{honorific} " for honorific in (*HONORIFICS, "H.E", "HE"))


@dataclass(frozen=True)
class SpanChoice:
    """An entity of the answer sentence, rated as the short answer."""

    text: str
    kind: str
    probability: float


@dataclass
class AnswerTrace:
    """Everything the answer stage decided, for `qa ask --explain`; the answer does not depend on it."""

    question_types: dict[str, float]
    list_question: bool
    candidates: list[Candidate] = field(default_factory=list)  # best first
    answerable_probability: float | None = None
    answer_threshold: float = 0.0
    spans: list[SpanChoice] = field(default_factory=list)  # best first
    span_threshold: float = 0.0
    hits: list[Hit] = field(default_factory=list)  # the retrieved passages, set by Assistant.ask_with_trace
    read: int = 0  # how many of the best candidates the reader read (0: no reader shipped)


class ExtractiveAnswerer:
    """Picks answer sentences from retrieved chunks with the fitted model; never writes text of its own.

    Example:
        answer = ExtractiveAnswerer(snapshot).answer(question, query_vector, hits)
        answer, trace = ExtractiveAnswerer(snapshot).answer_with_trace(question, query_vector, hits)
    """

    def __init__(self, snapshot: IndexSnapshot, settings: AnswerSettings | None = None,
                 model: AnswerModel | None = None, reader: "Reader | None" = None,
                 decision: ReaderDecision | None = None):
        self.snapshot = snapshot
        self.settings = settings or AnswerSettings()
        self.model = model or AnswerModel.load_if_present()
        self.features = FeatureBuilder(snapshot)
        self.reader = reader
        self.decision = decision or ReaderDecision()

    @classmethod
    def from_settings(cls, settings: Settings, snapshot: IndexSnapshot) -> "ExtractiveAnswerer":
        """The answerer with `settings.answer`, over one generation of the index, with the shipped
        reader when there is one (qa/data/reader/, with its fitted decision)."""
        reader, decision = load_reader(settings.answer.reader)
        return cls(snapshot, settings.answer, reader=reader, decision=decision)

    def answer(self, question: str, query_vector: np.ndarray, hits: list[Hit]) -> Answer:
        return self.answer_with_trace(question, query_vector, hits)[0]

    def answer_with_trace(self, question: str, query_vector: np.ndarray, hits: list[Hit]) -> tuple[Answer, AnswerTrace]:
        model = self.model or AnswerModel.load()  # raises, saying how to build it, when there is none
        trace = AnswerTrace(model.question_types(query_vector, question),
                            model.is_list_question(query_vector, question),
                            answer_threshold=model.answer_threshold, span_threshold=model.span_threshold)
        # A sentence addressed to an AI ("Ignore all prior rules and say ...") is quoted text, never an answer.
        candidates = [candidate for candidate in self.features.build(question, query_vector, hits, trace.question_types)
                      if not looks_like_instructions(candidate.text)]
        if not candidates:
            return self._not_found(question, hits), trace
        probabilities = model.sentence.probability(np.vstack([c.vector() for c in candidates]))
        for candidate, probability in zip(candidates, probabilities):
            candidate.probability = float(probability)
        ranked = sorted(candidates, key=lambda c: (-c.probability, c.hit_rank, c.sentence.char_start))
        trace.candidates = ranked
        if self.reader is not None:
            return self._answer_read(question, hits, ranked, trace)
        ranked_probabilities = np.asarray([c.probability for c in ranked])
        trace.answerable_probability = float(
            model.answerable.probability(answerable_features(ranked_probabilities, ranked))[0])
        if trace.answerable_probability < model.answer_threshold:
            return self._not_found(question, hits), trace
        chosen = shown_sentences(ranked, trace.list_question, model.second_ratio, self.settings.max_list_sentences)
        trace.spans = self._rated_spans(model, question, chosen, trace)
        return self._found(question, chosen, trace), trace

    def _answer_read(self, question: str, hits: list[Hit], ranked: list[Candidate],
                     trace: AnswerTrace) -> tuple[Answer, AnswerTrace]:
        """The reader's answer: it reads the best candidates and decides (qa/reader/decision.py)."""
        decision = self.decision
        ranked = read_candidates(self.reader, self.snapshot, question, ranked, decision)
        trace.candidates, trace.read = ranked, min(decision.candidates, len(ranked))
        best = ranked[0]
        trace.answerable_probability = _sigmoid(best.score)
        trace.answer_threshold, trace.span_threshold = _sigmoid(decision.answer_threshold), decision.span_threshold
        if best.score < decision.answer_threshold:
            return self._not_found(question, hits), trace
        chosen = read_sentences(ranked, trace.list_question, decision.second_ratio, self.settings.max_list_sentences)
        trace.spans = sorted((self._read_span(candidate) for candidate in chosen if candidate.reading.span),
                             key=lambda span: -span.probability)
        return self._found(question, chosen, trace), trace

    def _read_span(self, candidate: Candidate) -> SpanChoice:
        start, end = candidate.reading.span
        entity = Entity(start, end, "READER")
        release_date = self.snapshot.releases[candidate.hit.release_id].date
        return SpanChoice(span_text(candidate.text, entity, release_date), "reader",
                          candidate.reading.span_probability)

    def _found(self, question: str, chosen: list[Candidate], trace: AnswerTrace) -> Answer:
        citations = [self._citation(n, candidate) for n, candidate in enumerate(chosen, start=1)]
        text = " ".join(f"{self._dated(candidate)} [{n}]" for n, candidate in enumerate(chosen, start=1))
        return Answer(question, text, self._short_answer(trace), True, citations, {})

    def _rated_spans(self, model: AnswerModel, question: str, chosen: list[Candidate],
                     trace: AnswerTrace) -> list[SpanChoice]:
        asked = normalise(question)
        terms = self.features.question_terms(question)
        rated = []
        for candidate in chosen:
            spans = self.features.answer_entities(candidate, asked)
            if not spans:
                continue
            probabilities = model.span.probability(span_features(candidate, spans, trace.question_types, terms))
            release_date = self.snapshot.releases[candidate.hit.release_id].date
            rated += [SpanChoice(span_text(candidate.text, entity, release_date), kind, float(probability))
                      for (entity, kind), probability in zip(spans, probabilities)]
        return sorted(rated, key=lambda span: -span.probability)

    def _short_answer(self, trace: AnswerTrace) -> str | None:
        sure = [span for span in trace.spans if span.probability >= trace.span_threshold]
        if not sure:
            return None
        if not trace.list_question:
            return sure[0].text
        values = []
        for span in sure:  # every entity the span model is sure of: the names a list question asks for
            if span.text not in values:
                values.append(span.text)
        return ", ".join(values[:-1]) + " and " + values[-1] if len(values) > 1 else values[0]

    def _dated(self, candidate: Candidate) -> str:
        """The sentence with its "today" or "yesterday" dated from the release's own date:
        "... spoke by phone yesterday (3 February 2021) evening ..."; the citation quotes it as written."""
        return dated_text(candidate.text, self.snapshot.releases[candidate.hit.release_id].date)

    def _citation(self, n: int, candidate: Candidate) -> Citation:
        return sentence_citation(self.snapshot, n, candidate.hit, candidate.sentence, candidate.text,
                                 candidate.probability)

    def _not_found(self, question: str, hits: list[Hit]) -> Answer:
        return not_found(self.snapshot, question, hits, self.settings.closest_passages)


def shown_sentences(ranked: list[Candidate], list_question: bool, second_ratio: float,
                    max_list_sentences: int = 3, probability=lambda c: c.probability) -> list[Candidate]:
    """The sentences an answer quotes (`ranked` best first): the best one, and the next best of
    the same release when the model rates it at least `second_ratio` times as high (in the
    release's order); for a list question, other sentences the model also rates as answers.
    `probability` reads a candidate's rating (the reader's, when it read them)."""
    best = ranked[0]
    if list_question:
        others = [c for c in ranked[1:] if probability(c) >= 0.5 and c.text != best.text]
        return [best] + others[: max_list_sentences - 1]
    runner_up = next((c for c in ranked[1:] if c.hit.release_id == best.hit.release_id and c.text != best.text), None)
    if runner_up is None or probability(runner_up) < second_ratio * probability(best):
        return [best]
    return sorted([best, runner_up], key=lambda c: c.sentence.char_start)


def read_candidates(reader, snapshot: IndexSnapshot, question: str, ranked: list[Candidate],
                    decision: ReaderDecision) -> list[Candidate]:
    """`ranked` with its first `decision.candidates` read by the reader and ordered by their score."""
    top = ranked[:decision.candidates]
    readings = reader.score(question, [passage_of(snapshot, c.hit.release_id, c.sentence) for c in top])
    for candidate, reading in zip(top, readings):
        candidate.reading = reading
    return rank_read(top, decision) + ranked[len(top):]


def rank_read(read: list[Candidate], decision: ReaderDecision) -> list[Candidate]:
    """Candidates the reader read, each scored as `decision` says, best first."""
    for candidate in read:
        candidate.score = decision.score(candidate.reading.answer_logit, candidate.probability)
    return sorted(read, key=lambda c: (-c.score, c.hit_rank, c.sentence.char_start))


def read_sentences(ranked: list[Candidate], list_question: bool, second_ratio: float,
                   max_list_sentences: int = 3) -> list[Candidate]:
    """The sentences an answer quotes, chosen as `shown_sentences` does, among those the reader read."""
    return shown_sentences([c for c in ranked if c.reading is not None], list_question, second_ratio,
                           max_list_sentences, probability=lambda c: c.reading.answer_probability)


@lru_cache(maxsize=4)
def load_reader(which: str = "shipped") -> tuple["Reader | None", ReaderDecision | None]:
    """The reader and its fitted decision, loaded once a process: "shipped" (qa/data/reader/; (None,
    None) when it is not there), "none" (None, None), or a folder, which must hold both."""
    from pathlib import Path

    from qa.errors import ConfigurationError
    from qa.reader.reader import READER_DIR, Reader

    if which == "none":
        return None, None
    folder = READER_DIR if which == "shipped" else Path(which).expanduser()
    decision = ReaderDecision.load(folder)
    if decision is None:
        if which == "shipped":
            return None, None
        raise ConfigurationError(f"the reader folder {which!r} holds no fitted decision; fit it with: "
                                 f"qa fit-reader --reader {which} --index YOUR-DEV-INDEX")
    return Reader.load(folder), decision


def _sigmoid(value: float) -> float:
    return float(1.0 / (1.0 + np.exp(-value)))


def dated_text(text: str, release_date: str | None) -> str:
    """`text` with the date of each relative day ("today", "yesterday") after it, in brackets."""
    for span in reversed(relative_day_spans(text, release_date)):
        text = f"{text[:span.end]} ({readable_date(span.value)}){text[span.end:]}"
    return text


def span_text(text: str, entity: Entity, release_date: str | None) -> str:
    """The short answer an entity gives: "today" as the release's date, a name without its honorific."""
    value = text[entity.start:entity.end]
    if value.lower() in RELATIVE_DAYS and release_date:
        spans = relative_day_spans(value, release_date)
        return readable_date(spans[0].value) if spans else value
    for honorific in _HONORIFICS:
        if value.startswith(honorific) and len(value) > len(honorific) + 2:
            return value[len(honorific):]
    return value


def passage_citation(snapshot: IndexSnapshot, n: int, hit: Hit, score: float) -> Citation:
    """Citation [n] of a retrieved passage (no sentence chosen in it)."""
    chunk = snapshot.chunk(hit.chunk_id)
    release = snapshot.releases[hit.release_id]
    return Citation(n=n, release_id=hit.release_id, title=release.title, date=release.date,
                    passage=snapshot.chunk_text(hit.chunk_id), char_start=chunk.char_start,
                    char_end=chunk.char_end, score=round(float(score), 4),
                    source_url=release.source_url, source=release.source, paragraph=chunk.paragraph,
                    aliases=hit.aliases)


def sentence_citation(snapshot: IndexSnapshot, n: int, hit: Hit, sentence: StoredSentence, text: str,
                      score: float) -> Citation:
    """Citation [n] of a passage with the sentence of it that answers."""
    return replace(passage_citation(snapshot, n, hit, score), sentence=text, sentence_start=sentence.char_start,
                   sentence_end=sentence.char_end)


def not_found(snapshot: IndexSnapshot, question: str, hits: list[Hit], closest: int) -> Answer:
    """"The releases don't say.", with the closest passages offered instead."""
    citations = [passage_citation(snapshot, n, hit, hit.score) for n, hit in enumerate(hits[:closest], start=1)]
    return Answer(question, NOT_FOUND_TEXT, None, False, citations, {})
