"""Writes one index generation: metadata rows, FAISS vectors, sentence vectors, BM25."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import faiss
import numpy as np

from qa.index import vectors as vector_index

from qa import versions
from qa.errors import IngestError
from qa.index.bm25 import BM25Index
from qa.index.disk_space import DISK_FULL_ERRORS, disk_full_message, is_disk_full
from qa.ingest.chunker import Chunker, ChunkingSettings
from qa.records import Chunk, Release
from qa.index.manifest import FORMAT_VERSION, file_digests, write_manifest
from qa.index.store import (CHUNK_INDEX_FILE, SENTENCE_IDS_FILE, SENTENCE_VECTORS_FILE, IndexStore, LiveGeneration,
                            connect)


@dataclass
class PreparedRelease:
    """A release with its chunks, the texts to embed and, once embedded, the vectors."""

    release: Release
    title_prefix: str
    chunks: list[Chunk]
    embedding_texts: list[str]
    sentence_spans: list[list[tuple[int, int]]]  # per chunk, offsets inside its embedding text
    chunk_vectors: list[np.ndarray | None] = field(default_factory=list)
    sentence_vectors: dict[tuple[int, int], np.ndarray] = field(default_factory=dict)
    entities: list[tuple[int, int, str]] = field(default_factory=list)  # offsets in the release text, label

    @classmethod
    def from_chunks(cls, release: Release, chunker: Chunker) -> "PreparedRelease":
        prefix = chunker.title_prefix(release.title)
        chunks = chunker.chunk(release)
        texts, spans = [], []
        for chunk in chunks:
            shift = len(prefix) + 1 - chunk.char_start  # "prefix\n" then the chunk text
            texts.append(f"{prefix}\n{chunk.text}")
            spans.append([(s.char_start + shift, s.char_end + shift) for s in chunk.sentences])
        return cls(release, prefix, chunks, texts, spans, [None] * len(chunks))

    def set_vectors(self, index: int, chunk_vector: np.ndarray, sentence_vectors: np.ndarray) -> None:
        self.chunk_vectors[index] = chunk_vector
        for sentence, vector in zip(self.chunks[index].sentences, sentence_vectors):
            # A sentence repeated by overlap keeps the vector from its first chunk.
            self.sentence_vectors.setdefault((sentence.char_start, sentence.char_end), vector)

    def set_entities(self, tagged) -> None:
        """The entities found in each of `sentences()`, in that order (offsets inside the sentence)."""
        self.entities = [(start + entity.start, start + entity.end, entity.label)
                         for (start, _, _), found in zip(self.sentences(), tagged) for entity in found]

    def sentence_texts(self) -> list[str]:
        return [self.release.text[start:end] for start, end, _ in self.sentences()]

    def sentences(self):
        """Unique sentences in text order: (char_start, char_end, paragraph)."""
        seen = {}
        for chunk in self.chunks:
            for sentence in chunk.sentences:
                seen.setdefault((sentence.char_start, sentence.char_end), sentence.paragraph)
        return sorted((start, end, paragraph) for (start, end), paragraph in seen.items())


def embed_prepared(embedder, prepared: list[PreparedRelease], step: int, on_batch=None) -> int:
    """Chunk and sentence vectors of every chunk of `prepared`, `step` chunks a model call;
    `on_batch(n)` after each call. Returns the number of chunks embedded.

    Longest first across all of them, as the model sorts within a call: batches of like
    lengths need little padding, so groups of `step` cost what one big call would.
    """
    jobs = sorted(((item, index) for item in prepared for index in range(len(item.chunks))),
                  key=lambda job: -len(job[0].embedding_texts[job[1]]))
    for first in range(0, len(jobs), step):
        batch = jobs[first:first + step]
        chunk_vectors, sentence_vectors = embedder.embed_passages(
            [item.embedding_texts[index] for item, index in batch], [item.sentence_spans[index] for item, index in batch])
        for (item, index), chunk_vector, sentences in zip(batch, chunk_vectors, sentence_vectors):
            item.set_vectors(index, chunk_vector, sentences)
        if on_batch is not None:
            on_batch(len(batch))
    return len(jobs)


class IndexWriter:
    """Applies an ingest to a new generation of the index folder, which goes live at the end.

    Example:
        IndexWriter(store, model_name, 384, chunking).write(prepared, drop=["old-id"], live=store.live())
    """

    def __init__(self, store: IndexStore, model_name: str, dimension: int, chunking: ChunkingSettings):
        self.store = store
        self.model_name = model_name
        self.dimension = dimension
        self.chunking = chunking

    def write(self, prepared: list[PreparedRelease], drop: list[str], live: LiveGeneration | None,
              rebuild: bool = False, progress: bool = False) -> None:
        """A new generation: `live`'s files (none when rebuilding), less `drop`, plus `prepared`.

        A full disk raises IngestError in one line naming the folder and the space needed; no
        staging folder is left behind and the live generation is untouched.
        """
        try:
            self._write(prepared, drop, live, rebuild)
        except DISK_FULL_ERRORS as error:
            if not is_disk_full(error):
                raise
            self.store.discard_staging()
            base = None if rebuild or live is None else live.folder
            new_bytes = sum(len(item.chunks) for item in prepared) * self.dimension * 4 * 2
            raise IngestError(disk_full_message(self.store.index_dir, base, new_bytes)) from None

    def _write(self, prepared: list[PreparedRelease], drop: list[str], live: LiveGeneration | None,
               rebuild: bool) -> None:
        previous = None if rebuild or live is None else live.manifest
        base = None if rebuild or live is None else live.folder
        with self.store.new_generation(base, keep=live.folder if live else None) as folder:
            connection = connect(folder)
            try:
                with connection:
                    dropped_chunks, dropped_sentences = _delete_releases(connection, drop)
                    new_chunks, new_sentences = _insert_releases(connection, prepared)
                self._write_chunk_vectors(folder, dropped_chunks, new_chunks)
                _write_sentence_vectors(folder, self.dimension, dropped_sentences, new_sentences)
                _write_bm25(folder, connection)
                counts = _counts(connection)
            finally:
                connection.close()
            manifest = build_manifest(self.model_name, self.dimension, self.chunking, counts, previous)
            lineage = {"built_from": base.name if base else None}  # what IndexStore may remove once it is live
            write_manifest(folder, {**manifest, **lineage, "files": file_digests(folder)})

    def _write_chunk_vectors(self, folder: Path, dropped: list[int], added: list[tuple[int, np.ndarray]]):
        path = folder / CHUNK_INDEX_FILE
        existing = faiss.read_index(str(path)) if path.exists() else None
        ids = np.asarray([chunk_id for chunk_id, _ in added], dtype=np.int64)
        vectors = (np.vstack([vector for _, vector in added]) if added
                   else np.empty((0, self.dimension))).astype(np.float32)
        index = vector_index.updated_index(existing, self.dimension, np.asarray(dropped, dtype=np.int64),
                                           ids, vectors)
        faiss.write_index(index, str(path))


def _delete_releases(connection, release_ids: list[str]) -> tuple[list[int], list[int]]:
    chunks, sentences = [], []
    for release_id in release_ids:
        chunks += [row[0] for row in connection.execute(
            "SELECT chunk_id FROM chunks WHERE release_id = ?", (release_id,))]
        sentences += [row[0] for row in connection.execute(
            "SELECT sentence_id FROM sentences WHERE release_id = ?", (release_id,))]
        for table in ("chunks", "sentences", "entities", "releases"):
            connection.execute(f"DELETE FROM {table} WHERE release_id = ?", (release_id,))
    return chunks, sentences


def release_row_values(release: Release, title_prefix: str) -> dict:
    """A release's stored metadata, as every store keeps it (tags as a list)."""
    return {"title": release.title, "date": release.date, "source": release.source,
            "source_url": release.source_url, "tags": list(release.tags), "origin": release.origin,
            "content_hash": release.content_hash, "title_prefix": title_prefix,
            "ingested_at": datetime.now(timezone.utc).isoformat(timespec="seconds")}


def _insert_releases(connection, prepared: list[PreparedRelease]):
    new_chunks, new_sentences = [], []
    for item in prepared:
        release = item.release
        values = release_row_values(release, item.title_prefix)
        connection.execute(
            "INSERT INTO releases VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (release.release_id, values["title"], values["date"], values["source"], values["source_url"],
             json.dumps(values["tags"]), values["origin"], values["content_hash"], release.text,
             values["title_prefix"], values["ingested_at"]))
        for chunk, vector in zip(item.chunks, item.chunk_vectors):
            cursor = connection.execute(
                "INSERT INTO chunks (release_id, paragraph, char_start, char_end) VALUES (?, ?, ?, ?)",
                (release.release_id, chunk.paragraph, chunk.char_start, chunk.char_end))
            new_chunks.append((cursor.lastrowid, vector))
        for start, end, paragraph in item.sentences():
            cursor = connection.execute(
                "INSERT INTO sentences (release_id, paragraph, char_start, char_end) VALUES (?, ?, ?, ?)",
                (release.release_id, paragraph, start, end))
            new_sentences.append((cursor.lastrowid, item.sentence_vectors[(start, end)]))
        connection.executemany("INSERT INTO entities VALUES (?, ?, ?, ?)",
                               [(release.release_id, start, end, label) for start, end, label in item.entities])
    return new_chunks, new_sentences


def _write_sentence_vectors(folder: Path, dimension: int, dropped: list[int], added) -> None:
    """Sentence vectors as float16 rows; sentence_ids.npy maps rows to ids (kept sorted)."""
    ids_path, vectors_path = folder / SENTENCE_IDS_FILE, folder / SENTENCE_VECTORS_FILE
    if ids_path.exists():
        ids, vectors = np.load(ids_path), np.load(vectors_path)
    else:
        ids, vectors = np.empty(0, dtype=np.int64), np.empty((0, dimension), dtype=np.float16)
    keep = ~np.isin(ids, np.asarray(dropped, dtype=np.int64))
    new_ids = np.asarray([sentence_id for sentence_id, _ in added], dtype=np.int64)
    new_vectors = (np.vstack([vector for _, vector in added]) if added
                   else np.empty((0, dimension))).astype(np.float16)
    # Ids only grow (AUTOINCREMENT), so appending keeps the id column sorted for searchsorted.
    np.save(ids_path, np.concatenate([ids[keep], new_ids]))
    np.save(vectors_path, np.concatenate([vectors[keep], new_vectors]))


def _write_bm25(folder: Path, connection) -> None:
    chunk_ids, texts = [], []
    release_texts = {}
    for row in connection.execute(
            "SELECT c.chunk_id, c.release_id, c.char_start, c.char_end, r.title_prefix "
            "FROM chunks c JOIN releases r USING (release_id) ORDER BY c.chunk_id"):
        if row["release_id"] not in release_texts:
            release_texts[row["release_id"]] = connection.execute(
                "SELECT text FROM releases WHERE release_id = ?", (row["release_id"],)).fetchone()[0]
        chunk_ids.append(row["chunk_id"])
        texts.append(f"{row['title_prefix']}\n{release_texts[row['release_id']][row['char_start']:row['char_end']]}")
    BM25Index.build(chunk_ids, texts).save(folder)


def _counts(connection) -> dict:
    return {table: connection.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
            for table in ("releases", "chunks", "sentences")}


def build_manifest(model: str, dimension: int, chunking: ChunkingSettings, counts: dict,
                   previous: dict | None) -> dict:
    now = datetime.now(timezone.utc).isoformat(timespec="seconds")
    return {
        "format_version": FORMAT_VERSION,
        "model": model,
        "dimension": dimension,
        "chunking": asdict(chunking),
        "counts": counts,
        "versions": versions.package_versions(),
        "created_at": (previous or {}).get("created_at", now),
        "updated_at": now,
    }
