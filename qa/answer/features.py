"""What the answer stage knows about each candidate sentence: numbers a fitted model weighs.

Every sentence of the retrieved passages becomes a `Candidate` with a feature vector: how close
its stored vector is to the question's, how much of the question's idf weight its words, its
passage and its whole release hold, its passage's rank and scores, whether it holds an entity of
the type the question asks for (the question's type probabilities come from a fitted model, the
sentence's entities were tagged at ingest), and whether dates the question names fit the
release. No weights live here: `qa/answer_model.py` holds them, fitted on labelled questions.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

from qa.answer.model import SPAN_FEATURES
from qa.index.bm25 import stem_words, tokenize
from qa.ingest.entities import Entity
from qa.language.aliases import RELATIVE_DAY_PATTERN, normalise
from qa.language.lexicon import WH_WORDS
from qa.records import Hit
from qa.reader.reader import ReaderScore
from qa.index.snapshot import IndexSnapshot, StoredSentence

YEARS = re.compile(r"\b(?:19|20)\d{2}\b")
# Answer types: OntoNotes entity labels grouped by what a question asks for.
TYPES = ("person", "org", "place", "date", "money", "percent", "number")
LABEL_TYPES = {"PERSON": "person", "ORG": "org", "NORP": "org", "GPE": "place", "LOC": "place", "FAC": "place",
               "DATE": "date", "TIME": "date", "MONEY": "money", "PERCENT": "percent", "CARDINAL": "number",
               "QUANTITY": "number", "ORDINAL": "number"}
# What each kind of question asks for, as entity types (a "number" question is also answered
# by a duration such as "25 years", which the tagger calls a DATE).
KIND_TYPES = {"who": ("person", "org"), "when": ("date",), "where": ("place",),
              "number": ("number", "money", "percent", "date"), "list": ("person", "org", "place")}
# Words every question has; they say what is asked, not what about (stemmed as bm25s stems). The
# wh-words are their own stems except "why" ("whi"): it is never skipped, as when the model was fitted.
QUESTION_WORDS = WH_WORDS | {"mani", "much", "did", "doe", "do", "was", "were", "is", "are"}

FEATURES = ("dense", "dense_gap", "dense_rank", "lexical", "lexical_gap", "passage_lexical", "release_lexical",
            "hit_rank", "hit_dense", "hit_bm25", "top_release", "type_fit", "type_missing",
            *(f"type_{kind}" for kind in KIND_TYPES), "relative_day", "length", "not_a_sentence", "first_paragraph",
            "year_match", "year_mismatch", "predicate_lexical", "name_lexical", "name_passage_lexical",
            "type_near_predicate", "missing_idf_passage", "missing_idf_release", "names_missing_passage",
            "names_missing_release")


@dataclass
class Candidate:
    """A sentence of a retrieved passage, with its entities, features and, once scored, its probability."""

    sentence: StoredSentence
    text: str
    hit: Hit
    hit_rank: int
    entities: list[Entity]
    features: dict[str, float] = field(default_factory=dict)
    probability: float = 0.0
    reading: "ReaderScore | None" = None  # what the reader said of it, when it read it
    score: float | None = None  # the reader's decision score (qa/reader/decision.py)

    def vector(self) -> np.ndarray:
        return np.asarray([self.features[name] for name in FEATURES], dtype=np.float64)


class FeatureBuilder:
    """Candidates and their features for one question; `build` is the entry point.

    Example:
        candidates = FeatureBuilder(snapshot).build(question, query_vector, hits, type_probabilities)
    """

    def __init__(self, snapshot: IndexSnapshot):
        self.snapshot = snapshot
        self._release_terms = lru_cache(maxsize=2048)(self._terms_of_release)
        self._chunk_terms = lru_cache(maxsize=4096)(self._terms_of_chunk)
        # Normalised texts for name checks: every sentence of a passage or release reads the same one.
        self._release_words = lru_cache(maxsize=512)(self._words_of_release)
        self._chunk_words = lru_cache(maxsize=4096)(self._words_of_chunk)

    def build(self, question: str, query_vector: np.ndarray, hits: list[Hit],
              type_probabilities: dict[str, float]) -> list[Candidate]:
        candidates = self._candidates(hits)
        if not candidates:
            return []
        terms = self.question_terms(question)
        vectors = self.snapshot.sentence_vector_rows([c.sentence.sentence_id for c in candidates])
        dense = vectors @ np.asarray(query_vector, dtype=np.float32).reshape(-1)
        sentence_tokens = [set(tokens) for tokens in tokenize([c.text for c in candidates])]
        lexical = [_share(terms, tokens) for tokens in sentence_tokens]
        predicate, named = self.split_terms(question, terms)
        years = set(YEARS.findall(question))
        names = question_names(question)
        top_bm25 = max((hit.bm25_score or 0.0) for hit in hits) or 1.0
        order = np.argsort(-dense)
        dense_rank = np.empty(len(candidates))
        dense_rank[order] = np.arange(len(candidates))
        for index, candidate in enumerate(candidates):
            candidate.features = {
                "dense": float(dense[index]), "dense_gap": float(dense[index] - dense.max()),
                "dense_rank": 1.0 / (1.0 + dense_rank[index]),
                "lexical": lexical[index], "lexical_gap": lexical[index] - max(lexical),
                "passage_lexical": _share(terms, self._chunk_terms(candidate.hit.chunk_id)),
                "release_lexical": _share(terms, self._release_terms(candidate.hit.release_id)),
                "hit_rank": 1.0 / (1.0 + candidate.hit_rank), "hit_dense": candidate.hit.dense_score or 0.0,
                "hit_bm25": (candidate.hit.bm25_score or 0.0) / top_bm25,
                "top_release": float(candidate.hit.release_id == hits[0].release_id),
                **self._form_features(candidate),
                **self._year_features(candidate, years),
                **self._missing_features(candidate, terms, names),
                "predicate_lexical": _share(predicate, sentence_tokens[index]),
                "name_lexical": _share(named, sentence_tokens[index]),
                "name_passage_lexical": _share(named, self._chunk_terms(candidate.hit.chunk_id)),
            }
        self.retype(question, candidates, type_probabilities)
        return candidates

    def retype(self, question: str, candidates: list[Candidate], type_probabilities: dict[str, float]) -> None:
        """Sets the features that depend on what the question asks for (the fitted kind model's
        guess): entity-type fit and how close a wanted entity sits to the question's predicate."""
        asked = normalise(question)
        predicate, _ = self.split_terms(question, self.question_terms(question))
        for candidate in candidates:
            candidate.features.update(self.type_features(candidate, asked, type_probabilities))
            candidate.features["type_near_predicate"] = self._type_near(candidate, asked, type_probabilities,
                                                                        predicate)

    def question_terms(self, question: str) -> dict[str, float]:
        return question_terms(self.snapshot, question)

    def _type_near(self, candidate: Candidate, asked: str, probabilities: dict[str, float],
                   predicate: dict[str, float]) -> float:
        """The wanted-type weight of the entity closest to a predicate word of the question, fading
        with distance (1 beside it, 1/2 at 40 characters)."""
        anchors = term_positions(candidate.text, predicate)
        best = 0.0
        for entity, kind in self.answer_entities(candidate, asked):
            if anchors:
                distance = min(min(abs(a - entity.start), abs(a - entity.end)) for a in anchors)
                best = max(best, type_probability(kind, probabilities) / (1.0 + distance / 40.0))
        return best

    @staticmethod
    def split_terms(question: str, terms: dict[str, float]) -> tuple[dict[str, float], dict[str, float]]:
        """The question's terms from lower-case words (what happened: "held", "vice chairman") and
        from capitalised words and numbers (who and what it is about)."""
        words = re.findall(r"\w\w+", question)[1:]
        named = {stem for word, stem in zip(words, stem_words(words)) if word[:1].isupper() or word[:1].isdigit()}
        return ({term: weight for term, weight in terms.items() if term not in named},
                {term: weight for term, weight in terms.items() if term in named})

    def answer_entities(self, candidate: Candidate, asked: str) -> list[tuple[Entity, str]]:
        """(entity, answer type) of the sentence that the question does not already name;
        "today" and "yesterday" count as dates (the release's date says which)."""
        found = [(entity, LABEL_TYPES[entity.label]) for entity in candidate.entities
                 if entity.label in LABEL_TYPES and not _named_in(candidate.text[entity.start:entity.end], asked)]
        if self.snapshot.releases[candidate.hit.release_id].date:
            found += [(Entity(match.start(), match.end(), "DATE"), "date")
                      for match in RELATIVE_DAY_PATTERN.finditer(candidate.text)]
        return found

    def _candidates(self, hits: list[Hit]) -> list[Candidate]:
        seen: dict[int, Candidate] = {}
        for rank, hit in enumerate(hits):
            text = self.snapshot.release_text(hit.release_id)
            for sentence in self.snapshot.chunk_sentences(hit.chunk_id):
                if sentence.sentence_id not in seen:
                    entities = self.snapshot.sentence_entities(hit.release_id, sentence.char_start, sentence.char_end)
                    seen[sentence.sentence_id] = Candidate(sentence, text[sentence.char_start:sentence.char_end],
                                                           hit, rank, entities)
        return list(seen.values())

    def type_features(self, candidate: Candidate, asked: str, probabilities: dict[str, float]) -> dict[str, float]:
        """How well the sentence's entities fit the types the question asks for: entities the
        question names do not count, nor those of the release's title (what the release is about)."""
        title = normalise(self.snapshot.releases[candidate.hit.release_id].title)
        present = {kind for entity, kind in self.answer_entities(candidate, asked)
                   if normalise(candidate.text[entity.start:entity.end]) not in title}
        features = {f"type_{kind}": probabilities.get(kind, 0.0) * bool(present.intersection(types))
                    for kind, types in KIND_TYPES.items()}
        fit = sum(features.values())
        wanted = sum(probabilities.get(kind, 0.0) for kind in KIND_TYPES)
        return {**features, "type_fit": fit, "type_missing": wanted - fit,
                "relative_day": probabilities.get("when", 0.0) * bool(RELATIVE_DAY_PATTERN.search(candidate.text))}

    def _form_features(self, candidate: Candidate) -> dict[str, float]:
        words = len(candidate.text.split())
        ending = candidate.text.rstrip("\"'\u201d\u2019)]")
        return {"length": math.log1p(words), "not_a_sentence": float(not ending.endswith((".", "!", "?", ";", ":"))),
                "first_paragraph": float(candidate.sentence.paragraph == 0)}

    def _year_features(self, candidate: Candidate, years: set[str]) -> dict[str, float]:
        if not years:
            return {"year_match": 0.0, "year_mismatch": 0.0}
        release_date = self.snapshot.releases[candidate.hit.release_id].date or ""
        nearby = f"{release_date[:4]} {self.snapshot.chunk_text(candidate.hit.chunk_id)}"
        match = any(year in nearby for year in years)
        return {"year_match": float(match), "year_mismatch": float(not match)}

    def _missing_features(self, candidate: Candidate, terms: dict[str, float], names: list[str]) -> dict[str, float]:
        """What of the question the evidence lacks: its rarest missing word (as a share of the
        rarest word's idf) and the share of its capitalised names, in the passage and in the release."""
        top = max(terms.values(), default=0.0) or 1.0
        passage, release = self._chunk_terms(candidate.hit.chunk_id), self._release_terms(candidate.hit.release_id)
        release_text = self._release_words(candidate.hit.release_id)
        passage_text = self._chunk_words(candidate.hit.chunk_id)
        return {"missing_idf_passage": max((w for t, w in terms.items() if t not in passage), default=0.0) / top,
                "missing_idf_release": max((w for t, w in terms.items() if t not in release), default=0.0) / top,
                "names_missing_passage": _missing_share(names, passage_text),
                "names_missing_release": _missing_share(names, release_text)}

    def _words_of_release(self, release_id: str) -> str:
        release = self.snapshot.releases[release_id]
        return normalise(f"{release.title}\n{self.snapshot.release_text(release_id)}")

    def _words_of_chunk(self, chunk_id: int) -> str:
        return normalise(self.snapshot.chunk_text(chunk_id))

    def _terms_of_release(self, release_id: str) -> frozenset[str]:
        release = self.snapshot.releases[release_id]
        return frozenset(tokenize([f"{release.title}\n{self.snapshot.release_text(release_id)}"])[0])

    def _terms_of_chunk(self, chunk_id: int) -> frozenset[str]:
        release_id = self.snapshot.chunk(chunk_id).release_id
        return frozenset(tokenize([f"{self.snapshot.releases[release_id].title}\n"
                                   f"{self.snapshot.chunk_text(chunk_id)}"])[0])


def question_terms(snapshot: IndexSnapshot, question: str,
                   skip: frozenset[str] | set[str] = QUESTION_WORDS) -> dict[str, float]:
    """The question's stemmed words with their idf over the index's passages, `skip` left out."""
    frequencies, count = snapshot.document_frequencies, max(1, snapshot.chunk_count)
    return {term: math.log(1 + (count - frequencies.get(term, 0) + 0.5) / (frequencies.get(term, 0) + 0.5))
            for term in tokenize([question])[0] if term and term not in skip}


def type_probability(entity_type: str, probabilities: dict[str, float]) -> float:
    """How likely the question asks for an entity of this type: the kinds it would answer, summed."""
    return sum(probabilities.get(kind, 0.0) for kind, types in KIND_TYPES.items() if entity_type in types)


def question_names(question: str) -> list[str]:
    """Capitalised words and numbers of the question after its first word: the names it gives."""
    words = re.findall(r"[\w'’.-]+", question)[1:]
    return [normalise(word.strip(".'’")) for word in words
            if word[:1].isupper() or any(character.isdigit() for character in word)]


def _missing_share(names: list[str], text: str) -> float:
    return sum(name not in text for name in names) / len(names) if names else 0.0


def _share(terms: dict[str, float], present: set[str] | frozenset[str]) -> float:
    total = sum(terms.values())
    return sum(weight for term, weight in terms.items() if term in present) / total if total else 0.0


def _named_in(text: str, asked: str) -> bool:
    return normalise(text) in asked


def span_features(candidate: Candidate, spans: list[tuple[Entity, str]], types: dict[str, float],
                  terms: dict[str, float]) -> np.ndarray:
    """One row per span of the sentence (see answer_model.SPAN_FEATURES)."""
    anchors = term_positions(candidate.text, terms)
    first_of: dict[str, int] = {}
    rows = []
    for index, (entity, kind) in enumerate(spans):
        first_of.setdefault(kind, index)
        distance = min((min(abs(anchor - entity.start), abs(anchor - entity.end)) for anchor in anchors),
                       default=len(candidate.text))
        rows.append([type_probability(kind, types), *(float(kind == name) for name in TYPES), math.log1p(distance),
                     float(first_of[kind] == index), math.log1p(len(candidate.text[entity.start:entity.end].split())),
                     entity.start / max(1, len(candidate.text))])
    return np.asarray(rows, dtype=np.float64).reshape(len(rows), len(SPAN_FEATURES))


def term_positions(text: str, terms: dict[str, float]) -> list[int]:
    """Character positions of the words of `text` whose stems are question terms."""
    words = list(re.finditer(r"\w\w+", text))
    stems = stem_words([match.group(0) for match in words])
    return [match.start() for match, stem in zip(words, stems) if stem in terms]
