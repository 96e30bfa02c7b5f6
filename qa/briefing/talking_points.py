"""Talking points: the few sentences the releases say on a topic, relevant, different and cited.

The content sentences of the releases on the topic, scored by `TopicSentenceFinder`
(`qa.briefing.topic_sentences`), go through maximal marginal relevance, which picks
sentences that are relevant and say different things. Only sentences that stand alone are
candidates (`qa.briefing.point_fitness`): no clause fragment, heading, aside or sentence that
leans on an earlier one. Nothing is written: each point is a sentence of a release, cited.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field

import numpy as np

from qa.briefing.citations import sentence_citation, source_numbers, unique_sources
from qa.briefing.point_fitness import StandAlonePoints
from qa.briefing.topic_sentences import TopicSentence, TopicSentenceFinder
from qa.config import Settings, TopicSettings
from qa.errors import QAError, validate_text
from qa.index.snapshot import IndexSnapshot
from qa.language.aliases import normalise
from qa.language.question import QuestionAnalyzer
from qa.records import Citation
from qa.search.retriever import Filters, Retriever

ORDERS = ("newest", "release")


@dataclass(frozen=True)
class TalkingPoint:
    """One point: a sentence of a release and its citation; `citation.n` numbers the release."""

    text: str
    citation: Citation
    relevance: float
    sentence_id: int | None = None  # the stored sentence (and vector) in this index generation


@dataclass(frozen=True)
class Briefing:
    """What `Assistant.talking_points` returns: up to k cited points on a topic."""

    topic: str
    points: list[TalkingPoint]
    order: str = "newest"
    filters: Filters | None = None
    timings_ms: dict[str, float] = field(default_factory=dict)

    def sources(self) -> list[Citation]:
        """One citation per source number, in number order: the numbered source list."""
        return unique_sources(point.citation for point in self.points)

    def to_dict(self) -> dict:
        return {"topic": self.topic, "order": self.order,
                "filters": asdict(self.filters) if self.filters else None,
                "points": [{"text": p.text, "n": p.citation.n, "relevance": p.relevance,
                            "citation": asdict(p.citation)} for p in self.points],
                "timings_ms": self.timings_ms}


class TalkingPointsBuilder:
    """Chooses up to k talking points on a topic by maximal marginal relevance.

    A sentence joins when it scores best on relevance minus its similarity to the points
    already chosen; one as close as `duplicate_similarity` to a chosen point never joins,
    so a statement repeated by a fact sheet (or a release ingested twice) appears once.

    Example:
        builder = TalkingPointsBuilder(snapshot, retriever)
        briefing = builder.build("ASEAN-Russia cooperation", topic_vector, k=6)
        for point in briefing.points:
            print(point.text, f"[{point.citation.n}]")
    """

    def __init__(self, snapshot: IndexSnapshot, retriever: Retriever, analyzer: QuestionAnalyzer | None = None,
                 settings: TopicSettings | None = None):
        self.snapshot = snapshot
        self.settings = settings or TopicSettings()
        self.finder = TopicSentenceFinder(snapshot, retriever, analyzer, self.settings)

    @classmethod
    def from_settings(cls, settings: Settings, snapshot: IndexSnapshot, retriever: Retriever,
                      analyzer: QuestionAnalyzer | None = None) -> "TalkingPointsBuilder":
        """The builder with `settings.topics`, over one generation's snapshot and retriever."""
        return cls(snapshot, retriever, analyzer, settings.topics)

    def build(self, topic: str, topic_vector: np.ndarray, k: int = 6, filters: Filters | None = None,
              order: str = "newest") -> Briefing:
        """The points, ordered newest release first or grouped by release."""
        topic = validate_text(topic, "topic")
        if k < 1:
            raise QAError(f"k must be greater than 0. Currently, k is {k}")
        if order not in ORDERS:
            raise QAError(f"order must be one of {', '.join(ORDERS)}. Currently, order is {order!r}")
        fit = StandAlonePoints(self.snapshot, self.settings.max_chars)
        found = self.finder.find(topic, topic_vector, filters, fit=fit)
        chosen = self._select(found, k)
        ordered = self._ordered(chosen, order)
        numbers = source_numbers(item.release_id for item in ordered)
        points = [TalkingPoint(item.text, sentence_citation(self.snapshot, numbers[item.release_id], item),
                               item.relevance, item.sentence.sentence_id) for item in ordered]
        return Briefing(topic, points, order, filters)

    def _select(self, candidates: list[TopicSentence], k: int) -> list[TopicSentence]:
        settings = self.settings
        chosen: list[TopicSentence] = []
        remaining = list(candidates)
        while remaining and len(chosen) < k:
            best, best_score = None, -math.inf
            for candidate in remaining:  # already sorted: the first of equal scores wins
                similarity = max((float(candidate.vector @ c.vector) for c in chosen), default=0.0)
                if (similarity >= settings.duplicate_similarity or _same_words(candidate, chosen)
                        or _overlaps(candidate, chosen)):
                    continue
                same_release = sum(c.release_id == candidate.release_id for c in chosen)
                score = (settings.mmr_lambda * candidate.relevance - (1 - settings.mmr_lambda) * similarity
                         - settings.release_penalty * same_release)
                if score > best_score:
                    best, best_score = candidate, score
            if best is None:
                break
            chosen.append(best)
            remaining.remove(best)
        return chosen

    def _ordered(self, chosen: list[TopicSentence], order: str) -> list[TopicSentence]:
        if order == "newest":
            # Newest release first, undated last; a release's points in reading order.
            return sorted(chosen, key=lambda s: (self._date(s) is None, _descending(self._date(s) or ""),
                                                 s.release_id, s.sentence.char_start))
        rank = {}
        for item in chosen:  # groups in the order of their best point
            rank.setdefault(item.release_id, len(rank))
        return sorted(chosen, key=lambda s: (rank[s.release_id], s.sentence.char_start))

    def _date(self, item: TopicSentence) -> str | None:
        return self.snapshot.releases[item.release_id].date


def _same_words(candidate: TopicSentence, chosen: list[TopicSentence]) -> bool:
    """The same sentence under another id (a release published twice) is a duplicate."""
    text = normalise(candidate.text)
    return any(normalise(c.text) == text for c in chosen)


def _overlaps(candidate: TopicSentence, chosen: list[TopicSentence]) -> bool:
    """A point joined to the sentence before it must not repeat a point that is that sentence."""
    return any(c.release_id == candidate.release_id and c.sentence.char_start < candidate.sentence.char_end
               and candidate.sentence.char_start < c.sentence.char_end for c in chosen)


def _descending(iso_date: str) -> tuple[int, ...]:
    return tuple(-ord(character) for character in iso_date)
