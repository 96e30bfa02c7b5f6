"""Hybrid retrieval: dense (FAISS) and BM25 top-k, fused by reciprocal rank, with filters."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np

from qa.config import RetrievalSettings, Settings
from qa.index import vectors as vector_index
from qa.errors import QAError
from qa.records import Hit
from qa.index.snapshot import IndexSnapshot


@dataclass(frozen=True)
class Filters:
    """Limits on which releases may answer: dates inclusive, ISO `YYYY-MM-DD`.

    Example:
        Filters(date_from="2022-01-01", source="bidenwhitehouse.archives.gov")
    """

    date_from: str | None = None
    date_to: str | None = None
    release_prefix: str | None = None  # release ids starting with this
    source: str | None = None  # issuer or host, matched case-insensitively

    def __post_init__(self):
        for name in ("date_from", "date_to"):
            value = getattr(self, name)
            if value:
                try:
                    date.fromisoformat(value)
                except ValueError:
                    raise QAError(f"{name} must be a date as YYYY-MM-DD. Currently, {name} is {value!r}") from None
        if self.date_from and self.date_to and self.date_from > self.date_to:
            raise QAError(f"date_from ({self.date_from}) is after date_to ({self.date_to})")

    def is_empty(self) -> bool:
        return not (self.date_from or self.date_to or self.release_prefix or self.source)

    def admits(self, release) -> bool:
        """True when a release (anything with release_id, date, source) passes every filter."""
        if self.release_prefix and not release.release_id.startswith(self.release_prefix):
            return False
        if self.source and self.source.lower() not in (release.source or "").lower():
            return False
        if (self.date_from or self.date_to) and not release.date:
            return False
        if self.date_from and release.date < self.date_from:
            return False
        return not (self.date_to and release.date > self.date_to)


class Retriever:
    """Finds the chunks most likely to answer a question.

    The defaults are the tuned values of `RetrievalSettings` (settings.retrieval).

    Example:
        retriever = Retriever.from_settings(settings, snapshot)  # or Retriever(snapshot, candidates=20)
        hits = retriever.search("Who co-chaired the meeting?", query_vector, k=5)
    """

    def __init__(self, snapshot: IndexSnapshot, candidates: int = RetrievalSettings.candidates,
                 rrf_k: int = RetrievalSettings.rrf_k, dense_weight: float = RetrievalSettings.dense_weight,
                 bm25_weight: float = RetrievalSettings.bm25_weight):
        self.snapshot = snapshot
        self.candidates = candidates
        self.rrf_k = rrf_k
        self.dense_weight = dense_weight
        self.bm25_weight = bm25_weight
        self._masks: dict[Filters, np.ndarray] = {}

    @classmethod
    def from_settings(cls, settings: Settings, snapshot: IndexSnapshot) -> "Retriever":
        """The retriever with `settings.retrieval`'s candidates and fusion, over one generation."""
        retrieval = settings.retrieval
        return cls(snapshot, retrieval.candidates, retrieval.rrf_k, retrieval.dense_weight, retrieval.bm25_weight)

    def search(self, question: str, query_vector: np.ndarray, k: int, filters: Filters | None = None,
               required: Sequence[Sequence[Sequence[str]]] = ()) -> list[Hit]:
        """The k best chunks, fused; fewer when filters leave fewer.

        `required` holds, per entity the question names, its spellings as lists of BM25
        tokens: only releases holding every entity (in one of its spellings) are searched.
        """
        if k < 1:
            raise QAError(f"k must be greater than 0. Currently, k is {k}")
        allowed = None if filters is None or filters.is_empty() else self._allowed_rows(filters)
        if required:
            naming = self._rows_naming(required)
            allowed = naming if allowed is None else allowed & naming
        if allowed is not None and not allowed.any():
            return []
        dense = self._dense(query_vector, allowed)
        lexical = self.snapshot.bm25.search(question, self.candidates, self._bm25_mask(allowed))
        return self._fuse(dense, lexical, k)

    def _dense(self, query_vector: np.ndarray, allowed: np.ndarray | None) -> list[tuple[int, float]]:
        index = self.snapshot.chunk_index
        if index.ntotal == 0:
            return []
        k = min(self.candidates, index.ntotal)
        allowed_ids = None if allowed is None else self.snapshot.chunk_ids[allowed]
        scores, ids = vector_index.search(index, query_vector, k, allowed_ids)
        return [(int(i), float(s)) for i, s in zip(ids[0], scores[0]) if i >= 0]

    def _bm25_mask(self, allowed: np.ndarray | None) -> np.ndarray | None:
        if allowed is None:
            return None
        return allowed[self.snapshot.bm25_rows]

    def _fuse(self, dense, lexical, k: int) -> list[Hit]:
        fused: dict[int, float] = {}
        for weight, ranking in ((self.dense_weight, dense), (self.bm25_weight, lexical)):
            for rank, (chunk_id, _) in enumerate(ranking, start=1):
                fused[chunk_id] = fused.get(chunk_id, 0.0) + weight / (self.rrf_k + rank)
        dense_scores, bm25_scores = dict(dense), dict(lexical)
        dense_ranks = {chunk_id: rank for rank, (chunk_id, _) in enumerate(dense, start=1)}
        bm25_ranks = {chunk_id: rank for rank, (chunk_id, _) in enumerate(lexical, start=1)}
        hits, seen_texts = [], set()
        for chunk_id, score in sorted(fused.items(), key=lambda item: (-item[1], item[0])):
            # The same passage published twice (a statement and its fact-sheet copy) is shown once.
            text = " ".join(self.snapshot.chunk_text(chunk_id).split())
            if text in seen_texts:
                continue
            seen_texts.add(text)
            release_id = self.snapshot.chunk_release_ids[self.snapshot.chunk_row(chunk_id)]
            hits.append(Hit(chunk_id, release_id, score, dense_scores.get(chunk_id), bm25_scores.get(chunk_id),
                            dense_ranks.get(chunk_id), bm25_ranks.get(chunk_id)))
            if len(hits) == k:
                break
        return hits

    def _rows_naming(self, required: Sequence[Sequence[Sequence[str]]]) -> np.ndarray:
        """Chunk rows of the releases that hold every required entity in one of its spellings."""
        snapshot = self.snapshot
        releases = None
        for spellings in required:
            holding = np.zeros(len(snapshot.releases), dtype=bool)
            for tokens in spellings:
                rows = None
                for token in tokens:  # a chunk holding all the tokens of this spelling
                    token_rows = snapshot.bm25.rows_with_token(token)
                    rows = token_rows if rows is None else np.intersect1d(rows, token_rows, assume_unique=True)
                if rows is not None and len(rows):
                    holding[snapshot.chunk_release_codes[snapshot.bm25_rows[rows]]] = True
            releases = holding if releases is None else releases & holding
        return releases[snapshot.chunk_release_codes]

    def _allowed_rows(self, filters: Filters) -> np.ndarray:
        """A boolean mask over chunk rows, cached per filter set."""
        if filters not in self._masks:
            admitted = {release_id for release_id, info in self.snapshot.releases.items()
                        if filters.admits(info)}
            self._masks[filters] = np.fromiter(
                (release_id in admitted for release_id in self.snapshot.chunk_release_ids),
                dtype=bool, count=len(self.snapshot.chunk_release_ids))
        return self._masks[filters]
