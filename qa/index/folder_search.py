"""Candidate search in an index folder: FAISS for the dense list, bm25s for the lexical one."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from qa.index import vectors as vector_index
from qa.index.filters import Filters

Ranking = list[tuple[int, float]]  # (chunk_id, score), best first


class FolderSearch:
    """The dense and BM25 candidates of one generation, within the filters.

    Example:
        dense, lexical = FolderSearch(snapshot).candidates(question, vector, 20, Filters())
    """

    def __init__(self, snapshot):
        self.snapshot = snapshot
        self._masks: dict[Filters, np.ndarray] = {}

    def candidates(self, question: str, query_vector: np.ndarray, n: int, filters: Filters | None = None,
                   required: Sequence[Sequence[Sequence[str]]] = ()) -> tuple[Ranking, Ranking]:
        """The `n` best chunks by vector and by BM25; both empty when the filters admit nothing.

        `required` holds, per entity the question names, its spellings as lists of BM25
        tokens: only releases holding every entity (in one of its spellings) are searched.
        """
        allowed = None if filters is None or filters.is_empty() else self._allowed_rows(filters)
        if required:
            naming = self._rows_naming(required)
            allowed = naming if allowed is None else allowed & naming
        if allowed is not None and not allowed.any():
            return [], []
        bm25_mask = None if allowed is None else allowed[self.snapshot.bm25_rows]
        return self._dense(query_vector, n, allowed), self.snapshot.bm25.search(question, n, bm25_mask)

    def _dense(self, query_vector: np.ndarray, n: int, allowed: np.ndarray | None) -> Ranking:
        index = self.snapshot.chunk_index
        if index.ntotal == 0:
            return []
        allowed_ids = None if allowed is None else self.snapshot.chunk_ids[allowed]
        scores, ids = vector_index.search(index, query_vector, min(n, index.ntotal), allowed_ids)
        return [(int(i), float(s)) for i, s in zip(ids[0], scores[0]) if i >= 0]

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
