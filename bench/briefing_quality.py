"""Briefing quality: topic recall and redundancy of talking points and timelines, and their speed.

Usage: python bench/briefing_quality.py --index DIR [--topics FILE] [--k 6] [--limit 20]
                                        [--repeat 5] [--set NAME=VALUE ...] [--baseline]
                                        [--torch-threads N]

For each topic of tests/data/topics.jsonl (one JSON object a line: id, topic,
expected_release_ids, optional filters; an expected entry may list the ids of one release
published twice, any of which counts):
  - topic recall: the share of expected releases cited by the k points (and by the timeline);
  - redundancy: pairs of points whose stored sentence vectors have a cosine at or above
    0.75 / 0.80 / 0.85 / 0.90, pairs with the same words, and pairs sharing half their
    (stemmed, stop-worded) words;
  - filter breaches: points from releases the topic's filters exclude (must be 0);
  - padding: points given for topics the releases do not cover (OFF_TOPICS; should be 0).
`--baseline` also scores plain top-k by relevance (no MMR, no duplicate cut-off) to show
what the diversity-aware selection changes. Timing: `Assistant.talking_points(topic, k)`
end to end (topic encoding included), model loaded and warmed up, `--repeat` rounds over
all topics; prints the median and p90 of single calls, the median of their two parts, and
the load average (the machine may be shared: torch's thread pool then slows encoding a lot;
`--torch-threads 1` shows the cost without that contention).
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import statistics
import time
from dataclasses import fields, replace
from pathlib import Path

import numpy as np

from qa import Assistant, Filters
from qa.index.bm25 import tokenize
from qa.language.aliases import normalise
from qa.briefing.talking_points import TalkingPointsBuilder
from qa.config import TopicSettings
from qa.briefing.timeline import TimelineBuilder

REPO = Path(__file__).resolve().parents[1]
THRESHOLDS = (0.75, 0.80, 0.85, 0.90)
# Topics the releases do not cover: every point given for them is padding.
OFF_TOPICS = ("Mars colonisation programme", "Norway Arctic fisheries fund", "FIFA World Cup final",
              "cryptocurrency mining regulation in Kazakhstan")
WORD_OVERLAP = 0.5  # Jaccard of stemmed word sets: a measure independent of the vectors


def load_topics(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def recall(expected: list, cited: set[str]) -> tuple[int, int]:
    """(expected releases cited, expected releases); an entry listing copies counts once."""
    groups = [entry if isinstance(entry, list) else [entry] for entry in expected]
    return sum(any(release_id in cited for release_id in group) for group in groups), len(groups)


def point_vectors(assistant: Assistant, points) -> np.ndarray:
    return assistant.snapshot.sentence_vector_rows([point.sentence_id for point in points])


def redundancy(assistant: Assistant, points) -> dict[str, int]:
    vectors = point_vectors(assistant, points)
    pairs = list(itertools.combinations(range(len(points)), 2))
    counts = {f">={threshold:.2f}": sum(float(vectors[i] @ vectors[j]) >= threshold for i, j in pairs)
              for threshold in THRESHOLDS}
    counts["same words"] = sum(normalise(points[i].text) == normalise(points[j].text) for i, j in pairs)
    words = [set(tokens) for tokens in tokenize([point.text for point in points])] if points else []
    counts["word overlap"] = sum(len(words[i] & words[j]) / max(1, len(words[i] | words[j])) >= WORD_OVERLAP
                                 for i, j in pairs)
    counts["pairs"] = len(pairs)
    return counts


def evaluate(assistant: Assistant, topics: list[dict], settings: TopicSettings, k: int, limit: int) -> dict:
    builder = TalkingPointsBuilder(assistant.snapshot, assistant.retriever, assistant.analyzer, settings)
    timeline_builder = TimelineBuilder(assistant.snapshot, assistant.retriever, assistant.analyzer, settings)
    totals = {"points": 0, "found": 0, "expected": 0, "timeline found": 0, "breaches": 0, "recalls": [],
              "timeline recalls": [], "redundancy": {}}
    print(f"{'topic':24} {'points':>6} {'sources':>7} {'recall':>7} {'timeline':>9} {'recall':>7} "
          f"{'>=0.85':>6} {'>=0.90':>6}")
    for topic in topics:
        filters = Filters(**topic["filters"]) if topic.get("filters") else None
        vector = assistant.embedder.embed_queries([topic["topic"]])[0]
        briefing = builder.build(topic["topic"], vector, k=k, filters=filters)
        timeline = timeline_builder.build(topic["topic"], vector, filters=filters, limit=limit)
        found, expected = recall(topic["expected_release_ids"], {p.citation.release_id for p in briefing.points})
        timeline_found, _ = recall(topic["expected_release_ids"], {e.citation.release_id for e in timeline.entries})
        pairs = redundancy(assistant, briefing.points)
        breaches = sum(filters is not None and not filters.admits(assistant.snapshot.releases[p.citation.release_id])
                       for p in briefing.points)
        for key, value in pairs.items():
            totals["redundancy"][key] = totals["redundancy"].get(key, 0) + value
        totals["points"] += len(briefing.points)
        totals["found"] += found
        totals["expected"] += expected
        totals["timeline found"] += timeline_found
        totals["breaches"] += breaches
        totals["recalls"].append(found / expected)
        totals["timeline recalls"].append(timeline_found / expected)
        print(f"{topic['id']:24} {len(briefing.points):6d} {len(briefing.sources()):7d} {found:3d}/{expected:<3d} "
              f"{len(timeline.entries):9d} {timeline_found:3d}/{expected:<3d} {pairs['>=0.85']:6d} {pairs['>=0.90']:6d}")
    totals["off-topic points"] = sum(len(builder.build(topic, assistant.embedder.embed_queries([topic])[0], k=k).points)
                                     for topic in OFF_TOPICS)
    return totals


def report(label: str, totals: dict, topics: int) -> None:
    pairs = totals["redundancy"]
    print(f"\n{label}: {totals['points']} points over {topics} topics")
    print(f"  topic recall, points:   macro {statistics.mean(totals['recalls']):.3f}, "
          f"micro {totals['found']}/{totals['expected']} = {totals['found'] / totals['expected']:.3f}")
    print(f"  topic recall, timeline: macro {statistics.mean(totals['timeline recalls']):.3f}, "
          f"micro {totals['timeline found']}/{totals['expected']} = "
          f"{totals['timeline found'] / totals['expected']:.3f}")
    print("  redundant pairs of points: " + ", ".join(
        f"cosine {key} {pairs[key]}" for key in pairs if key.startswith(">=")) +
        f", same words {pairs['same words']}, word overlap >= {WORD_OVERLAP} {pairs['word overlap']} "
        f"(of {pairs['pairs']} pairs)")
    print(f"  points from releases outside the filters: {totals['breaches']}")
    print(f"  points for {len(OFF_TOPICS)} topics the releases do not cover: {totals['off-topic points']}")


def time_points(assistant: Assistant, topics: list[dict], k: int, repeat: int) -> None:
    assistant.talking_points(topics[0]["topic"], k=k)  # warm-up
    times, parts = [], {"embed": [], "select": []}
    for _ in range(repeat):
        for topic in topics:
            filters = Filters(**topic["filters"]) if topic.get("filters") else None
            started = time.perf_counter()
            briefing = assistant.talking_points(topic["topic"], k=k, filters=filters)
            times.append((time.perf_counter() - started) * 1000)
            for part in parts:
                parts[part].append(briefing.timings_ms[part])
    ordered = sorted(times)
    print(f"\ntime to produce {k} points ({len(times)} calls, {repeat} rounds): median "
          f"{statistics.median(times):.0f} ms, p90 {ordered[round(0.9 * (len(ordered) - 1))]:.0f} ms, "
          f"max {ordered[-1]:.0f} ms; median of its parts: encoding the topic "
          f"{statistics.median(parts['embed']):.0f} ms, choosing the points {statistics.median(parts['select']):.0f} ms")
    print(f"load average while timing: {', '.join(f'{load:.2f}' for load in os.getloadavg())} "
          f"on {os.cpu_count()} cores")


def parse_settings(pairs: list[str]) -> TopicSettings:
    settings = TopicSettings()
    types = {field.name: type(getattr(settings, field.name)) for field in fields(settings)}
    for pair in pairs:
        name, _, value = pair.partition("=")
        settings = replace(settings, **{name: types[name](value)})
    return settings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", required=True)
    parser.add_argument("--topics", default=str(REPO / "tests" / "data" / "topics.jsonl"))
    parser.add_argument("--k", type=int, default=6)
    parser.add_argument("--limit", type=int, default=20, help="timeline length")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--set", action="append", default=[], metavar="NAME=VALUE", help="a TopicSettings value")
    parser.add_argument("--baseline", action="store_true", help="also score top-k by relevance alone")
    parser.add_argument("--torch-threads", type=int, help="torch.set_num_threads for encoding (default: torch's)")
    args = parser.parse_args()
    if args.torch_threads:
        import torch

        torch.set_num_threads(args.torch_threads)
    topics = load_topics(Path(args.topics))
    assistant = Assistant.open(args.index)
    settings = parse_settings(args.set)
    print(f"index {args.index}: {len(assistant.snapshot.releases)} releases; {settings}\n")
    report("MMR talking points", evaluate(assistant, topics, settings, args.k, args.limit), len(topics))
    if args.baseline:
        plain = replace(settings, mmr_lambda=1.0, duplicate_similarity=1.01, release_penalty=0.0)
        print("\nbaseline: top-k by relevance")
        report("top-k by relevance", evaluate(assistant, topics, plain, args.k, args.limit), len(topics))
    if args.repeat:
        time_points(assistant, topics, args.k, args.repeat)


if __name__ == "__main__":
    main()
