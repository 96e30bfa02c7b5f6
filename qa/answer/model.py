"""The fitted answer model: logistic regressions read from a small JSON file, applied with numpy.

Five parts, each fitted on the dev set by `qa train-answerer` (`qa/training.py`):
- question kinds: P(who | when | where | number | list | what) from the question's vector (the
  embedding model's, already computed for retrieval) and the words it asks with (`question_form`),
  fitted on the kinds the dev set labels;
- list: P(the question asks for several names) from the same inputs;
- sentence: P(this sentence answers) from `answer_features.FEATURES`, and the share of the best
  sentence's probability from which the next best of the same release is quoted too;
- answerable: P(the best sentence answers) from what the best few sentences look like, with the
  threshold under which the answer is "not found", chosen by cross-validation;
- span: P(this entity of the chosen sentence is the short answer), with the threshold under
  which no short answer is shown, chosen by cross-validation for precision.

Example:
    model = AnswerModel.load()                 # qa/data/answer_model.json
    types = model.question_types(query_vector, question)  # {"who": 0.91, ...}
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from qa.errors import ConfigurationError

MODEL_FILE = Path(__file__).parents[1] / "data" / "answer_model.json"
QUESTION_CLASSES = ("who", "when", "where", "number", "list", "what")  # the dev set's kinds of answerable question
ENTITY_TYPES = ("person", "org", "place", "date", "money", "percent", "number")
# What the answerable part reads: how sure the sentence part is of the best sentences, and what of
# the question the best evidence lacks. Not the raw similarity or word overlap of the best
# sentence: they measure how long and specific a question is (the dev set's are long), added
# nothing out of fold, and refused short questions such as "Who co-chaired the meeting?".
ANSWERABLE_FEATURES = ("best", "margin", "second", "best_year_mismatch", "best_missing_idf_passage",
                       "best_missing_idf_release", "best_names_missing_passage", "best_names_missing_release",
                       "least_names_missing")
# The words a question asks with, anywhere in it and as its first word: inputs of the kind and
# list parts beside the question's vector (whose meaning of "when" or "how many" is blurred).
FORM_WORDS = ("who", "whom", "whose", "when", "where", "which", "what", "how many", "how much", "how long",
              "how old", "how", "list", "name", "date", "day", "year", "amount", "percent", "share", "country",
              "city")
FIRST_WORDS = ("who", "when", "where", "which", "what", "how", "in", "on", "at", "by", "name", "list", "did",
               "is", "was")
SPAN_FEATURES = ("type_probability", *(f"span_{name}" for name in ENTITY_TYPES), "distance",
                 "first_of_type", "words", "position")


@dataclass(frozen=True)
class Logistic:
    """A fitted logistic regression on standardised inputs (binary, or one row per class)."""

    mean: np.ndarray
    scale: np.ndarray
    coef: np.ndarray  # (features,) or (classes, features)
    intercept: np.ndarray  # () or (classes,)

    @classmethod
    def from_dict(cls, data: dict) -> "Logistic":
        mean, scale, coef, intercept = (np.asarray(data[name], dtype=np.float64)
                                        for name in ("mean", "scale", "coef", "intercept"))
        return cls(mean, np.where(scale > 0, scale, 1.0), coef, intercept)

    def to_dict(self) -> dict:
        """Ten significant digits: the file stays small and reads back to the same decisions."""
        return {name: _significant(getattr(self, name)) for name in ("mean", "scale", "coef", "intercept")}

    def logits(self, rows: np.ndarray) -> np.ndarray:
        standard = (np.atleast_2d(rows) - self.mean) / self.scale
        return standard @ self.coef.T + self.intercept

    def probability(self, rows: np.ndarray) -> np.ndarray:
        """P(positive) per row (binary)."""
        return 1.0 / (1.0 + np.exp(-np.clip(self.logits(rows).reshape(-1), -500, 500)))

    def class_probabilities(self, rows: np.ndarray) -> np.ndarray:
        """Softmax over classes per row (multinomial)."""
        logits = self.logits(rows)
        logits -= logits.max(axis=1, keepdims=True)
        exponentials = np.exp(logits)
        return exponentials / exponentials.sum(axis=1, keepdims=True)


@dataclass(frozen=True)
class AnswerModel:
    """The five fitted parts and the two thresholds; see the module docstring."""

    question_type: Logistic
    list_question: Logistic
    sentence: Logistic
    answerable: Logistic
    span: Logistic
    answer_threshold: float  # below it: "The releases don't say."
    span_threshold: float  # below it: no short answer, the sentence alone
    list_threshold: float = 0.5
    second_ratio: float = 1.0  # quote the release's next best sentence too from this share of the best's probability
    about: dict | None = None  # what it was fitted on, and its cross-validated figures

    @classmethod
    def load(cls, path: str | Path | None = None) -> "AnswerModel":
        path = Path(path) if path else MODEL_FILE
        try:
            data = json.loads(path.read_text())
        except FileNotFoundError:
            raise ConfigurationError(f"the answer model {str(path)!r} is missing; rebuild it with "
                                     "qa train-answerer") from None
        except ValueError as error:
            raise ConfigurationError(f"the answer model {str(path)!r} is not valid JSON ({error})") from None
        return cls.from_dict(data)

    @classmethod
    def load_if_present(cls, path: str | Path | None = None) -> "AnswerModel | None":
        """The model, or None when its file is missing (an index can still be opened to train one)."""
        return cls.load(path) if (Path(path) if path else MODEL_FILE).is_file() else None

    @classmethod
    def from_dict(cls, data: dict) -> "AnswerModel":
        parts = {name: Logistic.from_dict(data[name])
                 for name in ("question_type", "list_question", "sentence", "answerable", "span")}
        return cls(**parts, answer_threshold=float(data["answer_threshold"]),
                   span_threshold=float(data["span_threshold"]), list_threshold=float(data.get("list_threshold", 0.5)),
                   second_ratio=float(data.get("second_ratio", 1.0)),
                   about=data.get("about"))

    def to_dict(self) -> dict:
        parts = {name: getattr(self, name).to_dict()
                 for name in ("question_type", "list_question", "sentence", "answerable", "span")}
        return {**parts, "answer_threshold": round(self.answer_threshold, 6),
                "span_threshold": round(self.span_threshold, 6), "list_threshold": round(self.list_threshold, 6),
                "second_ratio": round(self.second_ratio, 6),
                "about": self.about}

    def question_types(self, query_vector: np.ndarray, question: str) -> dict[str, float]:
        probabilities = self.question_type.class_probabilities(question_inputs(query_vector, question))[0]
        return dict(zip(QUESTION_CLASSES, probabilities.tolist()))

    def is_list_question(self, query_vector: np.ndarray, question: str) -> bool:
        probability = self.list_question.probability(question_inputs(query_vector, question))[0]
        return float(probability) >= self.list_threshold


def question_form(question: str) -> np.ndarray:
    """Which of FORM_WORDS the question holds, and which of FIRST_WORDS it starts with (0 or 1 each)."""
    lowered = question.lower()
    words = re.findall(r"\w+", lowered)
    first = words[0] if words else ""
    return np.asarray([float(re.search(rf"\b{word}\b", lowered) is not None) for word in FORM_WORDS]
                      + [float(first == word) for word in FIRST_WORDS], dtype=np.float64)


def question_inputs(query_vector: np.ndarray, question: str) -> np.ndarray:
    """What the kind and list parts read: the question's vector and its `question_form`."""
    return np.concatenate([np.asarray(query_vector, dtype=np.float64).reshape(-1), question_form(question)])


def answerable_features(probabilities: np.ndarray, candidates) -> np.ndarray:
    """What the answerable part reads (ANSWERABLE_FEATURES; candidates sorted best first)."""
    best = candidates[0].features
    second = float(probabilities[1]) if len(probabilities) > 1 else 0.0
    values = {"best": logit(probabilities[0]), "margin": logit(probabilities[0]) - logit(second),
              "second": logit(second), "best_year_mismatch": best["year_mismatch"],
              "least_names_missing": min(c.features["names_missing_release"] for c in candidates),
              **{f"best_{name}": best[name] for name in ("missing_idf_passage", "missing_idf_release",
                                                          "names_missing_passage", "names_missing_release")}}
    return np.asarray([values[name] for name in ANSWERABLE_FEATURES], dtype=np.float64)


def _significant(values: np.ndarray):
    rounded = np.vectorize(lambda value: float(f"{value:.10g}"))(np.asarray(values, dtype=np.float64))
    return rounded.tolist()


def logit(probability: float) -> float:
    """log(p / (1 - p)), with p kept inside [1e-6, 1 - 1e-6]."""
    probability = min(max(float(probability), 1e-6), 1 - 1e-6)
    return float(np.log(probability / (1 - probability)))
