"""Talking points fit to paste: the share of shown points labelled fit, and topic recall.

Usage: python bench/talking_point_fitness.py --index DIR [--labels FILE] [--k 6] [--set NAME=VALUE ...]
       python bench/talking_point_fitness.py --index DIR --dump OUT.jsonl [--pool 14]

The labels (tests/data/talking_point_labels.jsonl, one JSON object a line: topic, release_id,
char_start, text, fit, reason) say of each candidate point whether a briefer could say it as
it stands: a complete sentence, no capitalised operative-clause fragment ("COMMITTING to ..."),
no trailing ";", no spoken aside or stage direction, no "this"/"these" whose referent is in an
earlier sentence. For each topic of tests/data/topics.jsonl and of EXTRA_TOPICS, the k points
shown are looked up by their words; prints the share of shown points labelled fit (all, and by
whether the label was written before the selector changed or after, `labelled_after`), the
points no label covers, and topic recall over topics.jsonl.
`--dump` writes, for labelling, the points shown plus the `--pool` most relevant candidates.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from briefing_quality import load_topics, parse_settings, recall  # bench/ is on the path
from qa import Assistant, Filters
from qa.briefing.talking_points import TalkingPointsBuilder
from qa.language.aliases import normalise

REPO = Path(__file__).resolve().parents[1]
# Topics beyond topics.jsonl, for points from other releases (no expected releases: fitness only).
EXTRA_TOPICS = ("maritime security cooperation", "climate change", "Indo-Pacific Economic Framework",
                "humanitarian assistance to Ukraine", "South China Sea", "critical and emerging technology",
                "global health security", "nuclear nonproliferation", "clean energy investment",
                "counterterrorism cooperation")


def all_topics(path: Path) -> list[dict]:
    return load_topics(path) + [{"id": topic, "topic": topic, "expected_release_ids": None} for topic in EXTRA_TOPICS]


def load_labels(path: Path) -> dict[str, dict]:
    """Labels by the point's normalised words (a point joined to the sentence before it is another text)."""
    labels = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return {normalise(label["text"]): label for label in labels}


def dump(assistant: Assistant, builder: TalkingPointsBuilder, topics: list[dict], k: int, pool: int, out: Path):
    rows, seen = [], set()
    for topic in topics:
        filters = Filters(**topic["filters"]) if topic.get("filters") else None
        vector = assistant.embedder.embed_queries([topic["topic"]])[0]
        shown = {(p.citation.release_id, p.citation.sentence_start)
                 for p in builder.build(topic["topic"], vector, k=k, filters=filters).points}
        found = builder.finder.find(topic["topic"], vector, filters)
        for rank, item in enumerate(found):
            place = (item.release_id, item.sentence.char_start)
            if (rank < pool or place in shown) and place not in seen:
                seen.add(place)
                rows.append({"topic": topic["id"], "release_id": place[0], "char_start": place[1],
                             "text": item.text, "shown": place in shown, "rank": rank})
    out.write_text("".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows), encoding="utf-8")
    print(f"{len(rows)} candidate points to label written to {out}")


def measure(assistant: Assistant, builder: TalkingPointsBuilder, topics: list[dict], k: int, labels_path: Path,
            unlabelled_out: Path | None = None):
    labels = load_labels(labels_path)
    counts = {"before": [0, 0], "after": [0, 0]}  # [fit, shown] by when the label was written
    unlabelled, found_total, expected_total = [], 0, 0
    for topic in topics:
        filters = Filters(**topic["filters"]) if topic.get("filters") else None
        vector = assistant.embedder.embed_queries([topic["topic"]])[0]
        points = builder.build(topic["topic"], vector, k=k, filters=filters).points
        marks = []
        for point in points:
            label = labels.get(normalise(point.text))
            if label is None:
                unlabelled.append({"topic": topic["id"], "release_id": point.citation.release_id,
                                   "char_start": point.citation.sentence_start, "text": point.text})
                marks.append("?")
                continue
            marks.append("+" if label["fit"] else "-")
            tally = counts["after" if label.get("labelled_after") else "before"]
            tally[0], tally[1] = tally[0] + label["fit"], tally[1] + 1
        if topic["expected_release_ids"]:
            found, expected = recall(topic["expected_release_ids"], {p.citation.release_id for p in points})
            found_total, expected_total = found_total + found, expected_total + expected
        print(f"{topic['id']:34} {''.join(marks)}")
    (fit, shown), (fit_after, shown_after) = counts["before"], counts["after"]
    print(f"\nfit points among those shown: {fit + fit_after}/{shown + shown_after} = "
          f"{(fit + fit_after) / max(1, shown + shown_after):.3f}; labelled before the selector changed "
          f"{fit}/{shown}, after {fit_after}/{shown_after}; {len(unlabelled)} shown points unlabelled")
    if unlabelled_out and unlabelled:
        unlabelled_out.write_text("".join(json.dumps(row, ensure_ascii=False) + "\n" for row in unlabelled),
                                  encoding="utf-8")
        print(f"the unlabelled points written to {unlabelled_out}")
    print(f"topic recall (points, topics.jsonl): {found_total}/{expected_total} = "
          f"{found_total / max(1, expected_total):.3f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", required=True)
    parser.add_argument("--topics", default=str(REPO / "tests" / "data" / "topics.jsonl"))
    parser.add_argument("--labels", default=str(REPO / "tests" / "data" / "talking_point_labels.jsonl"))
    parser.add_argument("--k", type=int, default=6)
    parser.add_argument("--set", action="append", default=[], metavar="NAME=VALUE", help="a TopicSettings value")
    parser.add_argument("--dump", help="write the candidate points to label to this file instead of measuring")
    parser.add_argument("--unlabelled", help="write the shown points no label covers to this file")
    parser.add_argument("--pool", type=int, default=14, help="with --dump: the most relevant candidates per topic")
    args = parser.parse_args()
    assistant = Assistant.open(args.index)
    builder = TalkingPointsBuilder(assistant.snapshot, assistant.retriever, assistant.analyzer,
                                   parse_settings(args.set))
    topics = all_topics(Path(args.topics))
    if args.dump:
        dump(assistant, builder, topics, args.k, args.pool, Path(args.dump))
    else:
        measure(assistant, builder, topics, args.k, Path(args.labels), args.unlabelled and Path(args.unlabelled))


if __name__ == "__main__":
    main()
