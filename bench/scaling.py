"""Query latency, memory and index type of the chunk-vector index at 10k, 100k and 1M vectors.

Usage: python bench/scaling.py --index DIR [--sizes 10000 100000 1000000] [--queries 200]
       python bench/scaling.py --index DIR --own   (recall@10 of DIR's own approximate index)

Vectors are synthetic but shaped like ours: each is a real chunk vector of the given index
plus noise (cosine ~0.8 to it), normalised. Queries are the real question embeddings of
bench/latency_questions.txt plus noisy copies. At each size the product's own policy picks
the index type (qa/vector_index.py: exact flat up to 200k vectors, IVF above); recall@10
of the approximate index is measured against exact search over the same vectors.

With --own, nothing is synthetic: the real question vectors search the index's own IVF
index and an exact index over the very vectors stored in it (read from its inverted lists).
"""

from __future__ import annotations

import argparse
import resource
import statistics
import time
from pathlib import Path

import faiss
import numpy as np

from qa.index import vectors as vector_index
from qa.index.embedder import Embedder
from qa.index.snapshot import IndexSnapshot

HERE = Path(__file__).resolve().parent


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def synthetic(centers: np.ndarray, count: int, noise: float, rng) -> np.ndarray:
    picks = centers[rng.integers(0, len(centers), count)]
    vectors = picks + noise * rng.standard_normal(picks.shape, dtype=np.float32) / np.sqrt(centers.shape[1])
    return (vectors / np.linalg.norm(vectors, axis=1, keepdims=True)).astype(np.float32)


def timed_queries(index, queries: np.ndarray, k: int = 10, repeats: int = 3) -> list[float]:
    medians = []
    for _ in range(repeats):
        times = []
        for query in queries:
            started = time.perf_counter()
            vector_index.search(index, query, k)
            times.append((time.perf_counter() - started) * 1000)
        medians.append(sorted(times))
    return [statistics.median(column) for column in zip(*medians)]  # per-query median of repeats


def ivf_vectors(index) -> tuple[np.ndarray, np.ndarray]:
    """(ids, vectors) stored in an IVF-flat index, read list by list."""
    ivf = faiss.extract_index_ivf(index)
    lists = ivf.invlists
    ids, vectors = [], []
    for number in range(ivf.nlist):
        size = lists.list_size(number)
        if size:
            ids.append(faiss.rev_swig_ptr(lists.get_ids(number), size).copy())
            codes = faiss.rev_swig_ptr(lists.get_codes(number), size * lists.code_size).copy()
            vectors.append(codes.view(np.float32).reshape(size, ivf.d))
    return np.concatenate(ids), np.vstack(vectors)


def own_index_recall(snapshot: IndexSnapshot, queries: np.ndarray) -> None:
    index = snapshot.chunk_index
    if not vector_index.is_approximate(index):
        print(f"{index.ntotal:,} vectors: exact flat index, nothing to compare")
        return
    ids, vectors = ivf_vectors(index)
    ivf = faiss.extract_index_ivf(index)
    ivf.nprobe = vector_index.default_probes(ivf.nlist)  # as vector_index.search uses, whatever was saved
    exact = vector_index.new_index(vectors.shape[1])
    exact.add_with_ids(vectors, ids)
    found, truth = index.search(queries, 10)[1], exact.search(queries, 10)[1]
    recall = np.mean([len(set(a) & set(b)) / 10 for a, b in zip(found, truth)])
    print(f"{index.ntotal:,} vectors, IVF-flat ({ivf.nlist} lists, nprobe {ivf.nprobe}): "
          f"recall@10 against exact {recall:.3f} over {len(queries)} real questions")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", required=True, help="a built index whose chunk vectors seed the synthetic ones")
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--own", action="store_true", help="recall of the index's own IVF index, real questions only")
    args = parser.parse_args()
    rng = np.random.default_rng(7)
    snapshot = IndexSnapshot.open(args.index)
    questions = [line for line in (HERE / "latency_questions.txt").read_text().splitlines() if line.strip()]
    question_vectors = Embedder(snapshot.manifest["model"]).embed_queries(questions)
    if args.own:
        own_index_recall(snapshot, question_vectors)
        return
    centers = vector_index.all_vectors(snapshot.chunk_index)[1] if not vector_index.is_approximate(
        snapshot.chunk_index) else None
    queries = np.vstack([question_vectors, synthetic(question_vectors, args.queries - len(questions), 0.5, rng)])
    print(f"faiss {faiss.__version__}, {faiss.omp_get_max_threads()} threads, {len(queries)} queries, k=10")
    print("| vectors | index type | build s | query p50 ms | query p95 ms | RSS added MB | recall@10 vs exact |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for size in args.sizes:
        vectors = synthetic(centers, size, 0.75, rng)
        ids = np.arange(1, size + 1, dtype=np.int64)
        before = rss_mb()
        started = time.perf_counter()
        index = vector_index.updated_index(None, vectors.shape[1], np.empty(0), ids, vectors)
        build = time.perf_counter() - started
        added = rss_mb() - before
        times = timed_queries(index, queries)
        recall = "exact"
        if vector_index.is_approximate(index):
            exact = vector_index.new_index(vectors.shape[1])
            exact.add_with_ids(vectors, ids)
            found = index.search(queries, 10)[1]
            truth = exact.search(queries, 10)[1]
            recall = f"{np.mean([len(set(a) & set(b)) / 10 for a, b in zip(found, truth)]):.3f}"
            ivf = faiss.extract_index_ivf(index)
            kind = f"IVF-flat ({ivf.nlist} lists, nprobe {ivf.nprobe})"
            del exact
        else:
            kind = "flat (exact)"
        print(f"| {size:,} | {kind} | {build:.1f} | {statistics.median(times):.2f} | "
              f"{sorted(times)[int(0.95 * (len(times) - 1))]:.2f} | {added:.0f} | {recall} |", flush=True)
        del index, vectors
    print(f"peak RSS of this process: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main()
