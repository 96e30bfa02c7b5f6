"""Typed records passed between the pipeline stages.

Release -> Chunk (ingest), Hit (retrieve), Citation and Answer (answer).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field


@dataclass(frozen=True)
class Release:
    """One press release, cleaned and ready to chunk.

    Example:
        Release(release_id="seed/mfaic.txt", title="Outcomes of ...", date="2021-07-06",
                source="Ministry of Foreign Affairs ...", text="On 6 July 2021, ...")
    """

    release_id: str
    title: str
    date: str | None  # ISO YYYY-MM-DD, or None when neither metadata nor text gives one
    source: str  # issuer name or URL
    text: str  # cleaned body: no header, title, date line or contact block
    source_url: str | None = None
    tags: tuple[str, ...] = ()
    origin: str = ""  # absolute path of the file the release was read from

    @property
    def content_hash(self) -> str:
        """SHA-256 over the content and the metadata shown to users; a change re-embeds."""
        payload = json.dumps(
            [self.release_id, self.title, self.date, self.source, self.source_url,
             list(self.tags), self.text],
            ensure_ascii=False,
        )
        return hashlib.sha256(payload.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class ReadError:
    """A file, or one line of a JSONL file, that could not be read; the rest of the batch goes on."""

    path: str
    message: str
    line: int | None = None

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line is not None else self.path
        return f"{where}: {self.message}"


@dataclass(frozen=True)
class Span:
    """A typed stretch of text inside a sentence: a date, amount, number, person or place."""

    kind: str  # "date" | "money" | "number" | "person" | "place" | "org"
    text: str
    start: int  # character offsets into the string the span was found in
    end: int
    value: str | None = None  # normalised form where one exists (ISO date, amount)


@dataclass(frozen=True)
class Sentence:
    """A sentence of a release's cleaned text, with its offsets."""

    text: str
    char_start: int
    char_end: int
    paragraph: int


@dataclass(frozen=True)
class Chunk:
    """A run of whole sentences from one paragraph (or a few short ones) of a release."""

    release_id: str
    paragraph: int  # number of the first paragraph the chunk covers, from 0
    char_start: int  # offsets into Release.text
    char_end: int
    text: str
    sentences: tuple[Sentence, ...] = field(default=(), compare=False)


@dataclass(frozen=True)
class Hit:
    """A retrieved chunk with its scores."""

    chunk_id: int
    release_id: str
    score: float  # fused score (reciprocal rank fusion)
    dense_score: float | None = None
    bm25_score: float | None = None
    dense_rank: int | None = None  # 1-based rank in the dense list, None when not in it
    bm25_rank: int | None = None
    aliases: tuple[str, ...] = ()  # other releases holding the same passage (a release published twice)


@dataclass(frozen=True)
class Citation:
    """A passage an answer cites, by its number [n] in the answer text."""

    n: int
    release_id: str
    title: str
    date: str | None
    passage: str
    char_start: int
    char_end: int
    score: float
    source_url: str | None = None
    source: str | None = None
    paragraph: int | None = None
    sentence: str | None = None  # the sentence of the passage that answers, to highlight
    sentence_start: int | None = None  # its offsets in the release's cleaned text
    sentence_end: int | None = None
    supported: bool | None = None  # generative answers: the verifier's verdict on the cited sentence
    aliases: tuple[str, ...] = ()  # other releases holding the same passage, as retrieval found them


@dataclass(frozen=True)
class Answer:
    """What `Assistant.ask` returns; `to_dict` gives the `qa ask --json` shape."""

    question: str
    answer: str
    short_answer: str | None
    found: bool
    citations: list[Citation]
    timings_ms: dict[str, float]
    mode: str = "extractive"  # "extractive" | "generative"
    notice: str | None = None  # e.g. why a generative answer fell back to the extractive one
    searched: str | None = None  # the question as searched, when a follow-up was rewritten

    def to_dict(self) -> dict:
        return {
            "question": self.question,
            "answer": self.answer,
            "short_answer": self.short_answer,
            "found": self.found,
            "citations": [{**asdict(citation), "aliases": list(citation.aliases)} for citation in self.citations],
            "timings_ms": self.timings_ms,
            "mode": self.mode,
            "notice": self.notice,
            "searched": self.searched,
        }
