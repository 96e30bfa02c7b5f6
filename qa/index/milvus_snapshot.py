"""A read-only view of one generation of a Milvus index, with the methods of `IndexSnapshot`.

Search runs in Milvus: the dense list on the chunk vectors, the lexical list on BM25 sparse
vectors (qa.index.sparse_bm25: the question's idf weights against each chunk's term weights),
both within the filters written as Milvus boolean expressions. The
release metadata is read once; texts, sentences and document frequencies when a question
needs them, and kept in small caches.
"""

from __future__ import annotations

import json

import numpy as np

from qa.index.bm25 import tokenize
from qa.index.filters import Filters
from qa.index.milvus_schema import milvus_errors, quoted, visible
from qa.index.milvus_store import MilvusIndex, term_frequencies
from qa.index.snapshot import ReleaseInfo, StoredChunk, StoredSentence
from qa.index.sparse_bm25 import query_weights
from qa.ingest.entities import Entity

_CHUNK_FIELDS = ["chunk_id", "release_id", "paragraph", "char_start", "char_end"]
_LIKE_UNSAFE = set('%_"\\')
_MAX_NAMING_ROWS = 16_384
_CHUNK_CACHE = 200_000
_TIE_MARGIN = 10
_RELEASE_CACHE = 1024  # releases kept with their text and sentences
_PREFETCH = 10  # from the top of each list  # chunk records kept from search results


class MilvusSnapshot:
    """Everything a query needs from one generation of a Milvus index.

    Example:
        index = MilvusIndex("/tmp/x.db")
        snapshot = MilvusSnapshot(index, index.state())
        dense, lexical = snapshot.candidates("Who co-chaired?", vector, 20)
    """

    def __init__(self, index: MilvusIndex, state: dict):
        self.index = index
        self.client = index.client
        self.names = index.names
        self.state = state
        self.manifest = state["manifest"]
        self.warnings: tuple[str, ...] = ()
        self.visible = visible(state)
        with milvus_errors(index.describe()):
            for collection in self.names:
                index.load(collection)
            self.releases, self._keys = self._load_releases()
        self.document_frequencies = _TermFrequencies(index, state)
        self._chunks: dict[int, StoredChunk] = {}
        self._releases: dict[str, tuple] = {}  # release_id -> (text, sentences, entities by sentence start)

    @property
    def location(self) -> str:
        return f"gen-{self.state['live']:06d}"

    @property
    def chunk_count(self) -> int:
        return int(self.manifest["counts"]["chunks"])

    def _load_releases(self) -> tuple[dict[str, ReleaseInfo], dict[str, str]]:
        rows = self.index._query_all("releases", self.visible,
                                     ["release_key", "release_id", "title", "date", "source", "source_url", "tags"])
        rows.sort(key=lambda row: row["release_id"])
        releases = {row["release_id"]: ReleaseInfo(row["release_id"], row["title"], row["date"], row["source"],
                                                   row["source_url"], tuple(row["tags"])) for row in rows}
        return releases, {row["release_id"]: row["release_key"] for row in rows}

    # Search ------------------------------------------------------------------------------------
    def candidates(self, question: str, query_vector: np.ndarray, n: int, filters: Filters | None = None,
                   required=()) -> tuple[list[tuple[int, float]], list[tuple[int, float]]]:
        """The `n` best (chunk_id, score) by vector and by BM25, each searched in Milvus."""
        expression = self._expression(filters, required)
        if expression is None:
            return [], []
        tokens = tokenize([question])[0]
        self.document_frequencies.fetch(tokens)
        with milvus_errors(self.index.describe()):
            # A few more than n: equal scores (a passage published twice) are then cut as FAISS cuts them.
            dense = self.client.search(self.names["chunks"], data=[np.asarray(query_vector, dtype=np.float32)
                                                                   .reshape(-1).tolist()],
                                       anns_field="dense", limit=n + _TIE_MARGIN, filter=expression,
                                       output_fields=_CHUNK_FIELDS, search_params={"metric_type": "IP"})
            lexical = self._lexical(tokens, n + _TIE_MARGIN, expression)
        # Ties in the order of the index folder's searches: FAISS puts the later chunk first, bm25s the earlier.
        dense, lexical = self._ranking(dense, later_first=True)[:n], self._ranking(lexical, later_first=False)[:n]
        # The answer stage reads the releases of the best of them: one query now, not one each later.
        self._read_releases([self._chunks[c].release_id for c, _ in dense[:_PREFETCH] + lexical[:_PREFETCH]])
        return dense, lexical

    def _lexical(self, tokens: list[str], n: int, expression: str):
        weights = query_weights(tokens, self.document_frequencies, self.chunk_count)
        if not weights:
            return [[]]
        return self.client.search(self.names["chunks"], data=[weights], anns_field="sparse", limit=n,
                                  filter=expression, output_fields=_CHUNK_FIELDS, search_params={"metric_type": "IP"})

    def _ranking(self, result, later_first: bool) -> list[tuple[int, float]]:
        ranking = []
        for hit in result[0]:
            entity = hit["entity"]
            if len(self._chunks) > _CHUNK_CACHE:
                self._chunks.clear()
            chunk_id = int(hit["id"] if "id" in hit else hit["chunk_id"])
            self._chunks[chunk_id] = StoredChunk(chunk_id, entity["release_id"], int(entity["paragraph"]),
                                                 int(entity["char_start"]), int(entity["char_end"]))
            ranking.append((chunk_id, float(hit["distance"])))
        ranking.sort(key=lambda item: (-item[1], -item[0] if later_first else item[0]))
        return ranking

    def _expression(self, filters: Filters | None, required) -> str | None:
        """The rows to search as a Milvus boolean expression; None when nothing can match."""
        parts = [self.visible]
        if filters is not None and not filters.is_empty():
            if filters.date_from:
                parts.append(f"date >= {quoted(filters.date_from)}")
            if filters.date_to:
                parts.append(f"date <= {quoted(filters.date_to)}")
            if filters.release_prefix and not _LIKE_UNSAFE & set(filters.release_prefix):
                parts.append(f"release_id like {quoted(filters.release_prefix + '%')}")
            if filters.source and not _LIKE_UNSAFE & set(filters.source):
                parts.append(f"source_key like {quoted('%' + filters.source.lower() + '%')}")
            if _LIKE_UNSAFE & set((filters.release_prefix or "") + (filters.source or "")):
                admitted = [r for r, info in self.releases.items() if filters.admits(info)]
                parts.append(f"release_id in {admitted!r}")
        if required:
            naming = self._releases_naming(required)
            if not naming:
                return None
            parts.append(f"release_id in {sorted(naming)!r}")
        return " and ".join(f"({part})" for part in parts)

    def _releases_naming(self, required) -> set[str]:
        """Releases holding every required entity, each in one of its spellings (BM25 tokens)."""
        releases = None
        with milvus_errors(self.index.describe()):
            for spellings in required:
                holding = set()
                for tokens in spellings:
                    if not tokens:
                        continue
                    match = " and ".join(f"TEXT_MATCH(tokens, {quoted(token)})" for token in tokens)
                    rows = self.client.query(self.names["chunks"], filter=f"({self.visible}) and {match}",
                                             output_fields=["release_id"], limit=_MAX_NAMING_ROWS)
                    holding.update(row["release_id"] for row in rows)
                releases = holding if releases is None else releases & holding
        return releases or set()

    # Records -----------------------------------------------------------------------------------
    def chunk(self, chunk_id: int) -> StoredChunk:
        if chunk_id not in self._chunks:
            with milvus_errors(self.index.describe()):
                rows = self.client.get(self.names["chunks"], ids=[int(chunk_id)], output_fields=_CHUNK_FIELDS)
            if not rows:
                raise KeyError(f"chunk {chunk_id} is not in {self.index.describe()}")
            row = rows[0]
            self._chunks[chunk_id] = StoredChunk(int(chunk_id), row["release_id"], int(row["paragraph"]),
                                                 int(row["char_start"]), int(row["char_end"]))
        return self._chunks[chunk_id]

    def chunk_text(self, chunk_id: int) -> str:
        chunk = self.chunk(chunk_id)
        return self.release_text(chunk.release_id)[chunk.char_start:chunk.char_end]

    def release_text(self, release_id: str) -> str:
        return self._release(release_id)[0]

    def release_sentences(self, release_id: str) -> tuple[StoredSentence, ...]:
        return self._release(release_id)[1]

    def _release(self, release_id: str) -> tuple[str, tuple[StoredSentence, ...], dict]:
        """(text, sentences, entities by sentence start) of a release, read once and kept."""
        if release_id not in self._releases:
            self._read_releases([release_id])
        return self._releases.get(release_id, ("", (), {}))

    def _read_releases(self, release_ids) -> None:
        """Reads the releases not kept yet, in one query."""
        keys = [self._keys[r] for r in dict.fromkeys(release_ids) if r in self._keys and r not in self._releases]
        if not keys:
            return
        if len(self._releases) + len(keys) > _RELEASE_CACHE:
            self._releases.clear()
        with milvus_errors(self.index.describe()):
            rows = self.client.get(self.names["releases"], ids=keys,
                                   output_fields=["release_id", "text_parts", "sentence_parts"])
        for row in rows:
            release_id = row["release_id"]
            found = json.loads("".join(row["sentence_parts"]))
            sentences = tuple(StoredSentence(int(i), release_id, int(paragraph), int(start), int(end))
                              for i, start, end, paragraph, _ in found)
            entities = {start: entities for _, start, _, _, entities in found}
            self._releases[release_id] = ("".join(row["text_parts"]), sentences, entities)

    def chunk_sentences(self, chunk_id: int) -> list[StoredSentence]:
        chunk = self.chunk(chunk_id)
        return [sentence for sentence in self.release_sentences(chunk.release_id)
                if sentence.char_start >= chunk.char_start and sentence.char_end <= chunk.char_end]

    def sentence_entities(self, release_id: str, start: int, end: int) -> list[Entity]:
        """Entities tagged at ingest inside [start, end) of a release, offsets relative to `start`."""
        found = []
        for sentence in self.release_sentences(release_id):
            if sentence.char_end <= start or sentence.char_start >= end:
                continue
            found += [Entity(s - start, e - start, label)
                      for s, e, label in self._release(release_id)[2].get(sentence.char_start, ())
                      if s >= start and e <= end]
        return sorted(found, key=lambda entity: entity.start)

    def chunk_holding(self, sentence: StoredSentence) -> int | None:
        key = self._keys.get(sentence.release_id)
        if key is None:
            return None
        rows = self._query("chunks", f"release_key == {quoted(key)} and char_start <= {sentence.char_start} "
                           f"and char_end >= {sentence.char_end}", _CHUNK_FIELDS)
        return min((int(row["chunk_id"]) for row in rows), default=None)

    def sentence_vector_rows(self, sentence_ids: list[int]) -> np.ndarray:
        ids = [int(i) for i in sentence_ids]
        with milvus_errors(self.index.describe()):
            rows = self.client.get(self.names["sentences"], ids=ids, output_fields=["sentence_id", "vector"]) if ids else []
        vectors = {int(row["sentence_id"]): row["vector"] for row in rows}
        dimension = int(self.manifest["dimension"])
        return np.asarray([vectors.get(i, [0.0] * dimension) for i in ids], dtype=np.float32).reshape(-1, dimension)

    def _query(self, collection: str, expression: str, fields: list[str]) -> list[dict]:
        with milvus_errors(self.index.describe()):
            return self.client.query(self.names[collection], filter=expression, output_fields=fields)

    def close(self) -> None:
        pass  # the client is the index's, shared by the snapshots of one process


class _TermFrequencies(dict):
    """Chunks holding each BM25 token, fetched from the terms collection when first asked for."""

    def __init__(self, index: MilvusIndex, state: dict):
        super().__init__()
        self._index, self._state, self._asked = index, state, set()

    def fetch(self, terms) -> None:
        missing = sorted({term for term in terms if term not in self._asked})
        if missing:
            with milvus_errors(self._index.describe()):
                self.update(term_frequencies(self._index, self._state, missing))
            self._asked.update(missing)

    def get(self, term, default=None):
        if term not in self._asked:
            self.fetch([term])
        return super().get(term, default)
