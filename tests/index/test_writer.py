"""Writing a generation: rows, chunk and sentence vectors, BM25 and the manifest agree; drops remove."""

import numpy as np

from qa.index.snapshot import IndexSnapshot
from qa.index.store import IndexStore
from qa.index.writer import IndexWriter, PreparedRelease
from qa.ingest.chunker import Chunker, ChunkingSettings
from qa.records import Release

DIMENSION = 8
CHUNKING = ChunkingSettings(max_tokens=40, min_tokens=10)
TEXT = ("The ministers met in Phnom Penh on 6 July 2021. They reviewed 25 years of dialogue relations.\n\n"
        "Both sides agreed to meet again in August. The next meeting will be held in Jakarta.")


def word_count(texts):
    return [len(text.split()) for text in texts]


def prepared(release_id: str, text: str = TEXT, seed: int = 0) -> PreparedRelease:
    release = Release(release_id, f"Readout {release_id}", "2021-07-06", "Ministry", text)
    item = PreparedRelease.from_chunks(release, Chunker(word_count, CHUNKING))
    rng = np.random.default_rng(seed)
    for index, chunk in enumerate(item.chunks):
        vectors = rng.normal(size=(len(chunk.sentences) + 1, DIMENSION)).astype(np.float32)
        item.set_vectors(index, vectors[0], vectors[1:])
    item.set_entities([[] for _ in item.sentences()])
    return item


def write(index_dir, items, drop=()):
    store = IndexStore(index_dir)
    live = store.live() if (index_dir / "CURRENT").exists() else None
    IndexWriter(store, "test-model", DIMENSION, CHUNKING).write(items, list(drop), live)
    return IndexSnapshot.open(index_dir)


def test_a_written_generation_holds_every_release_chunk_and_sentence(tmp_path):
    items = [prepared("a.txt"), prepared("b.txt", seed=1)]
    snapshot = write(tmp_path / "index", items)
    try:
        assert set(snapshot.releases) == {"a.txt", "b.txt"}
        assert snapshot.manifest["counts"] == {"releases": 2, "chunks": sum(len(i.chunks) for i in items),
                                               "sentences": sum(len(i.sentences()) for i in items)}
        assert snapshot.manifest["model"] == "test-model" and snapshot.manifest["dimension"] == DIMENSION
        for chunk_id in snapshot.chunk_ids:
            assert snapshot.chunk_text(int(chunk_id)) in TEXT
        assert snapshot.bm25.document_frequencies()  # BM25 was built over the chunks
    finally:
        snapshot.close()


def test_sentence_vectors_are_stored_as_embedded(tmp_path):
    item = prepared("a.txt")
    snapshot = write(tmp_path / "index", [item])
    try:
        stored = snapshot.connection.execute(
            "SELECT sentence_id, char_start, char_end FROM sentences ORDER BY char_start").fetchall()
        for sentence_id, start, end in stored:
            # stored at half precision
            assert np.allclose(snapshot.sentence_vector_rows([sentence_id])[0], item.sentence_vectors[(start, end)],
                               rtol=1e-2, atol=1e-2)
    finally:
        snapshot.close()


def test_dropping_a_release_removes_its_rows_and_vectors_only(tmp_path):
    index_dir = tmp_path / "index"
    write(index_dir, [prepared("a.txt"), prepared("b.txt", seed=1)]).close()
    snapshot = write(index_dir, [], drop=["a.txt"])
    try:
        assert set(snapshot.releases) == {"b.txt"}
        assert set(snapshot.chunk_release_ids) == {"b.txt"}
        assert snapshot.chunk_index.ntotal == len(snapshot.chunk_ids)
        assert len(snapshot.sentence_ids) == snapshot.manifest["counts"]["sentences"]
        assert snapshot.manifest["created_at"] <= snapshot.manifest["updated_at"]
    finally:
        snapshot.close()
