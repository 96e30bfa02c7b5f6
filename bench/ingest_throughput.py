"""Indexing throughput: the full `qa ingest` against a raw SentenceTransformer.encode of the same texts.

Usage: python bench/ingest_throughput.py [PATH ...] [--repeat 4] [--batch-size 32] [--precision float32]
Default paths: corpus/ and tests/data/whitehouse-foreign-affairs-2021-2022.jsonl.gz.

Each repeat ingests into a fresh temporary index (read, clean, split, chunk, embed chunks
and sentences, write FAISS, SQLite, BM25) and encodes exactly the chunk texts that the
ingest embedded with the same model and batch size, in the same process; odd repeats run
the ingest first, even repeats the raw encode first, so that neither always gets the warmer
or the quieter slot. The ratio ingest chunks/s ÷ raw chunks/s is the share of raw model
speed the pipeline keeps; its median over the repeats is the figure to quote.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from qa.config import Settings
from qa.index.embedder import Embedder
from qa.ingest.pipeline import Ingestor
from qa.index.snapshot import IndexSnapshot

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_PATHS = [ROOT / "corpus", ROOT / "tests" / "data" / "whitehouse-foreign-affairs-2021-2022.jsonl.gz"]


def embedded_texts(index_dir: Path) -> list[str]:
    """The title-prefixed chunk texts the ingest embedded, as the chunker builds them."""
    snapshot = IndexSnapshot.open(index_dir)
    prefixes = dict(snapshot.connection.execute("SELECT release_id, title_prefix FROM releases"))
    texts = [f"{prefixes[release_id]}\n{snapshot.chunk_text(int(chunk_id))}"
             for chunk_id, release_id in zip(snapshot.chunk_ids, snapshot.chunk_release_ids)]
    snapshot.close()
    return texts


def timed_raw_encode(embedder: Embedder, texts: list[str], batch_size: int) -> float:
    """Seconds for the bare model to encode the texts (chunk vectors only, no sentences)."""
    started = time.perf_counter()
    embedder._model.encode(texts, batch_size=batch_size, show_progress_bar=False)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*", default=[str(path) for path in DEFAULT_PATHS])
    parser.add_argument("--repeat", type=int, default=4)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--precision", default="float32")
    args = parser.parse_args()
    embedder = Embedder(batch_size=args.batch_size, precision=args.precision)
    embedder.embed_queries(["warm-up"] * 8)
    ratios, ingest_rates, raw_rates = [], [], []
    texts: list[str] = []
    for repeat in range(1, args.repeat + 1):
        raw_seconds = None
        if repeat % 2 == 0:  # the texts are the same every repeat: those of the first ingest
            raw_seconds = timed_raw_encode(embedder, texts, args.batch_size)
        with tempfile.TemporaryDirectory() as folder:
            settings = Settings(index_dir=Path(folder) / "index", batch_size=args.batch_size)
            started = time.perf_counter()
            report = Ingestor(settings, embedder=embedder, progress=False).run(args.paths)
            ingest_seconds = time.perf_counter() - started
            texts = embedded_texts(settings.index_dir)
        if raw_seconds is None:
            raw_seconds = timed_raw_encode(embedder, texts, args.batch_size)
        ingest_rate, raw_rate = len(texts) / ingest_seconds, len(texts) / raw_seconds
        ingest_rates.append(ingest_rate)
        raw_rates.append(raw_rate)
        ratios.append(ingest_rate / raw_rate)
        order = "raw first" if repeat % 2 == 0 else "ingest first"
        print(f"repeat {repeat} ({order}): {len(report.added)} releases, {len(texts)} chunks; ingest "
              f"{ingest_seconds:.1f} s ({ingest_rate:.1f} chunks/s, of which embedding {report.embed_seconds:.1f} s); "
              f"raw encode {raw_seconds:.1f} s ({raw_rate:.1f} chunks/s); ratio {ingest_rate / raw_rate:.3f}",
              flush=True)
    print(f"median: ingest {statistics.median(ingest_rates):.1f} chunks/s, raw {statistics.median(raw_rates):.1f} "
          f"chunks/s, ratio ingest/raw {statistics.median(ratios):.3f} (goal >= 0.85)")


if __name__ == "__main__":
    main()
