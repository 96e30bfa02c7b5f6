"""Sentence-aware chunking that keeps every chunk within the embedding model's limit."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from qa.config import ChunkingSettings
from qa.records import Chunk, Release, Sentence
from qa.ingest.sentences import SentenceSplitter

TokenCounter = Callable[[Sequence[str]], list[int]]


class Chunker:
    """Cuts a release into chunks of whole sentences.

    A chunk never splits a sentence and never crosses a paragraph unless it merges
    short paragraphs whole. A paragraph too long for one chunk is cut between
    sentences, the next chunk repeating the last `overlap_sentences` sentences.
    A single sentence longer than the limit (rare: transcripts) is cut between
    words, so that no text is ever truncated out of its embedding.

    Example:
        chunker = Chunker(count_tokens, ChunkingSettings(max_tokens=200))
        chunks = chunker.chunk(release)
    """

    def __init__(self, count_tokens: TokenCounter, settings: ChunkingSettings | None = None,
                 splitter: SentenceSplitter | None = None):
        self.count_tokens = count_tokens
        self.settings = settings or ChunkingSettings()
        self.splitter = splitter or SentenceSplitter()

    def chunk(self, release: Release) -> list[Chunk]:
        """The chunks of one release, in text order."""
        sentences = self.splitter.split(release.text)
        if not sentences:
            return []
        budget = self.settings.max_tokens - self.title_tokens(release.title)
        counts = self.count_tokens([sentence.text for sentence in sentences])
        pieces = []
        for sentence, count in zip(sentences, counts):
            pieces.extend(self._fit_sentence(release.text, sentence, count, budget))
        return [self._make_chunk(release, group) for group in self._group(pieces, budget)]

    def embedding_text(self, release: Release, chunk: Chunk) -> str:
        """What is embedded and indexed for a chunk: a short title line, then the chunk."""
        return f"{self.title_prefix(release.title)}\n{chunk.text}"

    def title_prefix(self, title: str) -> str:
        """The title, cut between words to `title_max_tokens` word pieces."""
        words = title.split()
        while words and self.count_tokens([" ".join(words)])[0] > self.settings.title_max_tokens:
            words = words[: max(1, len(words) * 3 // 4)] if len(words) > 1 else []
        return " ".join(words)

    def title_tokens(self, title: str) -> int:
        prefix = self.title_prefix(title)
        # +1 for the line break joining title and chunk, which some tokenizers count.
        return (self.count_tokens([prefix])[0] if prefix else 0) + 1

    def _fit_sentence(self, text: str, sentence: Sentence, count: int, budget: int):
        """(sentence, tokens) pieces; only an over-long sentence is cut, between words."""
        if count <= budget:
            return [(sentence, count)]
        words = _word_spans(text, sentence.char_start, sentence.char_end)
        pieces, start_index = [], 0
        while start_index < len(words):
            end_index = self._longest_fit(text, words, start_index, budget)
            start, end = words[start_index][0], words[end_index - 1][1]
            piece = Sentence(text[start:end], start, end, sentence.paragraph)
            pieces.append((piece, self.count_tokens([piece.text])[0]))
            start_index = end_index
        return pieces

    def _longest_fit(self, text: str, words: list[tuple[int, int]], first: int, budget: int) -> int:
        low, high = first + 1, len(words)
        while low < high:  # binary search for the most words that fit
            middle = (low + high + 1) // 2
            span = text[words[first][0]:words[middle - 1][1]]
            if self.count_tokens([span])[0] <= budget:
                low = middle
            else:
                high = middle - 1
        return low

    def _group(self, pieces: list[tuple[Sentence, int]], budget: int) -> list[list[Sentence]]:
        groups: list[list[tuple[Sentence, int]]] = []
        current: list[tuple[Sentence, int]] = []
        for index, (sentence, count) in enumerate(pieces):
            current_tokens = sum(c for _, c in current)
            new_paragraph = bool(current) and sentence.paragraph != current[-1][0].paragraph
            if current and new_paragraph and (
                current_tokens >= self.settings.min_tokens
                or current_tokens + self._paragraph_tokens(pieces, index) > budget
            ):
                groups.append(current)
                current = []
            elif current and current_tokens + count > budget:
                groups.append(current)
                current = self._overlap(current, count, budget)
            current.append((sentence, count))
        if current:
            groups.append(current)
        return [[sentence for sentence, _ in group] for group in groups]

    def _overlap(self, previous: list[tuple[Sentence, int]], next_count: int, budget: int):
        """The last sentences of a cut paragraph, repeated where they fit beside the next one."""
        if self.settings.overlap_sentences == 0:
            return []
        carried = previous[-self.settings.overlap_sentences:]
        while carried and sum(c for _, c in carried) + next_count > budget:
            carried = carried[1:]
        return list(carried)

    @staticmethod
    def _paragraph_tokens(pieces: list[tuple[Sentence, int]], first: int) -> int:
        paragraph = pieces[first][0].paragraph
        return sum(count for sentence, count in pieces[first:] if sentence.paragraph == paragraph)

    @staticmethod
    def _make_chunk(release: Release, sentences: list[Sentence]) -> Chunk:
        start, end = sentences[0].char_start, sentences[-1].char_end
        return Chunk(release.release_id, sentences[0].paragraph, start, end,
                     release.text[start:end], tuple(sentences))


def _word_spans(text: str, start: int, end: int) -> list[tuple[int, int]]:
    spans, position = [], start
    for word in text[start:end].split():
        found = text.index(word, position)
        spans.append((found, found + len(word)))
        position = found + len(word)
    return spans
