"""The content sentences of the releases on a topic, each scored for relevance to it.

A topic ("ASEAN-Russia cooperation", "vaccine cooperation with Russia") is not a question:
more chunks are retrieved, and every content sentence in them (no label, question, heading or
aside) is scored against the topic by its precomputed vector and the topic's words.
`TalkingPointsBuilder` (`qa.briefing.talking_points`) and `TimelineBuilder`
(`qa.briefing.timeline`) choose among these sentences.
"""

from __future__ import annotations

import itertools
import math
import re
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Callable

import numpy as np

from qa.config import TopicSettings
from qa.index.bm25 import tokenize
from qa.index.snapshot import IndexSnapshot, StoredSentence
from qa.language.aliases import ALIASES, entity_in, entity_spellings, normalise
from qa.language.question import QuestionAnalyzer
from qa.records import Hit
from qa.search.retriever import Filters, Retriever

# "THE PRESIDENT: Thank you.", "Q  So, on Russia ..." (a reporter's question in a transcript)
SPEAKER_LABEL = re.compile(r"^(?:Q[:\s]|[A-Z][A-Z.'\u2019\- ]{1,40}:\s)")
# A bullet ("- ESTABLISH the ..."), a list number ("5. To advance") or a paragraph number
# before a preamble verb ("8 EMPHASIZING that"); "10 ASEAN countries" keeps its number.
LIST_MARKER = re.compile(r"(?:[-\u2022*\u2013]\s+|\d{1,2}\.\s+(?=[A-Z])|\d{1,2}\s+(?=(?:[A-Z]{2,}(?:ING|ED)|WE)\b))?")
# Spoken asides ("So, just quickly, I think as you know ..."): a briefing quotes positions.
SPOKEN = re.compile(r"^(?:So|And|But|Well|Now|Look|Okay|OK|Yes|No)\b|\b(?:I|I['\u2019](?:m|d|ve|ll)|my|you know)\b")
# The closing line of a joint statement ("ADOPTED in Jakarta, Indonesia, on the Sixth of ...").
SIGNATURE = re.compile(r"^(?:adopted|done|signed|issued) (?:in|at|on)\b", re.IGNORECASE)
SENTENCE_END = re.compile(r"[.!;][\"'\u201d\u2019)\]]*$")  # "?" ends questions, ":" lists


@dataclass(frozen=True)
class TopicSentence:
    """A content sentence of a retrieved chunk with its relevance to the topic."""

    sentence: StoredSentence
    text: str
    hit: Hit
    relevance: float
    vector: np.ndarray = field(compare=False, repr=False)

    @property
    def release_id(self) -> str:
        return self.hit.release_id


class TopicSentenceFinder:
    """The content sentences of the releases on a topic, most relevant first.

    Releases must name every entity of the topic ("ASEAN-Russia", "Japan"), in any of its
    spellings; the filters are applied by the retriever and checked again here.

    Example:
        found = TopicSentenceFinder(snapshot, retriever).find("ASEAN-Russia cooperation", vector)
    """

    def __init__(self, snapshot: IndexSnapshot, retriever: Retriever, analyzer: QuestionAnalyzer | None = None,
                 settings: TopicSettings | None = None):
        self.snapshot = snapshot
        self.retriever = retriever
        self.analyzer = analyzer or QuestionAnalyzer()
        self.settings = settings or TopicSettings()
        self._evidence = lru_cache(maxsize=256)(self._normalised_release)
        self._sentences_by_text = lru_cache(maxsize=64)(self._sentences_of)

    def find(self, topic: str, topic_vector: np.ndarray, filters: Filters | None = None,
             chunks: int | None = None, fit: Callable[..., tuple | None] | None = None) -> list[TopicSentence]:
        """Sentences at or above the relevance floor, by relevance, ties in release order. `fit` takes
        each of them as (sentence, text, hit) and gives what to show instead, with the same relevance,
        or None to drop it (the floor is still set by the best sentence of all)."""
        entities = self.analyzer.analyze(topic).entities
        required = [spellings for entity in entities if (spellings := entity_spellings(entity))]
        hits = self.retriever.search(topic, topic_vector, chunks or self.settings.chunks, filters, required)
        spellings = [entity_variants(entity) for entity in entities]
        hits = [hit for hit in hits if self._admitted(hit.release_id, spellings, filters)]
        candidates = self._candidates(hits)
        words = tokenize([text for _, text, _ in candidates]) if candidates else []
        # Fewer indexed words than min_terms: a greeting, a label or a heading.
        kept = [(candidate, tokens) for candidate, tokens in zip(candidates, words)
                if len(tokens) >= self.settings.min_terms]
        if not kept:
            return []
        candidates = [candidate for candidate, _ in kept]
        vectors = self.snapshot.sentence_vector_rows([c[0].sentence_id for c in candidates])
        dense = vectors @ np.asarray(topic_vector, dtype=np.float32).reshape(-1)
        lexical = self._lexical(topic, [tokens for _, tokens in kept])
        settings = self.settings
        scored = [TopicSentence(sentence, text, hit, round(settings.dense_weight * float(dense_score)
                                                          + settings.lexical_weight * lexical_score
                                                          - settings.spoken_penalty * bool(SPOKEN.search(text)), 4),
                                vector)
                  for (sentence, text, hit), vector, dense_score, lexical_score
                  in zip(candidates, vectors, dense, lexical)]
        ranked = sorted(scored, key=lambda s: (-s.relevance, s.release_id, s.sentence.char_start))
        # Weak sentences are never shown, even when fewer than k points remain.
        floor = max(settings.min_relevance, settings.relative_floor * ranked[0].relevance)
        kept = [item for item in ranked if item.relevance >= floor]
        return kept if fit is None else _fitted(kept, fit)

    def _admitted(self, release_id: str, spellings: list[list[str]], filters: Filters | None) -> bool:
        """Inside the filters, and naming each entity of the topic in one of its spellings."""
        release = self.snapshot.releases[release_id]
        if filters is not None and not filters.admits(release):
            return False
        evidence = self._evidence(release_id) if spellings else ""
        return all(any(entity_in(spelling, evidence, release.date) for spelling in variants)
                   for variants in spellings)

    def _normalised_release(self, release_id: str) -> str:
        release = self.snapshot.releases[release_id]
        return normalise(f"{release.title}\n{self.snapshot.release_text(release_id)}")

    def _candidates(self, hits: list[Hit]) -> list[tuple[StoredSentence, str, Hit]]:
        copy_of = {}  # a release published twice is cited as its first retrieved copy
        for hit in hits:
            copy_of.setdefault(release_key(self.snapshot.releases[hit.release_id]), hit.release_id)
        seen, candidates = set(), []
        for hit in hits:
            release_text = self.snapshot.release_text(hit.release_id)
            target = copy_of[release_key(self.snapshot.releases[hit.release_id])]
            for sentence in self.snapshot.chunk_sentences(hit.chunk_id):
                whole = release_text[sentence.char_start:sentence.char_end]
                if not self._is_content(whole[LIST_MARKER.match(whole).end():]):
                    continue
                sentence, cited = self._in_copy(target, sentence, whole, hit)
                if sentence.sentence_id not in seen:
                    seen.add(sentence.sentence_id)
                    candidates.append(self._without_marker(sentence, cited))
        return candidates

    def _without_marker(self, sentence: StoredSentence, hit: Hit) -> tuple[StoredSentence, str, Hit]:
        """The sentence without its "- " or "8 ": a point reads as a sentence, offsets still exact."""
        whole = self.snapshot.release_text(hit.release_id)[sentence.char_start:sentence.char_end]
        lead = LIST_MARKER.match(whole).end()
        return replace(sentence, char_start=sentence.char_start + lead), whole[lead:], hit

    def _in_copy(self, release_id: str, sentence: StoredSentence, text: str,
                 hit: Hit) -> tuple[StoredSentence, Hit]:
        """The same sentence in another copy of its release, with the chunk holding it there.

        The retriever shows a passage published twice once, so the chunks of one release can
        come back under both of its ids; moved to one id, the release is one source. A sentence
        the copy does not hold word for word stays where it is.
        """
        if release_id == hit.release_id:
            return sentence, hit
        found = self._sentences_by_text(release_id).get(" ".join(text.split()))
        chunk_id = self.snapshot.chunk_holding(found) if found else None
        if chunk_id is None:
            return sentence, hit
        return found, Hit(chunk_id, release_id, hit.score, hit.dense_score, hit.bm25_score)

    def _sentences_of(self, release_id: str) -> dict[str, StoredSentence]:
        text = self.snapshot.release_text(release_id)
        by_text: dict[str, StoredSentence] = {}
        for sentence in self.snapshot.release_sentences(release_id):
            by_text.setdefault(" ".join(text[sentence.char_start:sentence.char_end].split()), sentence)
        return by_text

    def _is_content(self, text: str) -> bool:
        """A statement worth quoting: no label, question, heading or stage direction (word count aside)."""
        if len(text) > self.settings.max_chars or not SENTENCE_END.search(text):
            return False
        if SPEAKER_LABEL.match(text) or SIGNATURE.match(text):
            return False
        return text[0].isupper() or text[0].isdigit()

    def _lexical(self, topic: str, sentence_tokens: list[list[str]]) -> list[float]:
        """The idf-weighted share of the topic's words each sentence holds."""
        frequencies = self.snapshot.document_frequencies
        chunk_count = max(1, self.snapshot.chunk_count)
        terms = {term: math.log(1 + (chunk_count - frequencies.get(term, 0) + 0.5)
                                / (frequencies.get(term, 0) + 0.5))
                 for term in tokenize([topic])[0]}
        total = sum(terms.values()) or 1.0
        return [sum(weight for term, weight in terms.items() if term in present) / total
                for present in map(set, sentence_tokens)]


def _fitted(items: list[TopicSentence], fit: Callable[..., tuple | None]) -> list[TopicSentence]:
    fitted = []
    for item in items:
        shown = fit(item.sentence, item.text, item.hit)
        if shown is not None:
            sentence, text, hit = shown
            fitted.append(replace(item, sentence=sentence, text=text, hit=hit))
    return fitted


def release_key(release) -> tuple[str, str | None]:
    """Releases with the same title words and date are copies of one release."""
    return " ".join(re.findall(r"\w+", release.title.casefold())), release.date


def entity_variants(entity: str) -> list[str]:
    """An entity (normalised) and, for a pair such as "U.S.-ASEAN", other ways to write the pair.

    "U.S.-ASEAN" is also "ASEAN-U.S.", "United States-ASEAN" or "the United States and ASEAN".
    """
    entity = normalise(entity)
    parts = re.split(r"(?<=[\w.])-(?=\w)", entity)
    if len(parts) != 2:
        return [entity]
    names = [next((group for group in ALIASES if part in group), (part,)) for part in parts]
    variants = [entity]
    for first, second in itertools.chain(itertools.product(*names), itertools.product(*reversed(names))):
        for joiner in ("-", " and ", " and the "):
            if f"{first}{joiner}{second}" not in variants:
                variants.append(f"{first}{joiner}{second}")
    return variants
