"""One million vectors in Milvus Lite: insert and index time, recall@10 against exact search, memory.

Usage: python bench/milvus_million.py [--vectors 1000000] [--index-type HNSW] [--queries 200] [--db PATH]
The vectors are synthetic, 384-d like all-MiniLM-L6-v2's and normalised, drawn around 2,000
random centres (clustered as text embeddings are: uniform random vectors in 384-d have no
near neighbours, which makes recall meaningless). They are generated in seeded batches and
never held all at once; the exact top 10 of each query (inner product) is kept while they
stream by, as the baseline. Prints: the index type and its parameters, insert and load
(index build) times, recall@10 of the Milvus search against the exact top 10, query
latency p50/p95, the process's resident memory after loading (Milvus Lite runs in this
process) and the database's size on disk.
"""

from __future__ import annotations

import argparse
import logging
import resource
import shutil
import statistics
import time
from pathlib import Path

import numpy as np

DIMENSION = 384
CENTRES = 2_000
BATCH = 20_000
INDEX_PARAMS = {"HNSW": ({"M": 16, "efConstruction": 128}, {"ef": 64}),
                "HNSW_SQ": ({"M": 16, "efConstruction": 128, "sq_type": "SQ8"}, {"ef": 64}),
                "IVF_FLAT": ({"nlist": 4096}, {"nprobe": 32}),
                "IVF_SQ8": ({"nlist": 4096}, {"nprobe": 32}),
                "FLAT": ({}, {})}


def batch_vectors(centres: np.ndarray, number: int, size: int) -> np.ndarray:
    rng = np.random.default_rng(1_000 + number)
    vectors = centres[rng.integers(0, len(centres), size)] + 0.08 * rng.standard_normal((size, DIMENSION))
    return (vectors / np.linalg.norm(vectors, axis=1, keepdims=True)).astype(np.float32)


def resident_megabytes() -> tuple[float, float]:
    """(current, peak) resident memory of this process, MB."""
    current = 0.0
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            current = int(line.split()[1]) / 1024
    return current, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--vectors", type=int, default=1_000_000)
    parser.add_argument("--index-type", default="HNSW", choices=sorted(INDEX_PARAMS))
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--db", type=Path, default=Path("/tmp/milvus-million/million.db"))
    args = parser.parse_args()
    from pymilvus import DataType, MilvusClient

    logging.getLogger("grpc._server").setLevel(logging.CRITICAL)
    shutil.rmtree(args.db.parent, ignore_errors=True)
    args.db.parent.mkdir(parents=True)
    rng = np.random.default_rng(7)
    centres = rng.standard_normal((CENTRES, DIMENSION)).astype(np.float32)
    queries = batch_vectors(centres, -1, args.queries)
    client = MilvusClient(str(args.db))
    schema = client.create_schema(auto_id=False)
    schema.add_field("id", DataType.INT64, is_primary=True)
    schema.add_field("vector", DataType.FLOAT_VECTOR, dim=DIMENSION)
    build, search = INDEX_PARAMS[args.index_type]
    index_params = client.prepare_index_params()
    index_params.add_index("vector", index_type=args.index_type, metric_type="IP", params=build)
    client.create_collection("million", schema=schema, index_params=index_params)
    print(f"{args.vectors:,} vectors of {DIMENSION} dimensions; index {args.index_type} {build}, search {search}",
          flush=True)
    best_scores = np.full((len(queries), 10), -np.inf, dtype=np.float32)
    best_ids = np.zeros((len(queries), 10), dtype=np.int64)
    started = time.perf_counter()
    insert_seconds = 0.0
    for number, first in enumerate(range(0, args.vectors, BATCH)):
        size = min(BATCH, args.vectors - first)
        vectors = batch_vectors(centres, number, size)
        scores = queries @ vectors.T  # the exact top 10 so far
        merged_scores = np.concatenate([best_scores, scores], axis=1)
        merged_ids = np.concatenate([best_ids, np.arange(first, first + size)[None, :].repeat(len(queries), 0)], 1)
        keep = np.argsort(-merged_scores, axis=1)[:, :10]
        best_scores, best_ids = np.take_along_axis(merged_scores, keep, 1), np.take_along_axis(merged_ids, keep, 1)
        insert_started = time.perf_counter()
        client.insert("million", [{"id": first + i, "vector": vector} for i, vector in enumerate(vectors)])
        insert_seconds += time.perf_counter() - insert_started
        if (number + 1) % 10 == 0:
            print(f"  {first + size:,} inserted ({time.perf_counter() - started:.0f} s)", flush=True)
    flush_started = time.perf_counter()
    client.flush("million")
    print(f"insert {insert_seconds:.0f} s, flush {time.perf_counter() - flush_started:.0f} s", flush=True)
    load_started = time.perf_counter()
    client.release_collection("million")
    client.load_collection("million")
    print(f"load (builds the {args.index_type} index of each segment) {time.perf_counter() - load_started:.0f} s",
          flush=True)
    current, peak = resident_megabytes()
    hits, times = 0, []
    for query, exact in zip(queries, best_ids):
        query_started = time.perf_counter()
        result = client.search("million", data=[query.tolist()], anns_field="vector", limit=10,
                               search_params={"metric_type": "IP", "params": search})
        times.append((time.perf_counter() - query_started) * 1000)
        hits += len({hit["id"] for hit in result[0]} & set(exact.tolist()))
    disk = sum(path.stat().st_size for path in args.db.parent.rglob("*") if path.is_file()) / 2**20
    times.sort()
    print(f"recall@10 against exact inner-product search: {hits / (10 * len(queries)):.4f} over {len(queries)} queries")
    print(f"query latency: p50 {statistics.median(times):.1f} ms, p95 {times[int(0.95 * (len(times) - 1))]:.1f} ms")
    print(f"memory (this process, Milvus Lite inside it): {current:,.0f} MB resident after load, peak {peak:,.0f} MB; "
          f"raw vectors {args.vectors * DIMENSION * 4 / 2**20:,.0f} MB")
    print(f"on disk: {disk:,.0f} MB in {args.db.parent}")


if __name__ == "__main__":
    main()
