"""Training pairs for the reader: each training question against the sentences our own stages put
before the answer stage (hard negatives), labelled from the question's key and evidence.

For every question the collector asks the training index as `Assistant.ask_with_trace` does and
takes the `candidates` best-ranked sentences of the retrieved passages, plus a few other sentences
of the question's release. A sentence of that release holding a key and the question's evidence is
a positive, with the key's characters as its span; a sentence holding a key elsewhere is left out
(it may answer too); every other sentence is a negative, and every sentence of an unanswerable
question's release, the one it was written next to first among them.
"""

from __future__ import annotations

import json
import random
import re
from dataclasses import dataclass
from pathlib import Path

from tqdm import tqdm

from qa.errors import QAError
from qa.language.aliases import normalise
from qa.reader.inputs import Passage, passage_of

QUESTIONS_DIR = Path(__file__).parents[2] / "tests" / "data" / "reader" / "questions"


@dataclass(frozen=True)
class TrainingQuestion:
    """A question of the training set (tests/data/reader/questions/*.jsonl)."""

    question_id: str
    question: str
    answers: tuple[str, ...]
    match: str
    release_id: str  # the release it is about (gold) or was written next to (near-miss)
    evidence: tuple[str, ...]
    style: str

    @property
    def answerable(self) -> bool:
        return bool(self.answers)


@dataclass(frozen=True)
class TrainingPair:
    """One (question, sentence) pair with its labels."""

    question_id: str
    question: str
    passage: Passage
    answers: bool  # does the sentence answer the question?
    span: tuple[int, int] | None  # characters of the key in the sentence, when it answers


def load_training_questions(folder: Path = QUESTIONS_DIR) -> list[TrainingQuestion]:
    """Every question of the training files, in id order."""
    questions = []
    for path in sorted(folder.glob("*.jsonl")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
                release = (row["gold_doc_ids"] or row.get("near_doc_ids") or [""])[0]
                questions.append(TrainingQuestion(row["id"], row["question"], tuple(row["answers"]), row["match"],
                                                  release, tuple(row["evidence"]), row["style"]))
            except (ValueError, KeyError, TypeError) as error:
                raise QAError(f"{path}:{number}: not a training question ({error})") from None
    if not questions:
        raise QAError(f"no training questions in {str(folder)!r}")
    return sorted(questions, key=lambda question: question.question_id)


def key_span(sentence: str, keys: tuple[str, ...]) -> tuple[int, int] | None:
    """Characters of the keys found in `sentence`: from the first found to the end of the last."""
    found = [match.span() for key in keys if (match := _key_pattern(key).search(sentence))]
    if not found:
        return None
    return min(start for start, _ in found), max(end for _, end in found)


def _key_pattern(key: str) -> re.Pattern:
    variants = {"'": "['\u2018\u2019]", "\u2019": "['\u2018\u2019]", "-": "[-\u2010-\u2015]"}
    parts = ["".join(variants.get(char, re.escape(char)) for char in part) for part in key.split()]
    return re.compile(r"\s+".join(parts), re.IGNORECASE)


def _overlaps(sentence: str, evidence: tuple[str, ...]) -> bool:
    """True when the sentence is (part of) an evidence sentence, or holds one."""
    plain = _plain(sentence)
    shortest = 20  # a fragment such as "Today." is part of many sentences
    return any((len(plain) >= shortest and plain in _plain(text)) or (len(_plain(text)) >= shortest and
                                                                      _plain(text) in plain) for text in evidence)


def _plain(text: str) -> str:
    return normalise(re.sub(r"[*\\]", "", text)).strip(" .")


class ExampleCollector:
    """Pairs for training questions over an index of the training releases.

    Example:
        pairs = ExampleCollector(Assistant.open("/tmp/train_index")).collect(load_training_questions())
    """

    def __init__(self, assistant, candidates: int = 8, release_negatives: int = 2, seed: int = 13):
        self.assistant = assistant
        self.candidates = candidates
        self.release_negatives = release_negatives
        self.random = random.Random(seed)

    def collect(self, questions: list[TrainingQuestion], progress: bool = True) -> list[TrainingPair]:
        pairs = []
        for question in tqdm(questions, desc="collecting reader pairs", unit="question", disable=not progress):
            pairs += self.pairs(question)
        return pairs

    def pairs(self, question: TrainingQuestion) -> list[TrainingPair]:
        snapshot = self.assistant.snapshot
        _, trace = self.assistant.ask_with_trace(question.question)
        chosen = {(c.hit.release_id, c.sentence.char_start): c.sentence for c in trace.candidates[:self.candidates]}
        own = snapshot.release_sentences(question.release_id) if question.release_id in snapshot.releases else []
        text = snapshot.release_text(question.release_id) if own else ""
        marked = [s for s in own if _overlaps(text[s.char_start:s.char_end], question.evidence)]
        others = [s for s in own if s not in marked and (question.release_id, s.char_start) not in chosen]
        for sentence in marked + self.random.sample(others, min(self.release_negatives, len(others))):
            chosen.setdefault((question.release_id, sentence.char_start), sentence)
        pairs = []
        for (release_id, _), sentence in chosen.items():
            passage = passage_of(snapshot, release_id, sentence)
            label = self._label(question, release_id, passage.sentence)
            if label is not None:
                pairs.append(TrainingPair(question.question_id, question.question, passage, *label))
        return pairs

    @staticmethod
    def _label(question: TrainingQuestion, release_id: str, sentence: str) -> tuple[bool, tuple | None] | None:
        if not question.answerable:
            return False, None
        span = key_span(sentence, question.answers)
        if span is None:
            return False, None
        if release_id == question.release_id and _overlaps(sentence, question.evidence):
            return True, span
        return None  # holds a key outside the evidence: it may answer too, so it teaches nothing sure
