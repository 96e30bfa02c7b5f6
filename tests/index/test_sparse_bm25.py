"""BM25 as sparse vectors gives bm25s's scores."""

from __future__ import annotations

import numpy as np

from qa.index.bm25 import BM25Index, tokenize
from qa.index.sparse_bm25 import document_weights, idf, query_weights, term_dimension

TEXTS = ["The ASEAN Ministers met Russia's Foreign Minister on vaccines.",
         "Vaccines and vaccination: ASEAN encouraged Russia to support vaccine multilateralism.",
         "The Mekong envoy visited the Kampot salt fields.",
         "Cambodia took over as country coordinator for ASEAN-Russia relations."]


def sparse_scores(question: str) -> list[float]:
    tokens = tokenize(TEXTS)
    average = sum(map(len, tokens)) / len(tokens)
    frequencies: dict[str, int] = {}
    for chunk in tokens:
        for term in set(chunk):
            frequencies[term] = frequencies.get(term, 0) + 1
    query = query_weights(tokenize([question])[0], frequencies, len(TEXTS))
    return [sum(weight * document_weights(chunk, average).get(dimension, 0.0) for dimension, weight in query.items())
            for chunk in tokens]


def test_inner_products_are_bm25s_scores():
    index = BM25Index.build(range(1, len(TEXTS) + 1), TEXTS)
    for question in ("vaccines Russia", "Who visited the Kampot salt fields?", "ASEAN ASEAN coordinator"):
        expected = dict(index.search(question, k=10))
        found = sparse_scores(question)
        assert np.allclose([expected.get(n, 0.0) for n in range(1, len(TEXTS) + 1)], found, rtol=1e-5)


def test_unknown_words_weigh_nothing_and_empty_chunks_are_valid_vectors():
    assert query_weights(["nosuchword"], {"vaccin": 2}, 4) == {}
    assert len(document_weights([], 10.0)) == 1 and max(document_weights([], 10.0).values()) < 1e-6
    assert idf(1, 4) > idf(3, 4) > 0


def test_dimensions_are_stable_and_spread():
    assert term_dimension("vaccin") == term_dimension("vaccin") != term_dimension("russia")
    dimensions = {term_dimension(f"term{n}") for n in range(10_000)}
    assert len(dimensions) == 10_000 and 0 not in dimensions
