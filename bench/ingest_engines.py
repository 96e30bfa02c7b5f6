"""Ingest throughput of the two engines: `qa ingest --engine local` against `--engine ray`.

Usage: python bench/ingest_engines.py [PATH ...] [--repeat 2] [--ray-address ADDR]
Default paths: corpus/ and tests/data/whitehouse-foreign-affairs-2021-2022.jsonl.gz.

Each repeat runs both engines, alternating which goes first, into fresh temporary index
folders, as `qa ingest` would from the command line: every run loads its own model (the ray
run: the driver's, for the chunking settings, and one per worker). Ray is started (or joined)
once before the runs, as a cluster would be; that time is printed apart. Chunks/s is chunks
embedded over the whole `Ingestor.run` (read, chunk, tag, embed, write).
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from qa.config import Settings
from qa.ingest.pipeline import Ingestor

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_PATHS = [ROOT / "corpus", ROOT / "tests" / "data" / "whitehouse-foreign-affairs-2021-2022.jsonl.gz"]


def timed_run(engine: str, paths: list[str], address: str | None) -> tuple[float, float, int]:
    """(seconds, embed seconds, chunks) of one ingest into a new index."""
    with tempfile.TemporaryDirectory(prefix=f"bench-{engine}-") as folder:
        settings = Settings(index_dir=Path(folder) / "index")
        started = time.perf_counter()
        report = Ingestor(settings, progress=False, engine=engine, ray_address=address).run(paths)
        seconds = time.perf_counter() - started
    if report.errors:
        raise SystemExit(f"{engine}: {len(report.errors)} errors, first: {report.errors[0]}")
    return seconds, report.embed_seconds, report.chunks_embedded


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*", default=[str(path) for path in DEFAULT_PATHS])
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--ray-address", help="a Ray cluster to join (default: start Ray on this machine)")
    args = parser.parse_args()
    from qa.ingest.ray_engine import RayEngine

    started = time.perf_counter()
    RayEngine(Settings(), address=args.ray_address, progress=False).start()
    print(f"ray started in {time.perf_counter() - started:.1f} s (not counted below)", flush=True)
    rates: dict[str, list[float]] = {"local": [], "ray": []}
    for repeat in range(1, args.repeat + 1):
        order = ("local", "ray") if repeat % 2 else ("ray", "local")
        for engine in order:
            seconds, embed_seconds, chunks = timed_run(engine, args.paths, args.ray_address)
            rates[engine].append(chunks / seconds)
            print(f"repeat {repeat} {engine:5}: {chunks} chunks in {seconds:.1f} s = {chunks / seconds:.1f} chunks/s "
                  f"(embed_seconds {embed_seconds:.1f}: local, embedding only; ray, the whole worker stage)",
                  flush=True)
    local, ray = statistics.median(rates["local"]), statistics.median(rates["ray"])
    print(f"median: local {local:.1f} chunks/s, ray {ray:.1f} chunks/s; ratio ray/local {ray / local:.2f}")


if __name__ == "__main__":
    main()
