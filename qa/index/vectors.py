"""The FAISS index of chunk vectors, exact while small and approximate (IVF) past a size.

Inner product on normalised vectors (cosine). Ids are chunk ids, so releases can be
removed and replaced. Up to `EXACT_LIMIT` vectors the search is exact (flat); above it an
inverted-file index (IVF) trained on the vectors keeps queries fast; both support
removal by id and filtered search.
"""

from __future__ import annotations

import math

import faiss
import numpy as np

EXACT_LIMIT = 200_000  # one-thread flat search of 100k 384-d vectors: ~8 ms (docs/benchmarks.md)
TRAINING_POINTS_PER_LIST = 40  # faiss warns below 39 training points per centroid


def new_index(dimension: int) -> faiss.Index:
    return faiss.IndexIDMap2(faiss.IndexFlatIP(dimension))


def is_approximate(index: faiss.Index) -> bool:
    return faiss.try_extract_index_ivf(index) is not None


def updated_index(index: faiss.Index | None, dimension: int, dropped_ids: np.ndarray,
                  added_ids: np.ndarray, added_vectors: np.ndarray,
                  exact_limit: int = EXACT_LIMIT) -> faiss.Index:
    """The index with some ids removed and some added, switched to IVF once it outgrows flat."""
    index = index if index is not None else new_index(dimension)
    if len(dropped_ids):
        index.remove_ids(np.asarray(dropped_ids, dtype=np.int64))
    if len(added_ids):
        index.add_with_ids(np.asarray(added_vectors, dtype=np.float32), np.asarray(added_ids, dtype=np.int64))
    if not is_approximate(index) and index.ntotal > exact_limit:
        index = approximate_index(*all_vectors(index))
    return index


def all_vectors(flat_index: faiss.Index) -> tuple[np.ndarray, np.ndarray]:
    """(ids, vectors) of an IndexIDMap2 over a flat index."""
    ids = faiss.vector_to_array(flat_index.id_map).astype(np.int64)
    vectors = flat_index.index.reconstruct_n(0, flat_index.ntotal)
    return ids, vectors


def approximate_index(ids: np.ndarray, vectors: np.ndarray, seed: int = 1234) -> faiss.Index:
    """An IVF-flat index over the vectors: about 4*sqrt(n) lists, trained on a sample."""
    dimension = vectors.shape[1]
    lists = max(64, int(4 * math.sqrt(len(vectors))))
    quantizer = faiss.IndexFlatIP(dimension)
    index = faiss.IndexIVFFlat(quantizer, dimension, lists, faiss.METRIC_INNER_PRODUCT)
    sample_size = min(len(vectors), lists * TRAINING_POINTS_PER_LIST)
    sample = vectors[np.random.default_rng(seed).choice(len(vectors), sample_size, replace=False)]
    index.train(np.ascontiguousarray(sample, dtype=np.float32))
    index.add_with_ids(np.ascontiguousarray(vectors, dtype=np.float32), ids)
    index.nprobe = default_probes(lists)
    return index


def default_probes(lists: int) -> int:
    """Lists visited per query: a tenth of them (bench/scaling.py, docs/benchmarks.md).

    On the archive's own 223k vectors and real questions, recall@10 against exact search was
    0.930 with lists // 32, 0.946 with lists // 16 and 0.978 with lists // 10 (2.9 ms).
    """
    return max(16, lists // 10)


def search(index: faiss.Index, query: np.ndarray, k: int, allowed_ids: np.ndarray | None = None):
    """(scores, ids) of the k nearest, optionally among allowed ids only."""
    query = np.asarray(query, dtype=np.float32).reshape(1, -1)
    ivf = faiss.try_extract_index_ivf(index)
    selector = None if allowed_ids is None else faiss.IDSelectorBatch(np.asarray(allowed_ids, dtype=np.int64))
    if ivf is not None:  # the probes of the current policy, also for indexes saved under an older one
        params = faiss.SearchParametersIVF(nprobe=default_probes(ivf.nlist))
        if selector is not None:
            params.sel = selector
    else:
        params = None if selector is None else faiss.SearchParameters(sel=selector)
    # One query: OpenMP threads cost more in wake-up and contention than they save
    # (a 10k flat search took 10.8 ms on 2 threads, 2.4 ms on 1, on a busy 2-core machine).
    threads = faiss.omp_get_max_threads()
    faiss.omp_set_num_threads(1)
    try:
        return index.search(query, k, params=params)
    finally:
        faiss.omp_set_num_threads(threads)
