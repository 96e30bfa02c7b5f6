"""Timelines: the releases on a topic in date order, each with its most relevant sentence, cited."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

import numpy as np

from qa.config import Settings, TopicSettings
from qa.errors import QAError, validate_text
from qa.language.aliases import normalise
from qa.language.question import QuestionAnalyzer
from qa.records import Citation
from qa.search.retriever import Filters, Retriever
from qa.index.snapshot import IndexSnapshot
from qa.briefing.citations import sentence_citation, unique_sources
from qa.briefing.topic_sentences import TopicSentence, TopicSentenceFinder, release_key


@dataclass(frozen=True)
class TimelineEntry:
    """One release on the timeline: its date, title and most relevant sentence, cited [n]."""

    date: str | None
    title: str
    sentence: str
    citation: Citation


@dataclass(frozen=True)
class Timeline:
    """What `Assistant.timeline` returns: releases on a topic, oldest first, undated last."""

    topic: str
    entries: list[TimelineEntry]
    filters: Filters | None = None
    timings_ms: dict[str, float] = field(default_factory=dict)

    def sources(self) -> list[Citation]:
        return unique_sources(entry.citation for entry in self.entries)

    def to_dict(self) -> dict:
        return {"topic": self.topic, "filters": asdict(self.filters) if self.filters else None,
                "entries": [{"date": e.date, "title": e.title, "sentence": e.sentence, "n": e.citation.n,
                             "citation": asdict(e.citation)} for e in self.entries],
                "timings_ms": self.timings_ms}


class TimelineBuilder:
    """Builds the history of a topic from the releases that speak of it.

    The topic's sentences are found as for talking points (entities, filters, relevance
    floor) from more chunks (`TopicSettings.timeline_chunks`); each release keeps its best
    sentence. A release published twice (same title and date, or the same best sentence)
    appears once. The `limit` most relevant releases are then put in date order.

    Example:
        timeline = TimelineBuilder(snapshot, retriever).build("ASEAN-Russia", topic_vector)
        for entry in timeline.entries:
            print(entry.date, entry.title, entry.sentence, f"[{entry.citation.n}]")
    """

    def __init__(self, snapshot: IndexSnapshot, retriever: Retriever, analyzer: QuestionAnalyzer | None = None,
                 settings: TopicSettings | None = None, chunks: int | None = None):
        self.snapshot = snapshot
        settings = settings or TopicSettings()
        self.chunks = settings.timeline_chunks if chunks is None else chunks
        self.finder = TopicSentenceFinder(snapshot, retriever, analyzer, settings)

    @classmethod
    def from_settings(cls, settings: Settings, snapshot: IndexSnapshot, retriever: Retriever,
                      analyzer: QuestionAnalyzer | None = None) -> "TimelineBuilder":
        """The builder with `settings.topics`, over one generation's snapshot and retriever."""
        return cls(snapshot, retriever, analyzer, settings.topics)

    def build(self, topic: str, topic_vector: np.ndarray, filters: Filters | None = None,
              limit: int = 20) -> Timeline:
        """Up to `limit` releases on the topic, oldest first, undated last."""
        topic = validate_text(topic, "topic")
        if limit < 1:
            raise QAError(f"limit must be greater than 0. Currently, limit is {limit}")
        best = self._best_per_release(self.finder.find(topic, topic_vector, filters, self.chunks))[:limit]
        dated = sorted(best, key=lambda s: (self._date(s) is None, self._date(s) or "", s.release_id))
        entries = []
        for n, item in enumerate(dated, start=1):
            release = self.snapshot.releases[item.release_id]
            entries.append(TimelineEntry(release.date, release.title, item.text,
                                         sentence_citation(self.snapshot, n, item)))
        return Timeline(topic, entries, filters)

    def _best_per_release(self, found: list[TopicSentence]) -> list[TopicSentence]:
        """The first (most relevant) sentence of each release, duplicates of a release dropped."""
        best, seen = [], set()
        for item in found:
            release = self.snapshot.releases[item.release_id]
            keys = {item.release_id, release_key(release), normalise(item.text)}
            if not keys & seen:
                best.append(item)
                seen |= keys
        return best

    def _date(self, item: TopicSentence) -> str | None:
        return self.snapshot.releases[item.release_id].date
