"""The index in Milvus: a Milvus Lite file, a standalone server or a cluster, one API.

One index is five collections, `{name}_chunks` (dense vector, BM25 sparse vector, its tokens
for TEXT_MATCH, filter fields),
`{name}_sentences` (sentence vectors), `{name}_releases` (metadata, text, sentences and entities),
`{name}_terms` (document frequencies of the BM25 tokens) and `{name}_state` (the manifest).
Every row carries the generation that wrote it. Readers see rows with
floor <= generation <= live whose release is not retired; an ingest writes generation
live + 1, flushes, then switches `live` in the state row in one upsert, then deletes what it
replaced. A crash before the switch leaves rows nobody reads, removed by the next ingest.

Example:
    index = MilvusIndex("/tmp/x.db")            # or MilvusIndex("http://host:19530")
    index.write(prepared, drop=[], rebuild=False, model="...", dimension=384, chunking=chunking)
    snapshot = MilvusSnapshot(index, index.state())     # qa.index.milvus_snapshot
"""

from __future__ import annotations

import json
import logging
from collections import Counter
from contextlib import contextmanager
from pathlib import Path

from qa.errors import IndexNotFoundError, QAError
from qa.index.bm25 import tokenize
from qa.index.manifest import check_format
from qa.index.sparse_bm25 import document_weights
from qa.index.store import write_lock
from qa.index.milvus_schema import (PLACEHOLDER_VECTOR, collection_names, create_collections, milvus_errors,
                                    release_key, split_text, visible)
from qa.index.writer import build_manifest, release_row_values

STATE_KEY = "state"
_DELETE_BATCH = 4096
_CONNECT_TIMEOUT = 10.0  # seconds to reach a Milvus server
_MAX_TOKEN_CHARS = 16_000  # a VARCHAR's 65,535 bytes, for any script


class MilvusIndex:
    """One index in Milvus, read by `open_snapshot` and written by `write`."""

    def __init__(self, uri: str, name: str = "releaseqa", token: str | None = None):
        self.uri = uri
        self.name = name
        self.token = token
        self.names = collection_names(name)
        self._client = None
        self._loaded: set[str] = set()  # collections this process has loaded

    @property
    def lite(self) -> bool:
        return not is_server(self.uri)

    def describe(self) -> str:
        kind = "Milvus Lite database" if self.lite else "Milvus server"
        return f"{kind} {self.uri!r} (collections {self.name}_*)"

    @property
    def client(self):
        if self._client is None:
            self._client = connect(self.uri, self.token)
        return self._client

    # Reading the state -------------------------------------------------------------------------
    def exists(self) -> bool:
        if self.lite and not Path(self.uri).exists():
            return False
        with milvus_errors(self.describe()):
            return self.client.has_collection(self.names["state"]) and bool(self._state_row())

    def state(self) -> dict:
        """The state row: live/floor generations, retired releases, next ids, manifest."""
        if not self.exists():
            raise IndexNotFoundError(f"no index is built in {self.describe()}; build it with: "
                                     f"QA_STORE={self.store_spec()} qa ingest corpus/")
        state = self._state_row()
        check_format(Path(self.uri), state["manifest"])
        return state

    def verify(self, state: dict) -> list[str]:
        """What does not match the manifest: a collection that does not load or read (damaged
        files of a Milvus Lite database), or a count of visible rows other than the manifest's."""
        counts = state["manifest"]["counts"]
        problems = []
        for collection in ("releases", "chunks", "sentences", "terms"):
            try:
                with milvus_errors(f"collection {self.names[collection]}"):
                    self.load(collection)
                    expression = visible(state) if collection != "terms" else ""
                    rows = self.client.query(self.names[collection], filter=expression, output_fields=["count(*)"])
            except QAError as error:
                problems.append(f"{error} (damaged or unreadable)")
                continue
            found = rows[0]["count(*)"] if rows else 0
            if collection in counts and found != counts[collection]:
                problems.append(f"collection {self.names[collection]} holds {found:,} {collection}, "
                                f"the manifest says {counts[collection]:,}")
        return problems

    def store_spec(self) -> str:
        if self.lite:
            return f"milvus-lite:{self.uri}"
        scheme = "milvus+https://" if self.uri.startswith("https://") else "milvus://"
        return scheme + self.uri.split("://", 1)[1] + ("" if self.name == "releaseqa" else f"/{self.name}")

    def stamp(self) -> tuple:
        """What changes when an ingest switches generations."""
        try:
            state = self._state_row()
        except QAError:
            return ()
        return (state.get("live"), state.get("floor"), tuple(state.get("retired", ()))) if state else ()

    def _state_row(self) -> dict:
        with milvus_errors(self.describe()):
            self.load("state")
            rows = self.client.query(self.names["state"], filter=f'key == "{STATE_KEY}"', output_fields=["value"])
        return dict(rows[0]["value"]) if rows else {}

    def stored_releases(self) -> dict[str, tuple[str, str]]:
        """release_id -> (content_hash, origin) of the live releases."""
        if not self.exists():
            return {}
        state = self._state_row()
        rows = self._query_all("releases", visible(state), ["release_id", "content_hash", "origin"])
        return {row["release_id"]: (row["content_hash"], row["origin"]) for row in rows}

    @contextmanager
    def locked(self):
        """One ingest at a time: a lock file beside a Milvus Lite database. For a server, the
        deployment runs one ingest job per index (docs/scaling.md)."""
        if not self.lite:
            yield
            return
        with write_lock(Path(self.uri).with_name(Path(self.uri).name + ".lock"), self.describe()):
            yield

    # Writing -----------------------------------------------------------------------------------
    def write(self, prepared, drop: list[str], rebuild: bool, model: str, dimension: int, chunking,
              progress: bool = False) -> None:
        """A new generation: the live releases, less `drop` (all when rebuilding), plus `prepared`."""
        with milvus_errors(self.describe()):
            create_collections(self.client, self.names, dimension)
            state = self._state_row() or {"live": 0, "floor": 1, "retired": [], "next_chunk_id": 1,
                                          "next_sentence_id": 1, "manifest": None}
            self._remove_unreadable(state)
            generation = state["live"] + 1
            live_keys = self._live_keys(state)
            retired = sorted(live_keys.values()) if rebuild else sorted(live_keys[r] for r in drop if r in live_keys)
            ids = {"chunk": state["next_chunk_id"], "sentence": state["next_sentence_id"]}
            counts = self._counts_without(state, retired, rebuild)
            removed = [] if rebuild else self._tokens_of(retired)
            tokenized = [tokenize([f"{item.title_prefix}\n{chunk.text}" for chunk in item.chunks]) if item.chunks
                         else [] for item in prepared]
            token_total = ((0 if rebuild else state.get("token_total", 0)) - sum(map(len, removed))
                           + sum(len(tokens) for chunks in tokenized for tokens in chunks))
            chunks_after = counts["chunks"] + sum(len(item.chunks) for item in prepared)
            average_length = token_total / max(1, chunks_after)
            added = self._insert(prepared, tokenized, average_length, generation, ids, counts)
            changed_terms = self._write_terms(state, generation, removed, added, rebuild)
            for collection in self.names.values():
                self.client.flush(collection)
            previous = None if rebuild else state["manifest"]
            manifest = build_manifest(model, dimension, chunking, counts, previous)
            new_state = {"live": generation, "floor": generation if rebuild else state["floor"],
                         "retired": [] if rebuild else retired, "next_chunk_id": ids["chunk"],
                         "next_sentence_id": ids["sentence"], "token_total": token_total, "manifest": manifest}
            self._put_state(new_state)  # the switch: readers see the new generation from here on
            self._remove_unreadable(new_state)
            for first in range(0, len(changed_terms), _DELETE_BATCH):  # their older counts
                terms = changed_terms[first:first + _DELETE_BATCH]
                self.client.delete(self.names["terms"], filter=f"term in {terms!r} and generation < {generation}")

    def _put_state(self, state: dict) -> None:
        self.client.upsert(self.names["state"], [{"key": STATE_KEY, "value": state, "placeholder": PLACEHOLDER_VECTOR}])
        self.client.flush(self.names["state"])

    def _remove_unreadable(self, state: dict) -> None:
        """Deletes rows no reader sees: a crashed ingest's, replaced releases', rebuilt-over ones."""
        dead = f"generation > {state['live']} or generation < {state['floor']}"
        for collection in ("chunks", "sentences", "releases", "terms"):
            self.client.delete(self.names[collection], filter=dead)
        retired = list(state.get("retired", ()))
        for first in range(0, len(retired), _DELETE_BATCH):
            keys = retired[first:first + _DELETE_BATCH]
            for collection in ("chunks", "sentences", "releases"):
                self.client.delete(self.names[collection], filter=f"release_key in {keys!r}")
        if retired:
            for collection in self.names.values():
                self.client.flush(collection)
            self._put_state({**state, "retired": []})

    def _live_keys(self, state: dict) -> dict[str, str]:
        if not state["live"]:
            return {}
        return {row["release_id"]: row["release_key"]
                for row in self._query_all("releases", visible(state), ["release_id", "release_key"])}

    def _counts_without(self, state: dict, retired: list[str], rebuild: bool) -> dict:
        counts = dict((state["manifest"] or {}).get("counts", {"releases": 0, "chunks": 0, "sentences": 0}))
        if rebuild:
            return {"releases": 0, "chunks": 0, "sentences": 0}
        for first in range(0, len(retired), _DELETE_BATCH):
            keys = retired[first:first + _DELETE_BATCH]
            for row in self._query_all("releases", f"release_key in {keys!r}", ["chunk_count", "sentence_count"]):
                counts["releases"] -= 1
                counts["chunks"] -= row["chunk_count"]
                counts["sentences"] -= row["sentence_count"]
        return counts

    def _tokens_of(self, release_keys: list[str]) -> list[list[str]]:
        """The BM25 tokens of every chunk of these releases."""
        found = []
        for first in range(0, len(release_keys), _DELETE_BATCH):
            keys = release_keys[first:first + _DELETE_BATCH]
            found += [row["tokens"].split() for row in self._query_all("chunks", f"release_key in {keys!r}",
                                                                        ["tokens"])]
        return found

    def _insert(self, prepared, tokenized, average_length: float, generation: int, ids: dict,
                counts: dict) -> Counter:
        """Rows of each prepared release; returns the document frequency each adds per token."""
        added_terms: Counter = Counter()
        for item, chunk_tokens in zip(prepared, tokenized):
            release = item.release
            key = release_key(generation, release.release_id)
            common = {"release_key": key, "release_id": release.release_id, "generation": generation}
            chunk_rows = []
            for chunk, vector, tokens in zip(item.chunks, item.chunk_vectors, chunk_tokens):
                chunk_rows.append({**common, "chunk_id": ids["chunk"], "date": release.date,
                                   "source_key": (release.source or "").lower()[:1000], "paragraph": chunk.paragraph,
                                   "char_start": chunk.char_start, "char_end": chunk.char_end,
                                   "tokens": " ".join(tokens)[:_MAX_TOKEN_CHARS],
                                   "sparse": document_weights(tokens, average_length),
                                   "dense": [float(x) for x in vector]})
                ids["chunk"] += 1
                added_terms.update(set(tokens))
            sentence_rows, sentences = [], []
            for start, end, paragraph in item.sentences():
                entities = [[s, e, label] for s, e, label in item.entities if start <= s and e <= end]
                sentences.append([ids["sentence"], start, end, paragraph, entities])
                vector = item.sentence_vectors[(start, end)].astype("float16").astype("float32")
                sentence_rows.append({**common, "sentence_id": ids["sentence"], "vector": [float(x) for x in vector]})
                ids["sentence"] += 1
            release_row = {**common, **release_row_values(release, item.title_prefix),
                           "text_parts": split_text(release.text),
                           "sentence_parts": split_text(json.dumps(sentences, separators=(",", ":"))),
                           "chunk_count": len(chunk_rows), "sentence_count": len(sentence_rows),
                           "placeholder": PLACEHOLDER_VECTOR}
            for collection, rows in (("chunks", chunk_rows), ("sentences", sentence_rows),
                                     ("releases", [release_row])):
                if rows:
                    self.client.insert(self.names[collection], rows)
            counts["releases"] += 1
            counts["chunks"] += len(chunk_rows)
            counts["sentences"] += len(sentence_rows)
        return added_terms

    def _write_terms(self, state: dict, generation: int, removed_chunks: list[list[str]], added: Counter,
                     rebuild: bool) -> list[str]:
        """Document frequency rows, generation `generation`, for every token whose count changed."""
        removed: Counter = Counter()
        for tokens in removed_chunks:
            removed.update(set(tokens))
        changed = sorted(set(added) | set(removed))
        current = {} if rebuild else term_frequencies(self, state, changed)
        rows = [{"term_key": f"{generation}:{term}", "term": term, "generation": generation,
                 "frequency": current.get(term, 0) + added[term] - removed[term], "placeholder": PLACEHOLDER_VECTOR}
                for term in changed]
        for first in range(0, len(rows), _DELETE_BATCH):
            self.client.insert(self.names["terms"], rows[first:first + _DELETE_BATCH])
        return changed

    def load(self, collection: str) -> None:
        """Loads a collection for search and query, once per process (an RPC each time otherwise:
        the state is read before every question of the app)."""
        if collection not in self._loaded:
            self.client.load_collection(self.names[collection])
            self._loaded.add(collection)

    def _query_all(self, collection: str, expression: str, fields: list[str]) -> list[dict]:
        self.load(collection)
        iterator = self.client.query_iterator(self.names[collection], batch_size=4096, filter=expression,
                                              output_fields=fields)
        rows = []
        while batch := iterator.next():
            rows.extend(batch)
        iterator.close()
        return rows


def term_frequencies(index: MilvusIndex, state: dict, terms: list[str]) -> dict[str, int]:
    """Chunks holding each token at the live generation: the newest row of each term."""
    found: dict[str, tuple[int, int]] = {}
    names = index.names
    index.load("terms")
    for first in range(0, len(terms), _DELETE_BATCH):
        batch = terms[first:first + _DELETE_BATCH]
        expression = f"term in {batch!r} and generation >= {state['floor']} and generation <= {state['live']}"
        for row in index.client.query(names["terms"], filter=expression,
                                      output_fields=["term", "generation", "frequency"]):
            if row["term"] not in found or found[row["term"]][0] < row["generation"]:
                found[row["term"]] = (row["generation"], row["frequency"])
    return {term: frequency for term, (_, frequency) in found.items() if frequency > 0}


def is_server(uri: str) -> bool:
    """A Milvus server's address, not a Milvus Lite file."""
    return uri.startswith(("http://", "https://", "tcp://"))


def connect(uri: str, token: str | None = None):
    """A MilvusClient; a Milvus Lite file held by another process is a clear error."""
    try:
        from pymilvus import MilvusClient
        # Its RPC errors are logged before they are raised; they reach the user as one QAError line.
        logging.getLogger("pymilvus").setLevel(logging.CRITICAL)
        logging.getLogger("grpc._server").setLevel(logging.CRITICAL)  # Milvus Lite: "AllocTimestamp not implemented"
        logging.getLogger("milvus_lite").setLevel(logging.CRITICAL)  # a damaged file: its traceback, then our line
    except ImportError:
        raise QAError("the Milvus store needs pymilvus and milvus-lite: pip install 'releaseqa[scale]'") from None
    if not is_server(uri):
        Path(uri).parent.mkdir(parents=True, exist_ok=True)
    with milvus_errors(f"Milvus at {uri!r}"):
        try:
            return (MilvusClient(uri, token=token or "", timeout=_CONNECT_TIMEOUT) if is_server(uri)
                    else MilvusClient(uri))
        except Exception as error:
            if "Open local milvus failed" in str(error):
                raise QAError(f"Milvus Lite database {uri!r} is open in another process (Milvus Lite serves one "
                              "process at a time): stop the app or ingest using it, or use a Milvus server "
                              "(QA_STORE=milvus://HOST:PORT)") from None
            raise
