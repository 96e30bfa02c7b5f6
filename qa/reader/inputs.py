"""What the reader reads: `[CLS] question [SEP] sentence [SEP] title · neighbours [SEP]`, as token ids.

The candidate sentence comes first after the question, whole (up to `max_sentence_tokens`), so the
span head can point into it; the release's title and the sentences around it follow as context,
cut first when the input is too long. Token offsets map a span back to characters of the sentence.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class ReaderLimits:
    """Token budgets of one input (question, sentence, context) and of the whole."""

    max_question_tokens: int = 40
    max_sentence_tokens: int = 72
    max_context_tokens: int = 24
    max_tokens: int = 128


@dataclass(frozen=True)
class ReaderInput:
    """One (question, sentence) pair as token ids, with where the sentence's tokens are."""

    input_ids: list[int]
    token_type_ids: list[int]
    sentence_first: int  # index of the sentence's first token
    sentence_offsets: list[tuple[int, int]]  # character span in the sentence of each of its tokens


@dataclass(frozen=True)
class Passage:
    """A candidate sentence and what surrounds it in its release."""

    sentence: str
    title: str = ""
    before: str = ""  # the sentence before it in the release
    after: str = ""  # the sentence after it


class InputBuilder:
    """Turns (question, passage) pairs into padded tensors for the reader.

    Example:
        builder = InputBuilder(tokenizer)
        batch = builder.batch([builder.build("Who met?", Passage("Retno Marsudi met Sergey Lavrov."))])
    """

    def __init__(self, tokenizer, limits: ReaderLimits | None = None):
        self.tokenizer = tokenizer
        self.limits = limits or ReaderLimits()
        self.cls, self.sep, self.pad = tokenizer.cls_token_id, tokenizer.sep_token_id, tokenizer.pad_token_id
        self.dot = tokenizer.convert_tokens_to_ids("·") if "·" in tokenizer.get_vocab() else self.sep

    def _ids(self, text: str, limit: int) -> list[int]:
        return self.tokenizer(text, add_special_tokens=False, truncation=True, max_length=limit)["input_ids"]

    def build(self, question: str, passage: Passage) -> ReaderInput:
        limits = self.limits
        question_ids = self._ids(question, limits.max_question_tokens)
        encoded = self.tokenizer(passage.sentence, add_special_tokens=False, truncation=True,
                                 max_length=limits.max_sentence_tokens, return_offsets_mapping=True)
        sentence_ids, offsets = encoded["input_ids"], [tuple(pair) for pair in encoded["offset_mapping"]]
        room = min(limits.max_context_tokens, limits.max_tokens - len(question_ids) - len(sentence_ids) - 4)
        context_ids = self._context(passage, max(room, 0))
        ids = [self.cls, *question_ids, self.sep]
        first = len(ids)
        ids += [*sentence_ids, self.sep, *context_ids, self.sep]
        types = [0] * first + [1] * (len(ids) - first)
        return ReaderInput(ids, types, first, offsets)

    def _context(self, passage: Passage, room: int) -> list[int]:
        """The title, then the sentence before and after, each cut to its share of `room`."""
        if room <= 0:
            return []
        title = self._ids(passage.title, max(room // 2, 1)) if passage.title else []
        left = room - len(title)
        before = self._ids(passage.before, left // 2)[-(left // 2):] if passage.before and left >= 2 else []
        after = self._ids(passage.after, left - len(before)) if passage.after and left - len(before) > 0 else []
        return [*title, self.dot, *before, self.dot, *after][:room]

    def batch(self, inputs: list[ReaderInput], rows: int = 0, width: int = 0) -> dict[str, np.ndarray]:
        """Padded arrays (input_ids, token_type_ids, attention_mask) and the sentence-token mask;
        at least `rows` rows (the extra ones all padding) and `width` tokens."""
        width = max(width, max(len(item.input_ids) for item in inputs))
        shape = (max(rows, len(inputs)), width)
        ids, types, mask, sentence = (np.full(shape, self.pad, np.int64), np.zeros(shape, np.int64),
                                      np.zeros(shape, np.int64), np.zeros(shape, bool))
        for row, item in enumerate(inputs):
            n = len(item.input_ids)
            ids[row, :n], types[row, :n], mask[row, :n] = item.input_ids, item.token_type_ids, 1
            sentence[row, item.sentence_first:item.sentence_first + len(item.sentence_offsets)] = True
        mask[len(inputs):, 0] = 1  # a padding row attends to its first token: no row without a key to attend to
        return {"input_ids": ids, "token_type_ids": types, "attention_mask": mask, "sentence_mask": sentence}


def token_span(item: ReaderInput, char_start: int, char_end: int) -> tuple[int, int] | None:
    """The input positions of the first and last sentence tokens covering [char_start, char_end)."""
    first = last = None
    for index, (start, end) in enumerate(item.sentence_offsets):
        if end > char_start and start < char_end:
            first = index if first is None else first
            last = index
    if first is None:
        return None
    return item.sentence_first + first, item.sentence_first + last


def passage_of(snapshot, release_id: str, sentence) -> Passage:
    """The sentence with its release's title and date, and the sentences before and after it."""
    release = snapshot.releases[release_id]
    text = snapshot.release_text(release_id)
    sentences = snapshot.release_sentences(release_id)
    position = next((i for i, s in enumerate(sentences) if s.char_start == sentence.char_start), None)
    before = after = ""
    if position is not None:
        if position > 0:
            before = text[sentences[position - 1].char_start:sentences[position - 1].char_end]
        if position + 1 < len(sentences):
            after = text[sentences[position + 1].char_start:sentences[position + 1].char_end]
    title = f"{release.title} ({release.date})" if release.date else release.title
    return Passage(text[sentence.char_start:sentence.char_end], title, before, after)
