"""Sentence splitting with exact character offsets, over paragraphs of cleaned text."""

from __future__ import annotations

import re

from syntok import segmenter
from syntok.tokenizer import Tokenizer

from qa.records import Sentence

PARAGRAPH_BREAK = re.compile(r"\n\s*\n")
# Longer "sentences" (a base64 blob, a table run together) are cut into pieces of at most this
# many characters before tagging and embedding: spaCy refuses a text of a million characters,
# and the longest sentence of the 751 White House releases has 2,393.
MAX_SENTENCE_CHARS = 5000
_SENTENCE_END = re.compile(r"[.!?]|\n\s*\n")


class SentenceSplitter:
    """Splits cleaned release text into sentences with syntok, keeping offsets.

    syntok knows abbreviations such as "H.E.", "U.S.", "Dr." and "Jan. 5", which a
    regular expression on periods gets wrong, and it is several times faster than pysbd
    on our releases (0.99 s against 4.7 s for 200 White House releases).

    Example:
        sentences = SentenceSplitter().split("The U.S. met Dr. Lee. They spoke.")
        [s.text for s in sentences]  # ["The U.S. met Dr. Lee.", "They spoke."]
    """

    def __init__(self):
        self._tokenizer = Tokenizer(emit_hyphen_or_underscore_sep=True, replace_not_contraction=False)

    def split(self, text: str) -> list[Sentence]:
        """Every sentence of `text`, paragraph numbers counted from 0."""
        sentences: list[Sentence] = []
        for paragraph_number, (start, end) in enumerate(paragraph_spans(text)):
            sentences.extend(self._split_paragraph(text, start, end, paragraph_number))
        return sentences

    def _split_paragraph(self, text: str, start: int, end: int, paragraph: int) -> list[Sentence]:
        sentences = []
        for tokens in segmenter.split(self._tokenizer.tokenize(text[start:end])):
            if not tokens:
                continue
            # Token offsets point into the paragraph: the sentence runs from its first to its last token.
            first, last = tokens[0], tokens[-1]
            sentence_start = start + first.offset
            sentence_end = start + last.offset + len(last.value)
            sentences.extend(Sentence(text[piece_start:piece_end], piece_start, piece_end, paragraph)
                             for piece_start, piece_end in _pieces(text, sentence_start, sentence_end))
        return sentences


def paragraph_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each non-blank paragraph; paragraphs are separated by blank lines."""
    spans = []
    start = 0
    for match in PARAGRAPH_BREAK.finditer(text):
        spans.append((start, match.start()))
        start = match.end()
    spans.append((start, len(text)))
    return [_strip_span(text, s, e) for s, e in spans if text[s:e].strip()]


def _strip_span(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _pieces(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """(start, end) of a sentence, or of its pieces of at most MAX_SENTENCE_CHARS characters,
    cut at the last space of each piece's second half, else in the middle of a word."""
    pieces = []
    while end - start > MAX_SENTENCE_CHARS:
        limit = start + MAX_SENTENCE_CHARS
        space = text.rfind(" ", start + MAX_SENTENCE_CHARS // 2, limit)
        cut = space if space > start else limit
        pieces.append((start, cut))
        start = cut
        while start < end and text[start].isspace():
            start += 1
    return pieces + [(start, end)] if start < end else pieces


def long_sentence_notes(text: str) -> tuple[str, ...]:
    """A note for the ingest report when `text` runs on for over MAX_SENTENCE_CHARS characters
    without a sentence end: its sentences are cut into pieces to be tagged and embedded."""
    longest = max((len(part) for part in _SENTENCE_END.split(text)), default=0)
    if longest <= MAX_SENTENCE_CHARS:
        return ()
    return (f"a run of {longest:,} characters without a sentence end (a data blob?) is cut into pieces of "
            f"{MAX_SENTENCE_CHARS:,} characters to be tagged and embedded",)
