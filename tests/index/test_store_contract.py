"""The same contract for every store: the index folder (FAISS) and Milvus Lite.

Each test runs once per store on the same releases; the records and searches of the two
stores are also compared with each other.
"""

from __future__ import annotations

import numpy as np
import pytest

from qa.config import Settings
from qa.errors import ConfigurationError, QAError
from qa.index.filters import Filters
from qa.index.location import StoreLocation
from qa.ingest.pipeline import Ingestor

STORES = ("faiss", "milvus-lite")


def store_settings(kind: str, folder) -> Settings:
    spec = f"faiss:{folder / 'index'}" if kind == "faiss" else f"milvus-lite:{folder / 'index.db'}"
    return Settings(index_dir=folder / "index", store=spec)


def ingest(settings: Settings, paths, embedder, rebuild: bool = False):
    return Ingestor(settings, embedder=embedder, progress=False).run(paths, rebuild=rebuild)


@pytest.fixture(params=STORES)
def kind(request) -> str:
    return request.param


@pytest.fixture
def built(kind, tmp_path, small_corpus, fake_embedder):
    settings = store_settings(kind, tmp_path)
    ingest(settings, [small_corpus], fake_embedder)
    return settings


def snapshot_of(settings: Settings):
    return StoreLocation.of(settings).open_snapshot()


def records(snapshot) -> dict:
    """Everything the answer stage reads, keyed by release and offsets (not by store)."""
    found = {}
    for release_id, info in snapshot.releases.items():
        text = snapshot.release_text(release_id)
        sentences = snapshot.release_sentences(release_id)
        found[release_id] = {
            "info": info, "text": text,
            "sentences": [(s.char_start, s.char_end, s.paragraph) for s in sentences],
            "entities": [e for s in sentences for e in snapshot.sentence_entities(release_id, s.char_start,
                                                                                       s.char_end)],
            "vectors": snapshot.sentence_vector_rows([s.sentence_id for s in sentences]).round(3).tolist()}
    return found


def all_chunks(snapshot, vector, filters=None) -> list[int]:
    dense, _ = snapshot.candidates("meeting", vector, 10_000, filters)
    return sorted(chunk_id for chunk_id, _ in dense)


def test_both_stores_hold_the_same_records(tmp_path, small_corpus, fake_embedder):
    snapshots = []
    for kind in STORES:
        settings = store_settings(kind, tmp_path / kind)
        ingest(settings, [small_corpus], fake_embedder)
        snapshots.append(snapshot_of(settings))
    folder, milvus = snapshots
    assert records(folder) == records(milvus)
    assert folder.manifest["counts"] == milvus.manifest["counts"]
    milvus.document_frequencies.fetch(list(folder.document_frequencies))
    assert dict(milvus.document_frequencies) == folder.document_frequencies
    vector = fake_embedder.embed_queries(["Who co-chaired the meeting?"])[0]
    assert all_chunks(folder, vector) == all_chunks(milvus, vector) == list(range(1, folder.chunk_count + 1))
    for chunk_id in all_chunks(folder, vector):
        assert folder.chunk(chunk_id) == milvus.chunk(chunk_id)
        assert folder.chunk_text(chunk_id) == milvus.chunk_text(chunk_id)
        assert folder.chunk_sentences(chunk_id) == list(milvus.chunk_sentences(chunk_id))
    # Exact dense search in both: the same ranking. BM25 differs in its implementation only.
    for question in ("Who co-chaired the meeting?", "vaccines Russia", "ASEAN Secretary-General"):
        vector = fake_embedder.embed_queries([question])[0]
        (folder_dense, folder_lexical), (milvus_dense, milvus_lexical) = (
            snapshot.candidates(question, vector, 10) for snapshot in snapshots)
        assert [c for c, _ in folder_dense] == [c for c, _ in milvus_dense]
        assert np.allclose([s for _, s in folder_dense], [s for _, s in milvus_dense], atol=1e-5)
        assert [c for c, _ in folder_lexical] == [c for c, _ in milvus_lexical]
        assert np.allclose([s for _, s in folder_lexical], [s for _, s in milvus_lexical], rtol=1e-3)


@pytest.mark.parametrize("filters", [Filters(date_from="2021-07-01"), Filters(date_to="2021-07-05"),
                                     Filters(source="asean"), Filters(release_prefix="seed/"),
                                     Filters(release_prefix="asean-md/", date_from="2020-01-01"),
                                     Filters(source='no "such" source_%')])
def test_filters_admit_the_same_chunks(built, fake_embedder, filters):
    snapshot = snapshot_of(built)
    vector = fake_embedder.embed_queries(["meeting"])[0]
    admitted = {r for r, info in snapshot.releases.items() if filters.admits(info)}
    expected = sorted(c for c in all_chunks(snapshot, vector) if snapshot.chunk(c).release_id in admitted)
    assert all_chunks(snapshot, vector, filters) == expected
    _, lexical = snapshot.candidates("meeting", vector, 10_000, filters)
    assert {snapshot.chunk(c).release_id for c, _ in lexical} <= admitted


def test_required_names_limit_the_releases(built, fake_embedder):
    snapshot = snapshot_of(built)
    vector = fake_embedder.embed_queries(["Russia"])[0]
    dense, lexical = snapshot.candidates("Russia", vector, 10_000, required=[[["lavrov"]]])
    releases = {snapshot.chunk(c).release_id for c, _ in dense + lexical}
    assert releases == {"seed/mfaic-2021-07-06-asean-russia-special-fmm.txt"}
    assert snapshot.candidates("Russia", vector, 10, required=[[["nosuchname"]]]) == ([], [])


def test_incremental_update_and_removal(built, small_corpus, fake_embedder, tmp_path):
    first = sorted(small_corpus.glob("asean-md/*.md"))
    changed, removed = first[0], first[1]
    changed.write_text(changed.read_text() + "\n\nA new closing paragraph on fisheries cooperation.\n")
    removed.unlink()
    report = ingest(built, [small_corpus], fake_embedder)
    assert (len(report.updated), len(report.removed), len(report.unchanged), report.added) == (1, 1, 2, [])
    snapshot = snapshot_of(built)
    assert len(snapshot.releases) == snapshot.manifest["counts"]["releases"] == 3
    updated = report.updated[0]
    assert "fisheries cooperation" in snapshot.release_text(updated)
    vector = fake_embedder.embed_queries(["fisheries cooperation"])[0]
    chunks = all_chunks(snapshot, vector)
    assert len(chunks) == snapshot.chunk_count
    assert report.removed[0] not in {snapshot.chunk(c).release_id for c in chunks}
    dense, lexical = snapshot.candidates("fisheries cooperation", vector, 3)
    assert snapshot.chunk(lexical[0][0]).release_id == updated
    again = ingest(built, [small_corpus], fake_embedder)
    assert (again.added, again.updated, again.removed, len(again.unchanged)) == ([], [], [], 3)
    # Document frequencies as a fresh build of the same files counts them.
    fresh = store_settings("faiss", tmp_path / "fresh")
    ingest(fresh, [small_corpus], fake_embedder)
    expected = snapshot_of(fresh).document_frequencies
    frequencies = snapshot.document_frequencies
    assert {term: frequencies.get(term, 0) for term in expected} == expected
    assert frequencies.get("nosuchterm", 0) == 0


def test_rebuild_replaces_everything(built, small_corpus, fake_embedder):
    only_seed = small_corpus / "seed"
    report = ingest(built, [only_seed], fake_embedder, rebuild=True)
    assert len(report.added) == 1
    snapshot = snapshot_of(built)
    assert len(snapshot.releases) == 1 and next(iter(snapshot.releases)).startswith("mfaic-2021-07-06")
    vector = fake_embedder.embed_queries(["meeting"])[0]
    assert len(all_chunks(snapshot, vector)) == snapshot.chunk_count


def test_a_crash_mid_ingest_leaves_the_last_good_state(built, kind, small_corpus, fake_embedder, monkeypatch):
    before = snapshot_of(built)
    releases, counts = dict(before.releases), before.manifest["counts"]
    (small_corpus / "seed" / "extra.txt").write_text("Extra release\n\n1 August 2021\n\nA late statement on trade.\n")

    def crash(*args, **kwargs):
        raise KeyboardInterrupt

    if kind == "faiss":
        monkeypatch.setattr("qa.index.writer._write_bm25", crash)
    else:
        monkeypatch.setattr("qa.index.milvus_store.MilvusIndex._put_state", crash)
    with pytest.raises(KeyboardInterrupt):
        ingest(built, [small_corpus], fake_embedder)
    monkeypatch.undo()
    after = snapshot_of(built)
    assert dict(after.releases) == releases and after.manifest["counts"] == counts
    vector = fake_embedder.embed_queries(["late statement on trade"])[0]
    assert len(all_chunks(after, vector)) == counts["chunks"]
    report = ingest(built, [small_corpus], fake_embedder)
    assert report.added == ["seed/extra.txt"]
    final = snapshot_of(built)
    assert len(all_chunks(final, vector)) == final.chunk_count == counts["chunks"] + 1
    if kind == "milvus-lite":  # the crashed ingest's rows were removed, not only hidden
        index = StoreLocation.of(built).milvus()
        rows = index.client.query(index.names["chunks"], filter="chunk_id >= 0", output_fields=["count(*)"])
        assert rows[0]["count(*)"] == final.chunk_count


def test_store_specs_are_checked():
    assert StoreLocation.parse("faiss:/tmp/i") == StoreLocation("faiss", "/tmp/i")
    assert StoreLocation.parse("milvus-lite:/tmp/i.db") == StoreLocation("milvus-lite", "/tmp/i.db")
    assert StoreLocation.parse("milvus://db.example:19530") == StoreLocation("milvus", "http://db.example:19530")
    for bad in ("milvus-lite:/tmp/i", "pinecone:x", "faiss:", "milvus://"):
        with pytest.raises(ConfigurationError):
            StoreLocation.parse(bad)
    assert StoreLocation.of(Settings(index_dir="idx")) == StoreLocation("faiss", "idx")


def test_a_missing_milvus_index_says_how_to_build_it(tmp_path):
    location = StoreLocation.parse(f"milvus-lite:{tmp_path / 'none.db'}")
    assert not location.exists()
    with pytest.raises(QAError, match="qa ingest corpus/"):
        location.open_snapshot()


def test_a_milvus_lite_file_held_by_another_process_is_a_clear_error(tmp_path, small_corpus, fake_embedder):
    import subprocess
    import sys

    settings = store_settings("milvus-lite", tmp_path)
    ingest(settings, [small_corpus / "seed"], fake_embedder)  # this process holds the file from here on
    code = ("from qa.index.location import StoreLocation; from qa.errors import QAError\n"
            f"try:\n    StoreLocation.parse({settings.store!r}).open_snapshot()\n"
            "except QAError as error:\n    print(error)")
    printed = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120).stdout
    assert "open in another process" in printed


def test_each_store_lives_where_its_spec_says(built, kind, tmp_path):
    """A Milvus Lite store is one file; the default store is a folder of generations."""
    location = StoreLocation.of(built)
    if kind == "faiss":
        assert (tmp_path / "index" / "CURRENT").is_file()
    else:
        assert (tmp_path / "index.db").exists() and not (tmp_path / "index").exists()
    assert location.exists()


def halve_data_files(database, collection: str) -> None:
    """Truncates a collection's data files of a Milvus Lite database to half, as a damaged disk would."""
    import os

    files = list((database / "collections" / f"releaseqa_{collection}").rglob("*.parquet"))
    assert files
    for path in files:
        os.truncate(path, path.stat().st_size // 2)


@pytest.mark.parametrize("collection", ["chunks", "sentences"])
def test_a_damaged_milvus_lite_file_is_seen_by_status_check_ask_and_ingest(tmp_path, small_corpus, fake_embedder,
                                                                           capsys, monkeypatch, collection):
    from qa.cli import main
    from milvus_lite.server_manager import server_manager_instance

    from qa.index.location import _milvus_index

    settings = store_settings("milvus-lite", tmp_path)
    ingest(settings, [small_corpus], fake_embedder)
    spec = ["--store", settings.store]
    assert main(["check", *spec]) == 0
    StoreLocation.of(settings).milvus().client.close()
    _milvus_index.cache_clear()  # as a new process would: a new client, and a server that reads the files again
    server_manager_instance.release_server(str(tmp_path / "index.db"))
    halve_data_files(tmp_path / "index.db", collection)
    for command in ("status", "check"):
        assert main([command, *spec]) == 1
        assert f"collection releaseqa_{collection}" in capsys.readouterr().err
    monkeypatch.setattr("qa.index.embedder.Embedder", lambda *a, **k: fake_embedder)
    assert main(["ask", "Who co-chaired the meeting?", *spec]) == 1
    error = capsys.readouterr().err
    assert error.count("\n") == 1 and "is damaged" in error
    (small_corpus / "later.txt").write_text("A later release\n\n7 July 2022\n\nThe ministers met again.")
    monkeypatch.setattr("qa.ingest.pipeline.Ingestor.embedder", property(lambda self: fake_embedder))
    assert main(["ingest", str(small_corpus), *spec, "--quiet"]) == 1
    error = capsys.readouterr().err
    assert error.count("\n") == 1 and "refuses to write on top of it; give --rebuild" in error
