"""Query latency of Assistant.ask with the model loaded: p50/p95 over a question file.

Usage: python bench/query_latency.py --index DIR [--questions FILE] [--repeat N]
Prints the start-up time of Assistant.open, then p50/p95/mean per repeat and overall.
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from qa import Assistant

HERE = Path(__file__).resolve().parent


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", required=True)
    parser.add_argument("--questions", default=str(HERE / "latency_questions.txt"))
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    questions = [line.strip() for line in Path(args.questions).read_text().splitlines() if line.strip()]

    started = time.perf_counter()
    assistant = Assistant.open(args.index)
    print(f"Assistant.open: {time.perf_counter() - started:.2f} s")
    assistant.ask(questions[0])  # warm-up: first call pays one-off allocations

    all_times = []
    for repeat in range(args.repeat):
        times = []
        for question in questions:
            started = time.perf_counter()
            assistant.ask(question)
            times.append((time.perf_counter() - started) * 1000)
        all_times += times
        print(f"repeat {repeat + 1}: {len(times)} questions, p50 {statistics.median(times):.1f} ms, "
              f"p95 {percentile(times, 0.95):.1f} ms, mean {statistics.mean(times):.1f} ms")
    print(f"overall: p50 {statistics.median(all_times):.1f} ms, p95 {percentile(all_times, 0.95):.1f} ms")


if __name__ == "__main__":
    main()
