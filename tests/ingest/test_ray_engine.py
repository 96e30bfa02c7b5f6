"""`qa ingest --engine ray`: the index and the report are the ones the local engine gives.

Ray is started once for the module (2 CPUs) and shut down after it; the local index of corpus/
is the session's `sample_index`.
"""

import gzip
import json
import os
import shutil
import sys

import faiss
import numpy as np
import pytest

from qa.cli_parser import parse_args
from qa.config import Settings
from qa.errors import IngestError
from qa.index.store import CHUNK_INDEX_FILE, SENTENCE_IDS_FILE, SENTENCE_VECTORS_FILE, IndexStore, connect
from qa.ingest.chunker import Chunker
from qa.ingest.pipeline import Ingestor
from qa.ingest.reader import ReleaseReader

from ..conftest import REPO

SEED_ID = "seed/mfaic-2021-07-06-asean-russia-special-fmm.txt"


# ---- fast: no Ray started ----

def test_unknown_engine_is_refused(tmp_path):
    with pytest.raises(IngestError, match="unknown ingest engine 'spark'; use local or ray"):
        Ingestor(Settings(index_dir=tmp_path / "index"), engine="spark")


@pytest.mark.parametrize("address, message", [
    ("head node", "--ray-address 'head node' is not a Ray address"),
    ("127.0.0.1:1", "could not reach the Ray cluster at '127.0.0.1:1': Connection refused"),
])
def test_bad_ray_address_is_one_line_naming_it(tmp_path, address, message):
    with pytest.raises(IngestError, match=message) as raised:
        Ingestor(Settings(index_dir=tmp_path / "index"), engine="ray", ray_address=address)
    assert "\n" not in str(raised.value)


def test_missing_ray_says_how_to_install_it(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "ray", None)  # import ray raises ImportError
    monkeypatch.setitem(sys.modules, "ray.data", None)
    with pytest.raises(IngestError, match=r"--engine ray needs Ray: pip install 'releaseqa\[scale\]'"):
        Ingestor(Settings(index_dir=tmp_path / "index"), engine="ray")


def test_cli_takes_the_engine_and_address():
    args = parse_args(["ingest", "corpus/", "--engine", "ray", "--ray-address", "10.0.0.5:6379"])
    assert (args.engine, args.ray_address) == ("ray", "10.0.0.5:6379")
    assert parse_args(["ingest", "corpus/"]).engine == "local"


# ---- slow: Ray and the real model ----

@pytest.fixture(scope="module")
def ray_session():
    from qa.ingest.ray_engine import RayEngine

    import ray

    already = ray.is_initialized()
    if not already:
        ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    RayEngine(Settings(), progress=False).start()
    yield
    if not already:
        ray.shutdown()


# The Ray workers load their own model with the settings' precision; the local engine's is the test's
# float32 embedder. "auto" would be bfloat16 on a CPU with AMX (some of our machines): compare like with like.
SAME_PRECISION = {"precision": "float32"}


def ray_ingest(index_dir, paths, embedder, chunker_class=None, **kwargs):
    ingestor = Ingestor(Settings(index_dir=index_dir, **SAME_PRECISION), embedder=embedder, progress=False,
                        engine="ray")
    if chunker_class is not None:
        ingestor.ray.chunker_class = chunker_class
    return ingestor.run(paths, **kwargs)


def local_ingest(index_dir, paths, embedder, **kwargs):
    return Ingestor(Settings(index_dir=index_dir), embedder=embedder, progress=False).run(paths, **kwargs)


def stored(index_dir):
    """Rows, entities and vectors of the live generation, vectors in chunk and sentence id order."""
    folder = IndexStore(index_dir).live().folder
    connection = connect(folder, read_only=True)
    try:
        def rows(sql):
            return [tuple(row) for row in connection.execute(sql)]
        found = {
            "releases": rows("SELECT release_id, title, date, source, source_url, tags, origin, content_hash, text, "
                             "title_prefix FROM releases ORDER BY release_id"),
            "chunks": rows("SELECT chunk_id, release_id, paragraph, char_start, char_end FROM chunks "
                           "ORDER BY chunk_id"),
            "sentences": rows("SELECT sentence_id, release_id, paragraph, char_start, char_end FROM sentences "
                              "ORDER BY sentence_id"),
            "entities": rows("SELECT release_id, char_start, char_end, label FROM entities "
                             "ORDER BY release_id, char_start, char_end, label")}
    finally:
        connection.close()
    chunk_index = faiss.read_index(str(folder / CHUNK_INDEX_FILE))
    found["chunk_vectors"] = np.vstack([chunk_index.reconstruct(row[0]) for row in found["chunks"]])
    found["sentence_ids"] = np.load(folder / SENTENCE_IDS_FILE)
    found["sentence_vectors"] = np.load(folder / SENTENCE_VECTORS_FILE)
    return found


def assert_same_index(left, right):
    for key in ("releases", "chunks", "sentences", "entities"):
        assert left[key] == right[key], key
    np.testing.assert_array_equal(left["sentence_ids"], right["sentence_ids"])
    np.testing.assert_allclose(left["chunk_vectors"], right["chunk_vectors"], rtol=0, atol=1e-5)
    # Sentence vectors are stored as float16: two float32 values 1e-7 apart can round to
    # neighbouring float16 values, so each stored value may differ by its float16 spacing.
    assert left["sentence_vectors"].dtype == right["sentence_vectors"].dtype == np.float16
    a, b = (vectors.astype(np.float32) for vectors in (left["sentence_vectors"], right["sentence_vectors"]))
    spacing = np.spacing(np.maximum(np.abs(left["sentence_vectors"]), np.abs(right["sentence_vectors"])))
    assert (np.abs(a - b) <= 1e-5 + spacing.astype(np.float32)).all()


def failing_chunker(release_id):
    """A Chunker that raises for one release; built here so Ray pickles the class by value."""

    class FailingChunker(Chunker):
        def chunk(self, release):
            if release.release_id == release_id:
                raise ValueError(f"cannot cut {release.release_id}\nsecond line")
            return super().chunk(release)

    return FailingChunker


@pytest.mark.slow
def test_ray_index_of_the_corpus_equals_the_local_one(ray_session, sample_index, real_embedder, tmp_path):
    report = ray_ingest(tmp_path / "index", [REPO / "corpus"], real_embedder)
    assert not report.errors and len(report.added) == 24 and report.chunks_embedded > 500
    ray_index, local_index = stored(tmp_path / "index"), stored(sample_index)
    assert len(ray_index["chunks"]) == report.chunks_embedded
    assert_same_index(ray_index, local_index)


@pytest.mark.slow
def test_read_gives_what_the_local_reader_gives(ray_session, tmp_path):
    (tmp_path / "bad.pdf").write_bytes(os.urandom(3000))
    (tmp_path / "binary.txt").write_bytes(b"abc\x00def")
    line = {"doc_id": "wh-1", "title": "A statement", "date": "2022-05-12", "text": "The leaders met in Washington."}
    (tmp_path / "releases.jsonl").write_text("\n".join([json.dumps(line), "{not json", json.dumps(line)]) + "\n")
    with gzip.open(tmp_path / "more.jsonl.gz", "wt") as stream:  # repeats wh-1: kept the first
        stream.write(json.dumps(line) + "\n")
    paths = [REPO / "corpus", tmp_path, tmp_path / "bad.pdf"]
    from qa.ingest.ray_engine import RayEngine

    expected = ReleaseReader(max_chars=Settings().max_chars).read(paths)
    result = RayEngine(Settings(), progress=False).read(paths)
    assert result == expected
    assert len(result.releases) == 25 and any("duplicate release_id 'wh-1'" in e.message for e in result.errors)
    assert any(error.path.endswith("bad.pdf") for error in result.errors)


@pytest.mark.slow
def test_reingest_reports_the_same_with_both_engines(ray_session, real_embedder, small_corpus, tmp_path):
    local_ingest(tmp_path / "local", [small_corpus], real_embedder)
    shutil.copytree(tmp_path / "local", tmp_path / "ray")
    seed = small_corpus / SEED_ID
    seed.write_text(seed.read_text().replace("co-chaired", "jointly chaired"))
    removed = sorted((small_corpus / "asean-md").glob("*.md"))[0]
    removed.unlink()
    (small_corpus / "asean-md" / "scan.pdf").write_bytes(os.urandom(2000))  # a bad file: reported, skipped
    local = local_ingest(tmp_path / "local", [small_corpus], real_embedder)
    ray = ray_ingest(tmp_path / "ray", [small_corpus], real_embedder)
    assert local.updated == [SEED_ID] and local.removed == [f"asean-md/{removed.name}"]
    assert len(local.unchanged) == 2 and not local.added
    assert [error.path for error in local.errors] == [str(small_corpus / "asean-md" / "scan.pdf")]
    for key in ("added", "updated", "removed", "unchanged", "errors", "notes", "chunks_embedded"):
        assert getattr(ray, key) == getattr(local, key), key
    assert_same_index(stored(tmp_path / "ray"), stored(tmp_path / "local"))


@pytest.mark.slow
def test_a_release_that_fails_on_a_worker_is_reported_and_the_others_written(ray_session, real_embedder,
                                                                              small_corpus, tmp_path):
    failing = f"asean-md/{sorted((small_corpus / 'asean-md').glob('*.md'))[1].name}"
    report = ray_ingest(tmp_path / "index", [small_corpus], real_embedder, failing_chunker(failing))
    assert [(error.path, error.message) for error in report.errors] == [
        (str(small_corpus / failing), f"{failing}: not ingested: ValueError: cannot cut {failing} second line")]
    assert failing not in report.added and len(report.added) == 3
    index = stored(tmp_path / "index")
    assert sorted(row[0] for row in index["releases"]) == sorted(report.added)
    assert len(index["chunks"]) == report.chunks_embedded > 0


@pytest.mark.slow
def test_ray_into_milvus_lite_equals_local_into_milvus_lite_and_updates_alike(ray_session, real_embedder,
                                                                              small_corpus, tmp_path):
    """Both engines, into the Milvus store: the same records, then the same incremental update."""
    from qa.index.location import StoreLocation

    from ..index.test_store_contract import all_chunks, records

    engines = {engine: Settings(store=f"milvus-lite:{tmp_path / engine}.db", **SAME_PRECISION)
               for engine in ("local", "ray")}

    def ingest_all():
        return {engine: Ingestor(settings, embedder=real_embedder, progress=False, engine=engine).run([small_corpus])
                for engine, settings in engines.items()}

    def compare():
        local, ray = (StoreLocation.of(settings).open_snapshot() for settings in engines.values())
        assert local.manifest["counts"] == ray.manifest["counts"]
        local_records, ray_records = records(local), records(ray)
        for release_id, found in local_records.items():  # vectors: float16 steps apart at most (see above)
            np.testing.assert_allclose(found.pop("vectors"), ray_records[release_id].pop("vectors"), atol=2e-3)
        assert local_records == ray_records
        vector = real_embedder.embed_queries(["ASEAN meeting"])[0]
        assert all_chunks(local, vector) == all_chunks(ray, vector)
        assert [local.chunk(c) for c in all_chunks(local, vector)] == [ray.chunk(c) for c in all_chunks(ray, vector)]

    first = ingest_all()
    assert len(first["ray"].added) == len(first["local"].added) == 4
    compare()
    seed = small_corpus / SEED_ID
    seed.write_text(seed.read_text().replace("co-chaired", "jointly chaired"))
    sorted((small_corpus / "asean-md").glob("*.md"))[0].unlink()
    second = ingest_all()
    for key in ("added", "updated", "removed", "unchanged", "chunks_embedded"):
        assert getattr(second["ray"], key) == getattr(second["local"], key), key
    assert second["ray"].updated == [SEED_ID] and len(second["ray"].removed) == 1
    compare()
