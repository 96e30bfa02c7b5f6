"""A read-only view of the live index generation, loaded once and queried many times.

`IndexSnapshot` is what the retriever and the answer stage read; `MilvusSnapshot`
(qa.index.milvus_snapshot) offers the same methods over a Milvus collection set.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import faiss
import numpy as np

from qa.index.bm25 import BM25Index
from qa.errors import IndexDamagedError
from qa.index.filters import Filters
from qa.index.folder_search import FolderSearch
from qa.ingest.entities import Entity
from qa.index.manifest import check_format
from qa.index.store import (CHUNK_INDEX_FILE, SENTENCE_IDS_FILE, SENTENCE_VECTORS_FILE, IndexStore, LiveGeneration,
                            connect)

# What reading a damaged file raises: faiss (RuntimeError), numpy (ValueError, EOFError),
# sqlite3 (DatabaseError), bm25s (ValueError, KeyError, OSError).
_LOAD_ERRORS = (RuntimeError, ValueError, EOFError, OSError, KeyError, IndexError, sqlite3.Error,
                IndexDamagedError)


@dataclass(frozen=True)
class ReleaseInfo:
    """A release's metadata, without its text."""

    release_id: str
    title: str
    date: str | None
    source: str
    source_url: str | None
    tags: tuple[str, ...]


@dataclass(frozen=True)
class StoredChunk:
    """Where a chunk lies in its release."""

    chunk_id: int
    release_id: str
    paragraph: int
    char_start: int
    char_end: int


@dataclass(frozen=True)
class StoredSentence:
    sentence_id: int
    release_id: str
    paragraph: int
    char_start: int
    char_end: int


class IndexSnapshot:
    """Everything a query needs from one generation: vectors, BM25, metadata.

    Example:
        snapshot = IndexSnapshot.open("index")
        snapshot.chunk_text(chunk_id)
    """

    def __init__(self, folder: Path, manifest: dict, warnings: tuple[str, ...] = ()):
        self.folder = folder
        self.manifest = manifest
        self.warnings = warnings  # why this is not the generation CURRENT names, if it is not
        self.connection = connect(folder, read_only=True)
        try:
            self._load(folder)
        except BaseException:
            self.connection.close()
            raise
        self.release_text = lru_cache(maxsize=512)(self._release_text)
        self._search = FolderSearch(self)

    @property
    def location(self) -> str:
        """What answers come from, for status lines: the generation folder."""
        return self.folder.name

    @property
    def chunk_count(self) -> int:
        return len(self.chunk_ids)

    def candidates(self, question: str, query_vector: np.ndarray, n: int, filters: Filters | None = None,
                   required=()) -> tuple[list[tuple[int, float]], list[tuple[int, float]]]:
        """The `n` best (chunk_id, score) by vector and by BM25 within the filters (FolderSearch)."""
        return self._search.candidates(question, query_vector, n, filters, required)

    def _load(self, folder: Path) -> None:
        self.chunk_index = faiss.read_index(str(folder / CHUNK_INDEX_FILE))
        self.bm25 = BM25Index.load(folder)
        self.sentence_ids = np.load(folder / SENTENCE_IDS_FILE)
        # Memory-mapped: only the rows a question touches are read from disk.
        self.sentence_vectors = np.load(folder / SENTENCE_VECTORS_FILE, mmap_mode="r")
        self.releases = self._load_releases()
        self._load_chunk_table()
        self._check_counts()
        self.document_frequencies = self.bm25.document_frequencies()
        self.bm25_rows = np.searchsorted(self.chunk_ids, self.bm25.chunk_ids)  # BM25 row -> chunk row

    def _check_counts(self) -> None:
        """Files too big to checksum on every open must at least agree on how many rows they hold."""
        counts = self.manifest["counts"]
        found = {"releases in meta.sqlite": (len(self.releases), counts["releases"]),
                 f"vectors in {CHUNK_INDEX_FILE}": (self.chunk_index.ntotal, counts["chunks"]),
                 "chunks in meta.sqlite": (len(self.chunk_ids), counts["chunks"]),
                 f"rows in {SENTENCE_VECTORS_FILE}": (len(self.sentence_vectors), counts["sentences"]),
                 f"ids in {SENTENCE_IDS_FILE}": (len(self.sentence_ids), counts["sentences"])}
        for what, (have, expected) in found.items():
            if have != expected:
                raise IndexDamagedError(f"{have:,} {what}, the manifest says {expected:,}")

    @classmethod
    def open(cls, index_dir: str | Path, live: LiveGeneration | None = None,
             failed: dict[Path, str] | None = None) -> "IndexSnapshot":
        """The live generation; one whose files fail to load is passed over for the previous one.

        `live`: the generation `IndexStore.live` just verified, so that it is not checked twice;
        `failed`: generations already found damaged (by a running app), with the reason.
        """
        store = IndexStore(index_dir)
        failed = dict(failed or {})
        while True:
            live = live or store.live(failed=failed)
            check_format(store.index_dir, live.manifest)
            try:
                return cls(live.folder, live.manifest, live.warnings)
            except _LOAD_ERRORS as error:
                failed[live.folder] = " ".join(str(error).split())[:200] or type(error).__name__
                live = None

    def _load_releases(self) -> dict[str, ReleaseInfo]:
        rows = self.connection.execute(
            "SELECT release_id, title, date, source, source_url, tags FROM releases ORDER BY release_id")
        return {row["release_id"]: ReleaseInfo(row["release_id"], row["title"], row["date"], row["source"],
                                               row["source_url"], tuple(json.loads(row["tags"])))
                for row in rows}

    def _load_chunk_table(self) -> None:
        rows = self.connection.execute(
            "SELECT chunk_id, release_id, paragraph, char_start, char_end FROM chunks ORDER BY chunk_id"
        ).fetchall()
        self.chunk_ids = np.asarray([row["chunk_id"] for row in rows], dtype=np.int64)
        self.chunk_release_ids = [row["release_id"] for row in rows]
        codes = {release_id: code for code, release_id in enumerate(self.releases)}
        self.chunk_release_codes = np.asarray([codes[r] for r in self.chunk_release_ids], dtype=np.int64)
        self.chunk_paragraphs = np.asarray([row["paragraph"] for row in rows], dtype=np.int32)
        self.chunk_starts = np.asarray([row["char_start"] for row in rows], dtype=np.int64)
        self.chunk_ends = np.asarray([row["char_end"] for row in rows], dtype=np.int64)

    def chunk_row(self, chunk_id: int) -> int:
        return int(np.searchsorted(self.chunk_ids, chunk_id))

    def chunk(self, chunk_id: int) -> StoredChunk:
        row = self.chunk_row(chunk_id)
        return StoredChunk(int(chunk_id), self.chunk_release_ids[row], int(self.chunk_paragraphs[row]),
                           int(self.chunk_starts[row]), int(self.chunk_ends[row]))

    def chunk_holding(self, sentence: StoredSentence) -> int | None:
        """The first chunk of the sentence's release that holds it whole, or None."""
        code = list(self.releases).index(sentence.release_id)
        for row in np.flatnonzero(self.chunk_release_codes == code):
            if self.chunk_starts[row] <= sentence.char_start and sentence.char_end <= self.chunk_ends[row]:
                return int(self.chunk_ids[row])
        return None

    def release_sentences(self, release_id: str) -> list[StoredSentence]:
        rows = self.connection.execute(
            "SELECT sentence_id, release_id, paragraph, char_start, char_end FROM sentences "
            "WHERE release_id = ? ORDER BY char_start", (release_id,)).fetchall()
        return [StoredSentence(*tuple(row)) for row in rows]

    def _release_text(self, release_id: str) -> str:
        row = self.connection.execute("SELECT text FROM releases WHERE release_id = ?", (release_id,)).fetchone()
        return row[0] if row else ""

    def chunk_text(self, chunk_id: int) -> str:
        row = self.chunk_row(chunk_id)
        return self.release_text(self.chunk_release_ids[row])[self.chunk_starts[row]:self.chunk_ends[row]]

    def chunk_sentences(self, chunk_id: int) -> list[StoredSentence]:
        row = self.chunk_row(chunk_id)
        rows = self.connection.execute(
            "SELECT sentence_id, release_id, paragraph, char_start, char_end FROM sentences "
            "WHERE release_id = ? AND char_start >= ? AND char_end <= ? ORDER BY char_start",
            (self.chunk_release_ids[row], int(self.chunk_starts[row]), int(self.chunk_ends[row])))
        return [StoredSentence(*tuple(r)) for r in rows]

    def sentence_entities(self, release_id: str, start: int, end: int) -> list[Entity]:
        """Entities tagged at ingest inside [start, end) of a release, offsets relative to `start`."""
        rows = self.connection.execute(
            "SELECT char_start, char_end, label FROM entities WHERE release_id = ? AND char_start >= ? "
            "AND char_end <= ? ORDER BY char_start", (release_id, start, end))
        return [Entity(row[0] - start, row[1] - start, row[2]) for row in rows]

    def sentence_vector_rows(self, sentence_ids: list[int]) -> np.ndarray:
        rows = np.searchsorted(self.sentence_ids, np.asarray(sentence_ids, dtype=np.int64))
        return np.asarray(self.sentence_vectors[rows], dtype=np.float32)

    def close(self) -> None:
        self.connection.close()
