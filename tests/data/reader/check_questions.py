"""Checks the reader's training questions against their releases (stdlib only; the test suite runs it too).

    python3 tests/data/reader/check_questions.py tests/data/reader/questions/*.jsonl

Every answerable question's keys must be found in one of its evidence sentences, and every
evidence sentence in its release (both after `plain()`: Markdown marks and wrapping removed,
quotes and dashes straightened, case folded). Unanswerable questions name the release they were
written next to (`near_doc_ids`) and, as evidence, the sentence they are close to. No question
may use a release that is not a training release. Prints one line per problem and exits 1 if
there is any.
"""

from __future__ import annotations

import gzip
import json
import re
import sys
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
RELEASES = HERE / "train_releases.jsonl.gz"
SPLITS = HERE.parent / "release_splits.json"
KINDS = {"who", "when", "where", "what", "list", "number", "unanswerable"}
STYLES = {"synonym", "indirect", "relative-date", "venue", "share", "list", "near-miss"}
FIELDS = {"id", "question", "answers", "match", "gold_doc_ids", "kind", "paraphrased", "style", "evidence",
          "near_doc_ids"}


def plain(text: str) -> str:
    """The text as compared: no Markdown emphasis or escapes, straight quotes and dashes, one space, folded."""
    text = re.sub(r"<!--.*?-->", " ", text, flags=re.DOTALL)
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", text)  # Markdown links: their text only
    text = re.sub(r"(?m)^[ \t]*[-+][ \t]+", " ", text)  # list bullets
    text = text.replace("\\", "").replace("*", "").replace("\u00a0", " ")
    text = text.replace("\u2019", "'").replace("\u2018", "'").replace("\u201c", '"').replace("\u201d", '"')
    text = re.sub(r"[\u2010-\u2015]", "-", text)
    return re.sub(r"\s+", " ", text).strip().casefold()


def load_releases(path: Path = RELEASES) -> dict[str, dict]:
    with gzip.open(path, "rt", encoding="utf-8") as lines:
        return {row["doc_id"]: row for row in map(json.loads, lines)}


def problems(question: dict, releases: dict[str, dict], train_ids: set[str]) -> list[str]:
    found = []
    missing = {"id", "question", "answers", "match", "gold_doc_ids", "kind", "style", "evidence"} - set(question)
    if missing or set(question) - FIELDS:
        return [f"missing fields {sorted(missing)}, unknown fields {sorted(set(question) - FIELDS)}"]
    if question["kind"] not in KINDS or question["style"] not in STYLES or question["match"] not in ("any", "all"):
        found.append(f"kind {question['kind']!r}, style {question['style']!r} or match {question['match']!r} unknown")
    answerable = question["kind"] != "unanswerable"
    docs = question["gold_doc_ids"] if answerable else question.get("near_doc_ids", [])
    if answerable != bool(question["answers"]) or answerable != bool(question["gold_doc_ids"]):
        found.append("answerable questions, and only they, have answers and gold_doc_ids")
    if not answerable and (question["style"] != "near-miss" or not docs):
        found.append("an unanswerable question is a near-miss naming its release in near_doc_ids")
    if not docs or not question["evidence"]:
        return found + ["no release or no evidence sentence"]
    for doc_id in docs:
        if doc_id not in train_ids or doc_id not in releases:
            found.append(f"{doc_id} is not a training release")
    texts = [plain(releases[d]["text"]) for d in docs if d in releases]
    for sentence in question["evidence"]:
        if not any(plain(sentence) in text for text in texts):
            found.append(f"evidence not in the release: {sentence[:80]!r}")
    for key in question["answers"]:
        if not any(plain(key) in plain(sentence) for sentence in question["evidence"]):
            found.append(f"key {key!r} not in its evidence")
    return found


def main(paths: list[str]) -> int:
    releases = load_releases()
    splits = json.loads(SPLITS.read_text())["splits"]
    train_ids = {doc_id for doc_id, split in splits.items() if split == "train"}
    bad, seen, kinds, styles = 0, set(), Counter(), Counter()
    for path in paths:
        for number, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), start=1):
            if not line.strip():
                continue
            try:
                question = json.loads(line)
            except json.JSONDecodeError as error:
                print(f"{path}:{number}: not JSON ({error.msg})")
                bad += 1
                continue
            issues = problems(question, releases, train_ids)
            if question.get("id") in seen:
                issues.append(f"id {question.get('id')!r} used twice")
            seen.add(question.get("id"))
            kinds[question.get("kind")] += 1
            styles[question.get("style")] += 1
            for issue in issues:
                print(f"{path}:{number}: {question.get('id')}: {issue}")
            bad += bool(issues)
    print(f"{len(seen)} questions, {bad} with problems; kinds {dict(kinds)}; styles {dict(styles)}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
