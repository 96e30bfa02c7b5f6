"""Choose the reader's training releases from the Briefing Room archive (run once; output committed).

    python tests/data/reader/select_releases.py ../shared/corpus/whitehouse-briefing-room-2021-2025.jsonl.gz

Takes releases that none of our evaluation sets can use: not among the 751 releases of
tests/data/whitehouse-foreign-affairs-2021-2022.jsonl.gz (by doc_id and by normalised text), nor
among corpus/ (the seed release and the ASEAN Markdown items). Favours the kinds of text a ministry
issues (readouts, joint statements, statements, fact sheets), of a length a writer can read
(1,200-6,000 characters), ordered by sha256(doc_id) so the choice is deterministic. Writes
tests/data/reader/train_releases.jsonl.gz and adds the chosen ids as "train" to
tests/data/release_splits.json.
"""

import argparse
import gzip
import hashlib
import json
import re
from pathlib import Path

DATA = Path(__file__).resolve().parents[1]
REPO = DATA.parents[1]
QUOTA = {"readout": 300, "joint statement": 60, "statement": 280, "fact sheet": 200, "other": 60}
MIN_CHARS, MAX_CHARS = 1200, 6000


def normalised(text: str) -> str:
    return " ".join(re.findall(r"[a-z0-9]+", text.lower()))


def kind(title: str) -> str:
    lowered = title.lower()
    for name in ("joint statement", "readout", "fact sheet", "statement"):
        if name in lowered:
            return name
    return "other"


def evaluation_texts() -> tuple[set[str], set[str]]:
    ids, texts = set(), set()
    with gzip.open(DATA / "whitehouse-foreign-affairs-2021-2022.jsonl.gz", "rt", encoding="utf-8") as lines:
        for line in lines:
            row = json.loads(line)
            ids.add(row["doc_id"])
            texts.add(normalised(row["text"])[:400])
    for path in (REPO / "corpus").rglob("*"):
        if path.is_file() and path.suffix in {".md", ".txt"}:
            body = path.read_text(encoding="utf-8", errors="replace").split("---", 2)[-1]
            texts.add(normalised(body)[:400])
    return ids, texts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("archive", type=Path)
    args = parser.parse_args()
    taken_ids, taken_texts = evaluation_texts()
    by_kind: dict[str, list[dict]] = {name: [] for name in QUOTA}
    seen = set(taken_texts)
    with gzip.open(args.archive, "rt", encoding="utf-8") as lines:
        rows = [json.loads(line) for line in lines]
    rows.sort(key=lambda row: hashlib.sha256(row["doc_id"].encode()).hexdigest())
    for row in rows:
        if row["doc_id"] in taken_ids or row["doc_id"].startswith(("speeches-remarks/", "press-briefings/")):
            continue
        if not MIN_CHARS <= len(row["text"]) <= MAX_CHARS:
            continue
        key = normalised(row["text"])[:400]
        if key in seen:
            continue
        name = kind(row["title"])
        if len(by_kind[name]) < QUOTA[name]:
            seen.add(key)
            by_kind[name].append(row)
    chosen = sorted((row for rows_ in by_kind.values() for row in rows_), key=lambda row: row["doc_id"])
    out = DATA / "reader" / "train_releases.jsonl.gz"
    with gzip.GzipFile(out, "wb", mtime=0) as raw:
        for row in chosen:
            raw.write((json.dumps(row, ensure_ascii=False) + "\n").encode("utf-8"))
    splits_path = DATA / "release_splits.json"
    splits = json.loads(splits_path.read_text())
    splits["splits"] = {k: v for k, v in splits["splits"].items() if v != "train"}
    splits["splits"].update({row["doc_id"]: "train" for row in chosen})
    splits["about"] = splits["about"].split(" Releases marked 'train'")[0] + (
        " Releases marked 'train' are the reader's training releases (tests/data/reader/train_releases.jsonl.gz),"
        " taken from the Briefing Room archive, none among the 751 (by id or text): no evaluation set uses them.")
    splits_path.write_text(json.dumps(splits, indent=1, ensure_ascii=False) + "\n")
    print({name: len(rows_) for name, rows_ in by_kind.items()}, "->", out)


if __name__ == "__main__":
    main()
