"""Embedding precision: chunks/s in float32 and bfloat16 on this CPU, and how close the vectors are.

Usage: python bench/embedding_precision.py --index DIR [--chunks 600] [--repeat 3] [--batch-size 32]

Takes the first N title-prefixed chunk texts of a built index and embeds them the way
`qa ingest` does (`Embedder.embed_passages`: chunk vectors plus pooled sentence vectors),
once per precision per repeat, alternating the precisions so that machine noise falls on
both. Prints chunks/s for each, the median speed-up of bfloat16 over float32, and the
cosine between the bfloat16 and float32 chunk vectors (min, median). Whether `auto`
would pick bfloat16 here is printed too. Quality on the dev set is a separate run: build
an index with QA_PRECISION=bfloat16 and run `qa eval` on it.
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np

from ingest_throughput import embedded_texts
from qa.index.embedder import Embedder, cpu_has_native_bfloat16
from qa.ingest.sentences import SentenceSplitter


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", required=True)
    parser.add_argument("--chunks", type=int, default=600)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--batch-size", type=int, default=32)
    args = parser.parse_args()
    texts = embedded_texts(args.index)[: args.chunks]
    splitter = SentenceSplitter()
    spans = [[(sentence.char_start, sentence.char_end) for sentence in splitter.split(text)] for text in texts]
    embedders = {precision: Embedder(batch_size=args.batch_size, precision=precision)
                 for precision in ("float32", "bfloat16")}
    for embedder in embedders.values():
        embedder.embed_passages(texts[:8], spans[:8])  # warm-up
    rates: dict[str, list[float]] = {precision: [] for precision in embedders}
    vectors: dict[str, np.ndarray] = {}
    for repeat in range(1, args.repeat + 1):
        for precision, embedder in embedders.items():
            started = time.perf_counter()
            vectors[precision], _ = embedder.embed_passages(texts, spans)
            rate = len(texts) / (time.perf_counter() - started)
            rates[precision].append(rate)
            print(f"repeat {repeat}: {precision} {rate:.1f} chunks/s", flush=True)
    cosines = np.sum(vectors["float32"] * vectors["bfloat16"], axis=1)
    speedups = [bf16 / fp32 for bf16, fp32 in zip(rates["bfloat16"], rates["float32"])]
    print(f"{len(texts)} chunks, batch {args.batch_size}; CPU with native bfloat16 (AMX/AVX512-BF16): "
          f"{cpu_has_native_bfloat16()} -> auto = {'bfloat16' if cpu_has_native_bfloat16() else 'float32'}")
    print(f"median: float32 {statistics.median(rates['float32']):.1f} chunks/s, bfloat16 "
          f"{statistics.median(rates['bfloat16']):.1f} chunks/s, speed-up bfloat16/float32 "
          f"{statistics.median(speedups):.2f}x")
    print(f"cosine bfloat16 vs float32 chunk vectors: min {cosines.min():.4f}, median {np.median(cosines):.4f}")


if __name__ == "__main__":
    main()
