"""Hybrid retrieval: the store's dense and BM25 candidates, fused by weighted reciprocal rank.

The store (an index folder or Milvus, qa.index.location) searches both lists within the
filters; fusing them here keeps each list's rank and score, which the answer stage reads.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import numpy as np

from qa.config import RetrievalSettings, Settings
from qa.errors import QAError
from qa.index.filters import Filters
from qa.index.snapshot import IndexSnapshot
from qa.records import Hit

__all__ = ["Filters", "Retriever"]
ALIAS_LOOKAHEAD = 2  # places past the k-th hit searched for copies of the hits' passages


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
        dense, lexical = self.snapshot.candidates(question, query_vector, self.candidates, filters, required)
        return self._fuse(dense, lexical, k)

    def _fuse(self, dense, lexical, k: int) -> list[Hit]:
        fused: dict[int, float] = {}
        for weight, ranking in ((self.dense_weight, dense), (self.bm25_weight, lexical)):
            for rank, (chunk_id, _) in enumerate(ranking, start=1):
                fused[chunk_id] = fused.get(chunk_id, 0.0) + weight / (self.rrf_k + rank)
        dense_scores, bm25_scores = dict(dense), dict(lexical)
        dense_ranks = {chunk_id: rank for rank, (chunk_id, _) in enumerate(dense, start=1)}
        bm25_ranks = {chunk_id: rank for rank, (chunk_id, _) in enumerate(lexical, start=1)}
        hits, hit_of_text, last = [], {}, None
        ranked = sorted(fused.items(), key=lambda item: (-item[1], item[0]))
        for position, (chunk_id, score) in enumerate(ranked):
            if last is not None and position > last:
                break
            # The same passage published twice (a statement and its fact-sheet copy, a release stored
            # under two file names) is one hit; the other releases holding it are its aliases.
            text = " ".join(self.snapshot.chunk_text(chunk_id).split())
            release_id = self.snapshot.chunk(chunk_id).release_id
            if text in hit_of_text:
                _add_alias(hits, hit_of_text[text], release_id)
                continue
            if len(hits) == k:
                continue
            hit_of_text[text] = len(hits)
            hits.append(Hit(chunk_id, release_id, score, dense_scores.get(chunk_id), bm25_scores.get(chunk_id),
                            dense_ranks.get(chunk_id), bm25_ranks.get(chunk_id)))
            if len(hits) == k:  # a copy ranks right by its passage (same words, same BM25 score)
                last = position + ALIAS_LOOKAHEAD
        return hits


def _add_alias(hits: list[Hit], index: int, release_id: str) -> None:
    hit = hits[index]
    if release_id != hit.release_id and release_id not in hit.aliases:
        hits[index] = replace(hit, aliases=hit.aliases + (release_id,))
