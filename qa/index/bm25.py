"""BM25 over chunk texts with bm25s, saved in and loaded from a generation folder."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import bm25s
import numpy as np
import Stemmer

from qa.index.store import BM25_CHUNK_IDS_FILE, BM25_FOLDER
from qa.language.lexicon import BM25_STOPWORDS

_STEMMER = Stemmer.Stemmer("english")


def tokenize(texts: Sequence[str]) -> list[list[str]]:
    """Lower-cased, stop-worded, stemmed tokens: the same for chunks and questions."""
    return bm25s.tokenize(list(texts), stopwords=BM25_STOPWORDS, stemmer=_STEMMER, return_ids=False,
                          show_progress=False)


def stem_words(words: Sequence[str]) -> list[str]:
    """Each word lower-cased and stemmed as `tokenize` does, stop words kept: for positions."""
    return _STEMMER.stemWords([word.lower() for word in words])


class BM25Index:
    """Lexical retrieval over chunks; rows map to chunk ids.

    Example:
        BM25Index.build(chunk_ids, texts).save(folder)
        hits = BM25Index.load(folder).search("co-chaired meeting", k=10)
    """

    def __init__(self, retriever: bm25s.BM25, chunk_ids: np.ndarray):
        self.retriever = retriever
        self.chunk_ids = chunk_ids

    @classmethod
    def build(cls, chunk_ids: Sequence[int], texts: Sequence[str]) -> "BM25Index":
        retriever = bm25s.BM25()
        if texts:
            retriever.index(tokenize(texts), show_progress=False)
        return cls(retriever, np.asarray(chunk_ids, dtype=np.int64))

    @classmethod
    def load(cls, folder: Path) -> "BM25Index":
        chunk_ids = np.load(folder / BM25_CHUNK_IDS_FILE)
        if len(chunk_ids) == 0:
            return cls(bm25s.BM25(), chunk_ids)
        return cls(bm25s.BM25.load(folder / BM25_FOLDER, mmap=False), chunk_ids)

    def save(self, folder: Path) -> None:
        if len(self.chunk_ids):
            self.retriever.save(folder / BM25_FOLDER, show_progress=False)
        np.save(folder / BM25_CHUNK_IDS_FILE, self.chunk_ids)

    def search(self, query: str, k: int, allowed_rows: np.ndarray | None = None) -> list[tuple[int, float]]:
        """(chunk_id, score) pairs, best first, only positive scores, only rows true in `allowed_rows`."""
        if len(self.chunk_ids) == 0:
            return []
        vocabulary = self.retriever.vocab_dict
        tokens = [token for token in tokenize([query])[0] if token in vocabulary]
        if not tokens:
            return []
        scores = self.retriever.get_scores(tokens)
        # Top k among the allowed rows that score at all: most rows score 0, and numpy's argpartition
        # over an array of mostly tied zeros took 12 ms at 300k chunks (0.9 ms this way).
        rows = np.flatnonzero(scores > 0)
        if allowed_rows is not None:
            rows = rows[allowed_rows[rows].astype(bool, copy=False)]
        if len(rows) > k:
            rows = rows[np.argpartition(scores[rows], -k)[-k:]]
        rows = rows[np.lexsort((rows, -scores[rows]))]  # best first; ties: earlier row first
        return [(int(self.chunk_ids[row]), float(scores[row])) for row in rows]

    def rows_with_token(self, token: str) -> np.ndarray:
        """BM25 rows (documents) that hold a token, from the inverted index."""
        index = self.retriever.vocab_dict.get(token) if len(self.chunk_ids) else None
        indptr = self.retriever.scores["indptr"] if index is not None else None
        if index is None or index + 1 >= len(indptr):
            return np.empty(0, dtype=np.int64)
        return np.asarray(self.retriever.scores["indices"][indptr[index]:indptr[index + 1]], dtype=np.int64)

    def document_frequencies(self) -> dict[str, int]:
        """Chunks holding each token: idf weights for scoring sentences."""
        if len(self.chunk_ids) == 0:
            return {}
        indptr = np.asarray(self.retriever.scores["indptr"])
        counts = np.diff(indptr)
        return {token: int(counts[index]) for token, index in self.retriever.vocab_dict.items()
                if index < len(counts)}
