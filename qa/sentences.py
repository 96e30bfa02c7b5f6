"""Sentence splitting with exact character offsets, over paragraphs of cleaned text."""

from __future__ import annotations

import re

import pysbd

from .records import Sentence

PARAGRAPH_BREAK = re.compile(r"\n\s*\n")


class SentenceSplitter:
    """Splits cleaned release text into sentences with pysbd, keeping offsets.

    pysbd knows abbreviations such as "H.E.", "U.S.", "Dr." and "Jan. 5", which a
    regular expression on periods gets wrong.

    Example:
        sentences = SentenceSplitter().split("The U.S. met Dr. Lee. They spoke.")
        [s.text for s in sentences]  # ["The U.S. met Dr. Lee.", "They spoke."]
    """

    def __init__(self, language: str = "en"):
        self._segmenter = pysbd.Segmenter(language=language, clean=False)

    def split(self, text: str) -> list[Sentence]:
        """Every sentence of `text`, paragraph numbers counted from 0."""
        sentences: list[Sentence] = []
        for paragraph_number, (start, end) in enumerate(paragraph_spans(text)):
            sentences.extend(self._split_paragraph(text, start, end, paragraph_number))
        return sentences

    def _split_paragraph(self, text: str, start: int, end: int, paragraph: int) -> list[Sentence]:
        paragraph_text = text[start:end]
        sentences = []
        cursor = 0
        for segment in self._segmenter.segment(paragraph_text):
            stripped = segment.strip()
            if not stripped:
                continue
            # pysbd returns strings, not offsets: find each one after the previous.
            found = paragraph_text.find(stripped, cursor)
            if found < 0:
                continue
            cursor = found + len(stripped)
            sentences.append(Sentence(stripped, start + found, start + cursor, paragraph))
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
