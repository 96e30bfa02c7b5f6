"""BM25Index.search: bm25s's own ranking, only positive scores, only allowed rows."""

import numpy as np

from qa.index.bm25 import BM25Index, tokenize

TEXTS = [
    "The foreign ministers met in Phnom Penh to discuss trade and vaccines.",
    "Vaccines were donated to Cambodia by Japan.",
    "The meeting was co-chaired by the two ministers.",
    "A statement on climate finance and clean energy.",
    "Trade between the two countries grew last year.",
    "Japan and Cambodia signed an agreement on vaccines and trade.",
    "The press secretary answered questions on the budget.",
]
CHUNK_IDS = [10, 11, 12, 13, 14, 15, 16]


def library_ranking(index: BM25Index, query: str, k: int, mask: np.ndarray | None) -> list[tuple[int, float]]:
    """bm25s's own retrieve, the reference the fast path must match."""
    tokens = tokenize([query])[0]
    rows, scores = index.retriever.retrieve([tokens], k=k, show_progress=False,
                                            weight_mask=None if mask is None else mask.astype(np.float32))
    return [(CHUNK_IDS[row], float(score)) for row, score in zip(rows[0], scores[0]) if score > 0]


def test_search_matches_bm25s_retrieve_and_keeps_only_scoring_rows():
    index = BM25Index.build(CHUNK_IDS, TEXTS)
    for query in ["vaccines trade Japan", "co-chaired meeting", "climate energy", "budget questions"]:
        for k in (1, 3, 7):
            hits = index.search(query, k)
            assert [round(s, 5) for _, s in hits] == sorted((round(s, 5) for _, s in hits), reverse=True)
            assert {c for c, _ in hits} == {c for c, _ in library_ranking(index, query, k, None)}
            assert all(score > 0 for _, score in hits)
    assert [c for c, _ in index.search("climate energy", 7)] == [13]


def test_search_honours_the_allowed_rows():
    index = BM25Index.build(CHUNK_IDS, TEXTS)
    allowed = np.zeros(len(TEXTS), dtype=bool)
    allowed[[1, 4]] = True
    hits = index.search("vaccines trade Japan", 5, allowed_rows=allowed)
    assert [c for c, _ in hits] == [c for c, _ in library_ranking(index, "vaccines trade Japan", 5, allowed)]
    assert {c for c, _ in hits} == {11, 14}


def test_search_with_unknown_words_or_an_empty_index_finds_nothing():
    assert BM25Index.build(CHUNK_IDS, TEXTS).search("zebra quokka", 5) == []
    assert BM25Index.build([], []).search("vaccines", 5) == []
