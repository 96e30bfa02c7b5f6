"""How the answer stage decides with the reader: which sentences it reads, how it ranks them, when
it says "not found", when it shows a short answer. Fitted on the dev set by `qa fit-reader`.

The reader reads the `candidates` sentences the fitted stage ranks best. A sentence's score is the
reader's answer logit plus `fitted_weight` times the fitted stage's logit; the best sentence
answers when its score reaches `answer_threshold`; the next best of its release is quoted too
when its reader probability is at least `second_ratio` of the best's; the reader's span is the
short answer when P(start) x P(end) reaches `span_threshold`. Each value is the one that gives the
most right answers over all dev questions (the span threshold: the lowest whose short answers
hold the key at least `SPAN_PRECISION` of the time). The test split never chooses anything.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

from qa.answer.model import logit

DECISION_FILE = "decision.json"
SPAN_PRECISION = 0.92


@dataclass(frozen=True)
class ReaderDecision:
    candidates: int = 8
    fitted_weight: float = 0.0
    answer_threshold: float = 0.0  # on the score (a logit)
    second_ratio: float = 1.01  # above 1: never a second sentence
    span_threshold: float = 0.5
    figures: dict = field(default_factory=dict)  # what the fit measured on the dev set

    @classmethod
    def load(cls, folder: Path) -> "ReaderDecision | None":
        path = folder / DECISION_FILE
        return cls(**json.loads(path.read_text())) if path.is_file() else None

    def save(self, folder: Path) -> None:
        (folder / DECISION_FILE).write_text(json.dumps(asdict(self), indent=1, sort_keys=True) + "\n")

    def score(self, reader_logit: float, fitted_probability: float) -> float:
        return reader_logit + self.fitted_weight * logit(fitted_probability)
