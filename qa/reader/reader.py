"""The reader at question time: scores candidate sentences and finds the short answer in them.

Loads the shipped weights (qa/data/reader/) offline, quantises the encoder's linear layers to int8
(torch dynamic quantisation), and scores all candidates of a question in one batch.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from qa.errors import ConfigurationError
from qa.reader.inputs import InputBuilder, Passage, ReaderLimits

READER_DIR = Path(__file__).parents[1] / "data" / "reader"
MAX_SPAN_TOKENS = 16


@dataclass(frozen=True)
class ReaderScore:
    """What the reader says of one candidate sentence."""

    answer_probability: float
    answer_logit: float
    span: tuple[int, int] | None  # characters of the sentence, best start and end
    span_probability: float  # P(start) x P(end) of that span, among the sentence's tokens


class Reader:
    """The trained reader.

    Example:
        reader = Reader.load()
        scores = reader.score("Who co-chaired the meeting?", [Passage("... co-chaired by Retno Marsudi ...")])
    """

    def __init__(self, network, config: dict, tokenizer, quantise: bool = True, threads: int | None = None):
        import torch

        if threads:
            torch.set_num_threads(threads)
        if quantise:
            network = torch.ao.quantization.quantize_dynamic(network, {torch.nn.Linear}, dtype=torch.qint8)
        self.network = network
        self.config = config
        limits = config.get("record", {}).get("limits")
        self.builder = InputBuilder(tokenizer, ReaderLimits(**limits) if limits else ReaderLimits())

    @classmethod
    def load(cls, folder: str | Path | None = None, quantise: bool = True) -> "Reader":
        import warnings

        from qa.reader.network import CONFIG_FILE, ReaderNetwork, load_tokenizer

        folder = Path(folder) if folder else READER_DIR
        if not (folder / CONFIG_FILE).is_file():
            raise ConfigurationError(f"the reader {str(folder)!r} is missing; train it with qa train-reader")
        network, config = ReaderNetwork.load(folder)
        with warnings.catch_warnings():  # torch's notice that eager quantisation moves to torchao
            warnings.simplefilter("ignore")
            return cls(network, config, load_tokenizer(), quantise)

    def score(self, question: str, passages: list[Passage]) -> list[ReaderScore]:
        import torch

        if not passages:
            return []
        items = [self.builder.build(question, passage) for passage in passages]
        arrays = self.builder.batch(items)
        with torch.inference_mode():
            answer, start, end = self.network(**{name: torch.from_numpy(a) for name, a in arrays.items()})
        answer, start, end = answer.numpy(), start.float().numpy(), end.float().numpy()
        scores = []
        for row, item in enumerate(items):
            first, count = item.sentence_first, len(item.sentence_offsets)
            span, probability = best_span(start[row, first:first + count], end[row, first:first + count])
            chars = (item.sentence_offsets[span[0]][0], item.sentence_offsets[span[1]][1]) if span else None
            scores.append(ReaderScore(float(1 / (1 + np.exp(-answer[row]))), float(answer[row]), chars, probability))
        return scores


def best_span(start_logits: np.ndarray, end_logits: np.ndarray) -> tuple[tuple[int, int] | None, float]:
    """The (start, end) token pair with the highest P(start) x P(end), end within MAX_SPAN_TOKENS."""
    if len(start_logits) == 0:
        return None, 0.0
    starts, ends = _softmax(start_logits), _softmax(end_logits)
    joint = np.triu(np.outer(starts, ends))
    joint = np.tril(joint, MAX_SPAN_TOKENS - 1)
    first, last = np.unravel_index(int(np.argmax(joint)), joint.shape)
    return (int(first), int(last)), float(joint[first, last])


def _softmax(values: np.ndarray) -> np.ndarray:
    exponentials = np.exp(values - values.max())
    return exponentials / exponentials.sum()
