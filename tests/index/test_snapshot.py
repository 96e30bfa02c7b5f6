"""The read-only view of a generation: chunks, their sentences and entities, vectors, releases."""

import numpy as np
import pytest

from qa.index.snapshot import IndexSnapshot

SEED_ID = "seed/mfaic-2021-07-06-asean-russia-special-fmm.txt"


@pytest.fixture
def snapshot(fake_index):
    snapshot = IndexSnapshot.open(fake_index)
    yield snapshot
    snapshot.close()


def test_the_snapshot_agrees_with_its_manifest(snapshot):
    counts = snapshot.manifest["counts"]
    assert len(snapshot.releases) == counts["releases"]
    assert len(snapshot.chunk_ids) == snapshot.chunk_index.ntotal == counts["chunks"]
    assert len(snapshot.sentence_ids) == len(snapshot.sentence_vectors) == counts["sentences"]
    assert list(snapshot.chunk_ids) == sorted(snapshot.chunk_ids)


def test_chunk_text_and_sentences_are_slices_of_the_release_text(snapshot):
    seed_chunks = [chunk_id for chunk_id, release_id in zip(snapshot.chunk_ids, snapshot.chunk_release_ids)
                   if release_id == SEED_ID]
    assert seed_chunks
    text = snapshot.release_text(SEED_ID)
    for chunk_id in seed_chunks:
        row = snapshot.chunk_row(int(chunk_id))
        chunk = snapshot.chunk_text(int(chunk_id))
        assert chunk == text[snapshot.chunk_starts[row]:snapshot.chunk_ends[row]]
        sentences = snapshot.chunk_sentences(int(chunk_id))
        assert sentences and all(s.release_id == SEED_ID for s in sentences)
        for sentence in sentences:
            assert text[sentence.char_start:sentence.char_end] in chunk
    assert "co-chaired" in " ".join(snapshot.chunk_text(int(c)) for c in seed_chunks)


def test_sentence_entities_are_relative_to_the_sentence(snapshot):
    text = snapshot.release_text(SEED_ID)
    start = text.index("The Meeting was co-chaired")
    end = text.index(".", text.index("Russian Federation", start)) + 1
    entities = snapshot.sentence_entities(SEED_ID, start, end)
    sentence = text[start:end]
    named = [sentence[entity.start:entity.end] for entity in entities]
    assert any("Lavrov" in name for name in named)
    assert all(0 <= entity.start < entity.end <= len(sentence) for entity in entities)


def test_sentence_vectors_come_back_in_the_order_asked(snapshot):
    ids = [int(snapshot.sentence_ids[2]), int(snapshot.sentence_ids[0])]
    rows = snapshot.sentence_vector_rows(ids)
    assert rows.dtype == np.float32 and rows.shape == (2, snapshot.sentence_vectors.shape[1])
    assert np.allclose(rows[0], snapshot.sentence_vectors[2]) and np.allclose(rows[1], snapshot.sentence_vectors[0])


def test_an_unknown_release_has_no_text(snapshot):
    assert snapshot.release_text("no/such-release.txt") == ""
