"""Query latency of Assistant.ask with the model loaded: p50/p95 over a question file.

Usage: python bench/query_latency.py --index DIR [--questions FILE] [--repeat N] [--query-threads N]
                                     [--compare-reader [none|FOLDER]]
Prints the index (chunks, size on disk), the start-up time of Assistant.open, p50/p95/mean
per repeat and overall, the process's peak resident memory (RSS) holding the index, and
the stages: encoding the question, searching (question analysis, dense and BM25 search,
fusion, entity constraint) and choosing the answer.

Baseline, measured in the same run: the bare `SentenceTransformer.encode` of each question
(same model, same torch threads), one round per repeat, alternating which round goes first.
The ratio ask / bare encode is steadier across runs than milliseconds on a shared machine.
With --compare-reader, the same questions are also asked of an assistant whose answer stage uses
another reader (default "none": the fitted stage alone), in alternating rounds, and the ratio of
the two p50s is printed per repeat.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import time
from pathlib import Path

from qa import Assistant
from qa.config import Settings
from qa.index.embedder import torch_threads
from qa.index.store import IndexStore

HERE = Path(__file__).resolve().parent


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def peak_rss_megabytes() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports KiB


def disk_megabytes(index_dir: str) -> float:
    """Size of the live generation (the files a query reads), in MB."""
    live = IndexStore(Path(index_dir)).current_generation()
    return sum(path.stat().st_size for path in live.rglob("*") if path.is_file()) / 1e6


def timed_asks(assistant: Assistant, questions: list[str], stages: dict[str, list[float]]) -> list[float]:
    """Milliseconds of each `ask`; appends each question's stage timings to `stages`."""
    times = []
    for question in questions:
        started = time.perf_counter()
        timings = assistant.ask(question).timings_ms
        times.append((time.perf_counter() - started) * 1000)
        stages["encode"].append(timings["encode"])
        stages["search"].append(timings["retrieve"] - timings["encode"])
        stages["answer"].append(timings["answer"])
    return times


def timed_bare_encodes(assistant: Assistant, questions: list[str], threads: int) -> list[float]:
    """Milliseconds of the bare model encoding each question alone: the floor under `ask`."""
    times = []
    with torch_threads(threads):
        for question in questions:
            started = time.perf_counter()
            assistant.embedder._model.encode([question], convert_to_numpy=True, show_progress_bar=False)
            times.append((time.perf_counter() - started) * 1000)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", required=True)
    parser.add_argument("--questions", default=str(HERE / "latency_questions.txt"))
    parser.add_argument("--repeat", type=int, default=4)
    parser.add_argument("--query-threads", type=int, help="torch threads to encode a question "
                        "(default: the setting, QA_QUERY_THREADS or 1; 0: torch's default)")
    parser.add_argument("--compare-reader", nargs="?", const="none", metavar="READER",
                        help="also time an answer stage with this reader (default none: without the reader)")
    args = parser.parse_args()
    settings = Settings.from_env(query_threads=args.query_threads)
    if args.compare_reader:
        return compare_readers(args, settings)
    questions = [line.strip() for line in Path(args.questions).read_text().splitlines() if line.strip()]

    started = time.perf_counter()
    assistant = Assistant.open(args.index, settings=settings)
    print(f"Assistant.open: {time.perf_counter() - started:.2f} s; query threads {settings.query_threads}; "
          f"{assistant.status().chunks} chunks; index on disk {disk_megabytes(args.index):.0f} MB; peak RSS {peak_rss_megabytes():.0f} MB")
    assistant.ask(questions[0])  # warm-up: first call pays one-off allocations

    all_times, all_bare, ratios = [], [], []
    stages = {"encode": [], "search": [], "answer": []}
    for repeat in range(args.repeat):
        if repeat % 2 == 0:
            times = timed_asks(assistant, questions, stages)
            bare = timed_bare_encodes(assistant, questions, settings.query_threads)
        else:
            bare = timed_bare_encodes(assistant, questions, settings.query_threads)
            times = timed_asks(assistant, questions, stages)
        all_times += times
        all_bare += bare
        ratios.append(statistics.median(times) / statistics.median(bare))
        print(f"repeat {repeat + 1} ({'ask' if repeat % 2 == 0 else 'bare encode'} first): {len(times)} questions, "
              f"p50 {statistics.median(times):.1f} ms, p95 {percentile(times, 0.95):.1f} ms, "
              f"mean {statistics.mean(times):.1f} ms; bare encode p50 {statistics.median(bare):.1f} ms; "
              f"ratio {ratios[-1]:.2f}")
    print(f"overall: p50 {statistics.median(all_times):.1f} ms, p95 {percentile(all_times, 0.95):.1f} ms; "
          f"peak RSS {peak_rss_megabytes():.0f} MB")
    print(f"baseline: bare encode p50 {statistics.median(all_bare):.1f} ms, p95 {percentile(all_bare, 0.95):.1f} ms; "
          f"ask / bare encode p50, median of repeats: {statistics.median(ratios):.2f}")
    print("stages, p50 / p95 ms: " + ", ".join(
        f"{name} {statistics.median(values):.1f} / {percentile(values, 0.95):.1f}" for name, values in stages.items()))


def compare_readers(args, settings: Settings) -> None:
    """p50/p95 of `ask` with the configured reader and with `args.compare_reader`, alternating rounds."""
    from dataclasses import replace

    questions = [line.strip() for line in Path(args.questions).read_text().splitlines() if line.strip()]
    other = settings.with_values(**{"answer.reader": args.compare_reader})
    assistants = {settings.answer.reader: Assistant.open(args.index, settings=settings),
                  args.compare_reader: Assistant.open(args.index, settings=replace(other))}
    for assistant in assistants.values():
        assistant.ask(questions[0])
    times = {name: [] for name in assistants}
    for repeat in range(args.repeat):
        order = list(assistants) if repeat % 2 == 0 else list(reversed(assistants))
        rounds = {name: timed_asks(assistants[name], questions, {"encode": [], "search": [], "answer": []})
                  for name in order}
        for name, values in rounds.items():
            times[name] += values
        first, second = list(assistants)
        print(f"repeat {repeat + 1} ({order[0]} first): " + "; ".join(
            f"{name} p50 {statistics.median(values):.1f} ms, p95 {percentile(values, 0.95):.1f} ms"
            for name, values in rounds.items())
            + f"; ratio {statistics.median(rounds[first]) / statistics.median(rounds[second]):.2f}")
    for name, values in times.items():
        print(f"overall, reader {name}: p50 {statistics.median(values):.1f} ms, p95 {percentile(values, 0.95):.1f} ms")


if __name__ == "__main__":
    main()
