"""BM25 as sparse vectors: a chunk's term weights at ingest, a question's idf weights at query.

The inner product of the two is bm25s's "lucene" BM25 score, so a Milvus sparse inverted
index (metric IP) ranks as the index folder's bm25s does. The document side uses the average
chunk length when the chunk was written; `qa ingest --rebuild` brings every chunk to the
current one.
"""

from __future__ import annotations

import hashlib
import math
from collections import Counter
from collections.abc import Mapping, Sequence

K1, B = 1.5, 0.75  # bm25s's defaults, as the index folder's BM25
# A sparse vector may not be empty: a chunk without a token gets this dimension, weight ~0.
EMPTY_DIMENSION, EMPTY_WEIGHT = 0, 1e-9


def term_dimension(term: str) -> int:
    """A token's dimension in the sparse vectors: 32 bits of its BLAKE2 hash, never 0."""
    return int.from_bytes(hashlib.blake2b(term.encode("utf-8"), digest_size=4).digest(), "little") or 1


def document_weights(tokens: Sequence[str], average_length: float) -> dict[int, float]:
    """tf / (tf + k1 (1 - b + b dl / avgdl)) per token of one chunk."""
    if not tokens:
        return {EMPTY_DIMENSION: EMPTY_WEIGHT}
    norm = K1 * (1 - B + B * len(tokens) / max(average_length, 1e-9))
    return {term_dimension(term): count / (count + norm) for term, count in Counter(tokens).items()}


def query_weights(tokens: Sequence[str], frequencies: Mapping[str, int], chunks: int) -> dict[int, float]:
    """idf per question token held by some chunk, counted as often as the question repeats it."""
    weights: dict[int, float] = {}
    for term in tokens:
        frequency = frequencies.get(term, 0)
        if frequency > 0:
            dimension = term_dimension(term)
            weights[dimension] = weights.get(dimension, 0.0) + idf(frequency, chunks)
    return weights


def idf(frequency: int, chunks: int) -> float:
    return math.log(1 + (chunks - frequency + 0.5) / (frequency + 0.5))
