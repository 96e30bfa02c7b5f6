"""Trains the reader on the training questions: `qa train-reader --index TRAIN_INDEX`.

The pairs come from `ExampleCollector` over an index of the training releases
(tests/data/reader/train_releases.jsonl.gz). Loss: binary cross-entropy of the answer head on
every pair, plus the cross-entropy of the answering sentence among its question's sentences
(listwise: a batch holds whole questions), plus the span head's cross-entropy of the key's first
and last token on the pairs that answer (SQuAD-style; the span head never sees a sentence that
does not answer). AdamW with
a linear warm-up and decay; questions in a seeded order, so two runs on the same
machine give the same model. The weights are written as float16 with the config and the model
card (`card.py`); the answer stage's thresholds are fitted afterwards on the dev set.
"""

from __future__ import annotations

import hashlib
import math
import random
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import torch
from tqdm import tqdm

from qa.index.embedder import resolve_precision
from qa.reader.card import current_commit
from qa.reader.examples import ExampleCollector, TrainingPair, TrainingQuestion
from qa.reader.inputs import InputBuilder, ReaderInput, ReaderLimits, token_span
from qa.reader.network import ReaderNetwork, load_tokenizer


@dataclass(frozen=True)
class TrainingSettings:
    """How the reader is trained (defaults: what the shipped model was trained with)."""

    epochs: int = 3
    batch_size: int = 32
    learning_rate: float = 8e-5
    warmup: float = 0.06
    weight_decay: float = 0.01
    span_weight: float = 0.5
    listwise_weight: float = 1.0  # the answering sentence against its question's other sentences
    layers: int = 6
    candidates: int = 8  # best-ranked candidate sentences a question is paired with
    release_negatives: int = 2  # other sentences of its release
    share: float = 1.0  # of the training questions (the learning curve trains on 0.25 and 0.5)
    seed: int = 13
    threads: int = 2
    # "auto": the forward pass in bfloat16 autocast where the CPU runs it natively (AMX, AVX512-BF16;
    # 1.7x faster a batch on an AMX Xeon), float32 elsewhere; the weights stay float32 either way.
    precision: str = "auto"


@dataclass
class Encoded:
    """A training pair as the network reads it."""

    item: ReaderInput
    label: float
    start: int  # token positions of the span; 0 (no span) when the pair does not answer
    end: int
    question: str = ""  # the question's id: a batch holds whole questions, for the listwise loss


def questions_share(questions: list[TrainingQuestion], share: float, seed: int) -> list[TrainingQuestion]:
    """The first `share` of the questions in a seeded order (each smaller share inside the larger)."""
    order = sorted(questions, key=lambda q: hashlib.sha256(f"{seed}:{q.question_id}".encode()).hexdigest())
    return order[:max(1, round(len(order) * share))]


class ReaderTrainer:
    """Collects pairs over a training index and trains the reader network.

    Example:
        network, record = ReaderTrainer(Assistant.open("/tmp/train_index")).train(load_training_questions())
    """

    def __init__(self, assistant, settings: TrainingSettings | None = None, limits: ReaderLimits | None = None,
                 progress: bool = True, network_factory=None):
        self.assistant = assistant
        self.network_factory = network_factory or ReaderNetwork.from_base  # tests give a tiny one
        self.settings = settings or TrainingSettings()
        self.limits = limits or ReaderLimits()
        self.progress = progress
        self.builder = InputBuilder(load_tokenizer(), self.limits)
        self.autocast = resolve_precision(self.settings.precision) == "bfloat16"

    def train(self, questions: list[TrainingQuestion]) -> tuple[ReaderNetwork, dict]:
        settings = self.settings
        commit = current_commit()  # the code that trains, even if the tree moves on meanwhile
        _seed_everything(settings.seed, settings.threads)
        chosen = questions_share(questions, settings.share, settings.seed)
        collector = ExampleCollector(self.assistant, settings.candidates, settings.release_negatives, settings.seed)
        pairs = collector.collect(chosen, progress=self.progress)
        encoded = [self.encode(pair) for pair in pairs]
        network = self.network_factory(settings.layers)
        network.encoder.embeddings.word_embeddings.weight.requires_grad_(False)  # 12M of 22M weights: kept as packaged
        started = time.perf_counter()
        losses = self._fit(network, encoded)
        record = {"commit": commit, "training": asdict(settings), "limits": asdict(self.limits), "questions": len(chosen),
                  "answerable": sum(q.answerable for q in chosen), "pairs": len(encoded),
                  "positive_pairs": int(sum(e.label for e in encoded)),
                  "minutes": round((time.perf_counter() - started) / 60, 1), "last_losses": losses[-5:]}
        return network.eval(), record

    def encode(self, pair: TrainingPair) -> Encoded:
        item = self.builder.build(pair.question, pair.passage)
        span = token_span(item, *pair.span) if pair.answers and pair.span else None
        return Encoded(item, 1.0 if pair.answers else 0.0, *(span or (0, 0)), pair.question_id)

    def _fit(self, network: ReaderNetwork, encoded: list[Encoded]) -> list[float]:
        settings = self.settings
        batches = _question_batches(encoded, settings.batch_size, settings.epochs, settings.seed)
        optimizer = torch.optim.AdamW([p for p in network.parameters() if p.requires_grad], lr=settings.learning_rate,
                                      weight_decay=settings.weight_decay)
        warmup = max(1, int(len(batches) * settings.warmup))
        schedule = torch.optim.lr_scheduler.LambdaLR(
            optimizer, lambda step: min((step + 1) / warmup, max(0.0, (len(batches) - step) / (len(batches) - warmup))))
        network.train()
        losses, bar = [], tqdm(batches, desc="training the reader", unit="batch", disable=not self.progress)
        for batch in bar:
            loss = self._loss(network, batch)
            optimizer.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(network.parameters(), 1.0)
            optimizer.step()
            schedule.step()
            losses.append(round(loss.item(), 4))
            bar.set_postfix(loss=f"{np.mean(losses[-50:]):.3f}")
        return losses

    def _loss(self, network: ReaderNetwork, batch: list[Encoded]) -> torch.Tensor:
        # Shapes rounded up (rows to 8, tokens to 16): a few dozen distinct shapes, not hundreds,
        # each of which the CPU kernels would otherwise keep memory for (RSS grew 11 MB a batch).
        longest = max(len(e.item.input_ids) for e in batch)
        arrays = self.builder.batch([e.item for e in batch], rows=-(-len(batch) // 8) * 8, width=-(-longest // 16) * 16)
        tensors = {name: torch.from_numpy(array) for name, array in arrays.items()}
        with torch.autocast("cpu", dtype=torch.bfloat16, enabled=self.autocast):
            answer, start, end = (output[:len(batch)].float() for output in network(**tensors))
        labels = torch.tensor([e.label for e in batch])
        loss = torch.nn.functional.binary_cross_entropy_with_logits(answer, labels)
        spanned = [i for i, e in enumerate(batch) if e.label and e.end >= e.start > 0]
        if spanned:
            rows = torch.tensor(spanned)
            starts = torch.tensor([batch[i].start for i in spanned])
            ends = torch.tensor([batch[i].end for i in spanned])
            span_loss = (torch.nn.functional.cross_entropy(start[rows], starts)
                         + torch.nn.functional.cross_entropy(end[rows], ends)) / 2
            loss = loss + self.settings.span_weight * span_loss
        return loss + self.settings.listwise_weight * _listwise_loss(answer, batch)


def _listwise_loss(answer: torch.Tensor, batch: list[Encoded]) -> torch.Tensor:
    """Cross-entropy of the answering sentence among its question's sentences (questions with one)."""
    groups: dict[str, list[int]] = {}
    for index, encoded in enumerate(batch):
        groups.setdefault(encoded.question, []).append(index)
    losses = []
    for rows in groups.values():
        positives = [i for i, row in enumerate(rows) if batch[row].label]
        if positives and len(rows) > 1:
            logits = answer[torch.tensor(rows)]
            losses.append(torch.logsumexp(logits, 0) - torch.logsumexp(logits[torch.tensor(positives)], 0))
    return torch.stack(losses).mean() if losses else answer.sum() * 0.0


def _question_batches(encoded: list[Encoded], size: int, epochs: int, seed: int) -> list[list[Encoded]]:
    """Each epoch: questions shuffled, their pairs kept together, packed into batches of about `size` pairs."""
    groups: dict[str, list[Encoded]] = {}
    for item in encoded:
        groups.setdefault(item.question, []).append(item)
    generator = random.Random(seed)
    batches = []
    longest = {question: max(len(e.item.input_ids) for e in items) for question, items in groups.items()}
    for _ in range(epochs):
        order, epoch = sorted(groups), []
        generator.shuffle(order)
        for first in range(0, len(order), 200):  # questions of like lengths together: less padding
            batch: list[Encoded] = []
            for question in sorted(order[first:first + 200], key=longest.get):
                batch += groups[question]
                if len(batch) >= size:
                    epoch.append(batch)
                    batch = []
            if batch:
                epoch.append(batch)
        generator.shuffle(epoch)
        batches += epoch
    return batches


def _seed_everything(seed: int, threads: int) -> None:
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    torch.set_num_threads(threads)
    torch.use_deterministic_algorithms(True, warn_only=True)


def steps(pairs: int, settings: TrainingSettings) -> int:
    return math.ceil(pairs / settings.batch_size) * settings.epochs
