"""Extractive answers: the sentence or two that answer the question, cited, or "not found"."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import lru_cache

import numpy as np

from .answer_features import question_terms as weighted_terms
from .answer_features import term_positions
from .bm25_index import tokenize
from .evidence import RELATIVE_DAYS, YEAR, entity_in, normalise, readable_date, relative_day_spans
from .question import QuestionAnalyzer, QuestionInfo
from .records import Answer, Citation, Hit, Span
from .snapshot import IndexSnapshot, StoredSentence
from .spans import SpanFinder

NOT_FOUND_TEXT = "The releases don't say."
# The rule-based stage's question words, kept as its pinned figures were measured: "does" never
# matches (questions are stemmed first: "doe"), unlike answer_features.QUESTION_WORDS.
QUESTION_WORDS = {"who", "whom", "whose", "what", "when", "where", "which", "why", "how", "mani", "much",
                  "did", "does", "do", "was", "were", "is", "are"}


@dataclass(frozen=True)
class AnswerSettings:
    """Weights of a candidate sentence's score and the "not found" rules (tuned on the dev set)."""

    dense_weight: float = 0.5
    lexical_weight: float = 0.35
    rank_weight: float = 0.15
    type_bonus: float = 0.15
    type_penalty: float = 0.25
    min_dense: float = 0.45  # below this a sentence needs strong lexical support
    min_lexical: float = 0.6
    second_sentence_ratio: float = 0.92  # a second sentence joins when it scores this close
    duplicate_similarity: float = 0.9
    closest_passages: int = 3
    min_sentence_terms: int = 5  # sentences with fewer indexed words are greetings or labels
    short_sentence_penalty: float = 0.2
    entity_scope: str = "passage"  # where candidates must name the question's entities: "passage" | "release"


@dataclass
class Candidate:
    """A sentence of a retrieved chunk, scored against the question."""

    sentence: StoredSentence
    text: str
    hit: Hit
    hit_rank: int
    dense: float = 0.0
    lexical: float = 0.0
    spans: tuple[Span, ...] = ()
    score: float = 0.0


class ExtractiveAnswerer:
    """Picks answer sentences from retrieved chunks; never writes text of its own.

    Scores each sentence of the retrieved chunks by its precomputed vector against the
    question's, by idf-weighted overlap with the question's words, by its chunk's rank,
    and by whether it holds what the question asks for (a person for "who", a date for
    "when" ...). Says "not found" when the question's key entities are missing from the
    evidence, when no sentence holds the expected type, or when support is weak.

    Example:
        answer = ExtractiveAnswerer(snapshot).answer(question, query_vector, hits)
    """

    def __init__(self, snapshot: IndexSnapshot, settings: AnswerSettings | None = None,
                 span_finder: SpanFinder | None = None, analyzer: QuestionAnalyzer | None = None):
        self.snapshot = snapshot
        self.settings = settings or AnswerSettings()
        self.span_finder = span_finder or SpanFinder()
        self.analyzer = analyzer or QuestionAnalyzer()
        self._evidence = lru_cache(maxsize=1024)(self._release_evidence)

    def answer(self, question: str, query_vector: np.ndarray, hits: list[Hit],
               info: QuestionInfo | None = None, closest: list[Hit] | None = None) -> Answer:
        """The answer from `hits`; when there is none, `closest` (or `hits`) are offered instead."""
        info = info or self.analyzer.analyze(question)
        candidates = [c for c in self._candidates(hits) if self._names_everything(info, c.hit)]
        if not candidates:
            return self._not_found(question, closest or hits)
        self._score(info, question, query_vector, candidates)
        ranked = sorted(candidates, key=lambda c: (-c.score, c.hit_rank, c.sentence.char_start))
        best = ranked[0]
        if not self._is_supported(info, best):
            return self._not_found(question, closest or hits)
        chosen = [best] + self._second_sentence(info, best, ranked[1:])
        citations = [self._citation(n, candidate) for n, candidate in enumerate(chosen, start=1)]
        text = " ".join(f"{candidate.text} [{n}]" for n, candidate in enumerate(chosen, start=1))
        return Answer(question, text, self._short_answer(info, best), True, citations, {})

    def _candidates(self, hits: list[Hit]) -> list[Candidate]:
        seen: dict[int, Candidate] = {}
        for rank, hit in enumerate(hits):
            release_text = self.snapshot.release_text(hit.release_id)
            for sentence in self.snapshot.chunk_sentences(hit.chunk_id):
                if sentence.sentence_id not in seen:
                    text = release_text[sentence.char_start:sentence.char_end]
                    seen[sentence.sentence_id] = Candidate(sentence, text, hit, rank)
        return list(seen.values())

    def _score(self, info: QuestionInfo, question: str, query_vector: np.ndarray,
               candidates: list[Candidate]) -> None:
        vectors = self.snapshot.sentence_vector_rows([c.sentence.sentence_id for c in candidates])
        dense_scores = vectors @ np.asarray(query_vector, dtype=np.float32).reshape(-1)
        question_terms = weighted_terms(self.snapshot, question, QUESTION_WORDS)
        total_weight = sum(question_terms.values()) or 1.0
        sentence_tokens = tokenize([c.text for c in candidates])
        wanted = info.acceptable_spans if info.expected_span else ()
        top_fused = max(c.hit.score for c in candidates)
        for candidate, dense, tokens in zip(candidates, dense_scores, sentence_tokens):
            candidate.dense = float(dense)
            present = set(tokens)
            candidate.lexical = sum(w for term, w in question_terms.items() if term in present) / total_weight
            candidate.spans = tuple(self._answer_spans(candidate, wanted, question, question_terms,
                                                       info.kind == "where")) if wanted else ()
            settings = self.settings
            candidate.score = (settings.dense_weight * candidate.dense
                               + settings.lexical_weight * candidate.lexical
                               + settings.rank_weight * candidate.hit.score / top_fused)
            if wanted:
                fit = _span_fit(candidate.spans[0], wanted) if candidate.spans else 0.0
                candidate.score += settings.type_bonus * fit if fit else -settings.type_penalty
            if len(tokens) < settings.min_sentence_terms or not _ends_like_a_sentence(candidate.text):
                # Greetings, speaker labels and headings ("Strengthening People-to-People Ties").
                candidate.score -= settings.short_sentence_penalty

    def _answer_spans(self, candidate: Candidate, kinds: tuple[str, ...], question: str,
                      question_terms: dict[str, float], locative: bool = False) -> list[Span]:
        """Spans of the wanted kinds that the question does not already name, best first.

        For "where" questions a place the sentence puts something in or at ("in Bangkok")
        comes before one that only describes someone ("Prime Minister Prayut of Thailand").
        """
        text = candidate.text
        spans = self.span_finder.find(text, kinds)
        if "date" in kinds:
            release_date = self.snapshot.releases[candidate.hit.release_id].date
            spans += relative_day_spans(text, release_date)
        spans = [span for span in spans if not _named_in_question(span, question) and not _is_numbering(span, text)]
        anchors = term_positions(text, question_terms)
        return sorted(spans, key=lambda span: (-_span_fit(span, kinds), _locative_rank(span, text) if locative else 0,
                                               _distance(span, anchors), span.start))

    def _is_supported(self, info: QuestionInfo, best: Candidate) -> bool:
        settings = self.settings
        if info.expected_span and not best.spans:
            return False
        if info.expected_span == "money" and best.spans[0].kind != "money":
            return False  # "how much funding ...?" is not answered by "three years"
        if best.dense < settings.min_dense and best.lexical < settings.min_lexical:
            return False
        return not (best.lexical == 0 and best.dense < settings.min_dense + 0.15)

    def _names_everything(self, info: QuestionInfo, hit: Hit, scope: str | None = None) -> bool:
        """Every key entity of the question appears in the evidence (aliases and acronyms count).

        Scope "release": the release's title, text and date. Scope "passage": names must be
        in the title, the release's first paragraph (which sets who, where and when for a
        readout) or the retrieved passage; dates may still be anywhere in the release.
        """
        if not info.entities:
            return True
        scope = scope or self.settings.entity_scope
        release_date = self.snapshot.releases[hit.release_id].date
        whole = self._evidence(hit.release_id, None)
        local = whole if scope == "release" else self._evidence(hit.release_id, hit.chunk_id)
        for entity in info.entities:
            original, evidence = whole if YEAR.search(entity) else local
            if not entity_in(entity, evidence, release_date, original):
                return False
        return True

    def _release_evidence(self, release_id: str, chunk_id: int | None) -> tuple[str, str]:
        """Title and text of a release, or title, first paragraph and one passage; as written and normalised."""
        release = self.snapshot.releases[release_id]
        text = self.snapshot.release_text(release_id)
        if chunk_id is not None:
            lead = text.split("\n\n", 1)[0]
            text = f"{lead}\n{self.snapshot.chunk_text(chunk_id)}"
        original = f"{release.title}\n{text}"
        return original, normalise(original)

    def _second_sentence(self, info: QuestionInfo, best: Candidate, others: list[Candidate]) -> list[Candidate]:
        if not others or best.score <= 0:
            return []
        runner_up = others[0]
        if runner_up.score < self.settings.second_sentence_ratio * best.score:
            return []
        if info.expected_span and not runner_up.spans:
            return []
        vectors = self.snapshot.sentence_vector_rows([best.sentence.sentence_id, runner_up.sentence.sentence_id])
        if float(vectors[0] @ vectors[1]) >= self.settings.duplicate_similarity:
            return []
        return [runner_up]

    def _short_answer(self, info: QuestionInfo, best: Candidate) -> str | None:
        if not info.expected_span or not best.spans:
            return None
        kind = best.spans[0].kind
        values = []
        for span in best.spans:
            value = _span_answer(span)
            if span.kind == kind and value not in values:
                values.append(value)
        # Several people can answer "who" (and "which countries"); else one date, place or amount.
        plural = kind == "place" and re.search(r"\b(countries|cities|places|nations)\b", info.normalized.lower())
        if not plural and (kind != "person" or info.kind in ("when", "where", "how_many", "how_much")):
            values = values[:1]
        return _join(values)

    def _citation(self, n: int, candidate: Candidate) -> Citation:
        return sentence_citation(self.snapshot, n, candidate.hit, candidate.sentence, candidate.text, candidate.score)

    def _passage_citation(self, n: int, hit: Hit, score: float) -> Citation:
        return passage_citation(self.snapshot, n, hit, score)

    def _not_found(self, question: str, hits: list[Hit]) -> Answer:
        return not_found(self.snapshot, question, hits, self.settings.closest_passages)


def passage_citation(snapshot: IndexSnapshot, n: int, hit: Hit, score: float) -> Citation:
    """Citation [n] of a retrieved passage (no sentence chosen in it)."""
    row = snapshot.chunk_row(hit.chunk_id)
    release = snapshot.releases[hit.release_id]
    return Citation(n=n, release_id=hit.release_id, title=release.title, date=release.date,
                    passage=snapshot.chunk_text(hit.chunk_id), char_start=int(snapshot.chunk_starts[row]),
                    char_end=int(snapshot.chunk_ends[row]), score=round(float(score), 4),
                    source_url=release.source_url, source=release.source, paragraph=int(snapshot.chunk_paragraphs[row]))


def sentence_citation(snapshot: IndexSnapshot, n: int, hit: Hit, sentence: StoredSentence, text: str,
                      score: float) -> Citation:
    """Citation [n] of a passage with the sentence of it that answers."""
    return replace(passage_citation(snapshot, n, hit, score), sentence=text, sentence_start=sentence.char_start,
                   sentence_end=sentence.char_end)


def not_found(snapshot: IndexSnapshot, question: str, hits: list[Hit], closest: int) -> Answer:
    """"The releases don't say.", with the closest passages offered instead."""
    citations = [passage_citation(snapshot, n, hit, hit.score) for n, hit in enumerate(hits[:closest], start=1)]
    return Answer(question, NOT_FOUND_TEXT, None, False, citations, {})


def _span_fit(span: Span, kinds: tuple[str, ...]) -> float:
    """How well a span answers: the first wanted kind fits best; a full date beats a bare month."""
    fit = 1.0 if span.kind == kinds[0] else 0.6
    if span.kind == "date":
        value = span.value or ""
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            return fit
        if re.fullmatch(r"\d{4}-\d{2}", value):
            return fit * 0.8
        if re.fullmatch(r"--\d{2}-\d{2}", value):
            return fit * 0.7
        return fit * (0.6 if re.fullmatch(r"\d{4}", value) else 0.4)
    return fit


def _span_answer(span: Span) -> str:
    if span.kind == "person" and span.value:
        return span.value  # the bare name: "Retno Marsudi", not "H.E. Retno Marsudi"
    if span.kind == "date" and span.text.lower() in RELATIVE_DAYS:
        return readable_date(span.value)
    return span.text


def _ends_like_a_sentence(text: str) -> bool:
    return text.rstrip("\"'\u201d\u2019)]").endswith((".", "!", "?", ";", ":"))


def _named_in_question(span: Span, question: str) -> bool:
    """True for spans the question already names: "Biden" in "What did Biden say?"."""
    asked = normalise(question)
    if normalise(span.text) in asked or (span.value and normalise(span.value) in asked):
        return True
    if span.kind == "person":
        question_words = set(re.findall(r"[A-Z][\w'-]+", question))
        return any(word in question_words for word in re.findall(r"[A-Z][\w'-]+", span.value or span.text))
    return False


def _locative_rank(span: Span, text: str) -> int:
    """0 for "in/at/to X", 2 for "of X" (an affiliation), 1 otherwise."""
    before = text[:span.start].rstrip().lower()
    if re.search(r"\b(?:in|at|to|inside)(?: the)?$", before):
        return 0
    return 2 if re.search(r"\bof(?: the)?$", before) else 1


def _is_numbering(span: Span, text: str) -> bool:
    """The number of a numbered paragraph: "7 REAFFIRMING ...", "1. FURTHER PROMOTE ..."."""
    return span.kind == "number" and span.start == 0 and re.match(r"\.?\s+[A-Z]{2,}\b", text[span.end:]) is not None


def _distance(span: Span, anchors: list[int]) -> int:
    if not anchors:
        return 0
    return min(min(abs(anchor - span.start), abs(anchor - span.end)) for anchor in anchors)


def _join(values: list[str]) -> str | None:
    if not values:
        return None
    if len(values) == 1:
        return values[0]
    return ", ".join(values[:-1]) + " and " + values[-1]
